import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../../src/config/duration.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['0s', 0],
    ['20s', 20_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['7d', 604_800_000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '5', '1.5h', '1h30m', '05m', '-1s', '5 m', '5M', '1w', ' 5m'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('formatDuration', () => {
  it('writes the largest exact unit and round-trips', () => {
    expect([0, 500, 10_000, 90_000, 3_600_000, 86_400_000, 1_500].map(formatDuration)).toEqual([
      '0s',
      '500ms',
      '10s',
      '90s',
      '1h',
      '1d',
      '1500ms',
    ]);
    for (const ms of [1, 999, 61_000, 7_200_000]) expect(parseDuration(formatDuration(ms))).toBe(ms);
  });
});
