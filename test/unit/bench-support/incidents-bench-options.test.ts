import { describe, expect, it } from 'vitest';
import {
  DEFAULT_BASELINE_HOURS,
  parseBaselineHours,
  parseIntradayReserve,
  parseSeedPairs,
} from '../../../bench/incidents.bench.js';

describe('incidents bench options', () => {
  it('runs a full simulated day of baseline unless INCIDENTS_BASELINE_HOURS says otherwise', () => {
    expect(DEFAULT_BASELINE_HOURS).toBe(24);
    expect(parseBaselineHours(undefined)).toBe(24);
    expect(parseBaselineHours('  ')).toBe(24);
    expect(parseBaselineHours('6')).toBe(6);
    expect(parseBaselineHours('0.5')).toBe(0.5);
  });

  it('rejects a baseline that is not a positive number of hours', () => {
    for (const bad of ['0', '-3', 'day', 'NaN', 'Infinity'])
      expect(() => parseBaselineHours(bad)).toThrow(/INCIDENTS_BASELINE_HOURS/);
  });

  it('reads demo:baseline seed pairs, a bare seed meaning both', () => {
    expect(parseSeedPairs(undefined)).toEqual([[42, 7]]);
    expect(parseSeedPairs('42:7,1:2')).toEqual([
      [42, 7],
      [1, 2],
    ]);
    expect(parseSeedPairs('5')).toEqual([[5, 5]]);
    expect(() => parseSeedPairs('a:b')).toThrow(/INCIDENTS_SEEDS/);
  });

  it('keeps the simulator reserve unless INCIDENTS_INTRADAY_RESERVE names a share', () => {
    expect(parseIntradayReserve(undefined)).toBeUndefined();
    expect(parseIntradayReserve('')).toBeUndefined();
    expect(parseIntradayReserve('0')).toBe(0);
    expect(parseIntradayReserve('0.2')).toBe(0.2);
    for (const bad of ['-0.1', '1.5', 'lots'])
      expect(() => parseIntradayReserve(bad)).toThrow(/INCIDENTS_INTRADAY_RESERVE/);
  });
});
