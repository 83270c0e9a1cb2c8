import { describe, expect, it } from 'vitest';
import { CusumDetector } from '../../../../src/alerts/detectors/cusum.js';
import { EwmaDetector } from '../../../../src/alerts/detectors/ewma.js';
import { DAY_POINTS, series } from '../../../support/synthetic-series.js';
import { run } from './detector-cases.js';

// A drift of 0.01σ per observation: after 100 observations the level is off by 1σ, never by
// enough from one observation to the next to look odd.
const drift = series(4 * DAY_POINTS, (i) => (i >= 400 ? 100 + 0.01 * (i - 400) : 100));

describe('CusumDetector', () => {
  it('catches a slow drift that EWMA limits never flag', () => {
    const cusum = run(new CusumDetector(), drift);
    expect(cusum.alarms.length).toBeGreaterThan(0);
    expect(cusum.alarms[0]).toBeGreaterThan(400);
    expect(cusum.alarms[0]).toBeLessThan(550);
    expect(cusum.results[cusum.alarms[0]!]!.reason).toMatch(/upward drift/);
    expect(run(new EwmaDetector(), drift).alarms).toEqual([]);
  });

  it('stays quiet on stationary noise', () => {
    expect(
      run(
        new CusumDetector(),
        series(4 * DAY_POINTS, () => 100, 1, 3),
      ).alarms,
    ).toEqual([]);
  });

  it('detects a downward shift too, and resets after an alarm instead of alarming on and on', () => {
    const { alarms, results } = run(
      new CusumDetector(),
      series(2 * DAY_POINTS, (i) => (i >= 300 ? 98.5 : 100)),
    );
    expect(alarms[0]).toBeGreaterThan(300);
    expect(alarms[0]).toBeLessThan(330);
    expect(results[alarms[0]!]!.reason).toMatch(/downward drift/);
    expect(results[alarms[0]! + 1]!.score).toBeLessThan(0.5);
    // Re-anchored on the new level: a handful of alarms at most, not one per observation.
    expect(alarms.length).toBeLessThan(5);
  });

  it('is not tripped by one spike alone (z is winsorised)', () => {
    expect(
      run(
        new CusumDetector(),
        series(DAY_POINTS, (i) => (i === 200 ? 1e6 : 100)),
      ).alarms,
    ).toEqual([]);
  });
});
