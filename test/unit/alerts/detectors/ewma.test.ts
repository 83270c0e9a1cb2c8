import { describe, expect, it } from 'vitest';
import { EwmaDetector } from '../../../../src/alerts/detectors/ewma.js';
import { DAY_POINTS, series } from '../../../support/synthetic-series.js';
import { run } from './detector-cases.js';

describe('EwmaDetector', () => {
  it('is silent during warm-up and explains itself after', () => {
    const { results } = run(
      new EwmaDetector({ warmup: 10 }),
      series(20, () => 50),
    );
    expect(results.slice(0, 10).every((r) => r.expected === null && !r.isAnomaly)).toBe(true);
    expect(results[10]!.expected).toBeCloseTo(50, 0);
    expect(results[10]!.band![1]).toBeGreaterThan(results[10]!.band![0]);
  });

  it('flags a spike on noise and nothing else', () => {
    const { alarms, results } = run(
      new EwmaDetector(),
      series(3 * DAY_POINTS, (i) => (i === 700 ? 115 : 100)),
    );
    expect(alarms).toEqual([700]);
    expect(results[700]!.score).toBeGreaterThan(0.8);
    expect(results[700]!.reason).toMatch(/σ from the EWMA/);
  });

  it('flags a level shift at once, then adapts to the new level', () => {
    const { alarms } = run(
      new EwmaDetector(),
      series(3 * DAY_POINTS, (i) => (i >= 700 ? 108 : 100)),
    );
    expect(alarms[0]).toBe(700);
    expect(alarms.every((i) => i < 720)).toBe(true);
  });

  it('one outlier does not blind it to the next (updates are clipped)', () => {
    const points = series(DAY_POINTS, (i) => (i === 100 ? 1e6 : i === 110 ? 110 : 100));
    expect(run(new EwmaDetector(), points).alarms).toEqual([100, 110]);
  });
});
