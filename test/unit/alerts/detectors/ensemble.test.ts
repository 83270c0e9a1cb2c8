import { describe, expect, it } from 'vitest';
import { EnsembleDetector } from '../../../../src/alerts/detectors/ensemble.js';
import { CusumDetector } from '../../../../src/alerts/detectors/cusum.js';
import { DAY_POINTS, daily, series } from '../../../support/synthetic-series.js';
import { run } from './detector-cases.js';

describe('EnsembleDetector', () => {
  it('flags a spike once and says who fired, what it expected and the band', () => {
    const { alarms, results } = run(
      new EnsembleDetector(),
      series(3 * DAY_POINTS, (i) => (i === 700 ? 130 : 100)),
    );
    expect(alarms).toEqual([700]);
    const r = results[700]!;
    expect(['seasonal', 'ewma']).toContain(r.detector);
    expect(r.expected).toBeCloseTo(100, 0);
    expect(r.band![0]).toBeLessThan(100);
    expect(r.band![1]).toBeGreaterThan(100);
    expect(r.reason).toMatch(/σ/);
  });

  it('alerts once for a level shift, then suppresses, then can alert again', () => {
    const shape = (i: number) => (i >= 700 && i < 1000 ? 110 : i >= 1800 ? 120 : 100);
    const { alarms, results } = run(
      new EnsembleDetector({ suppressFor: 500 }),
      series(8 * DAY_POINTS, shape),
    );
    expect(alarms[0]).toBe(700);
    expect(alarms.filter((i) => i > 700 && i <= 1200)).toEqual([]);
    expect(results[701]!.reason).toMatch(/^suppressed/);
    expect(alarms).toContain(1800);
  });

  it('persistence asks for several observations in a row', () => {
    const shape = (i: number) => (i === 700 ? 130 : i >= 900 && i < 903 ? 130 : 100);
    const { alarms } = run(
      new EnsembleDetector({ persistence: 3, suppressFor: 10 }),
      series(4 * DAY_POINTS, shape),
    );
    expect(alarms).toEqual([902]);
  });

  it('does not alert on a strong daily seasonality once learned, which a CUSUM on the raw series flags', () => {
    const points = series(10 * DAY_POINTS, daily(100, 50), 2);
    // A slot judges after 8 observations, when its MAD is still rough: the first two days are its
    // probation (NAB's probation is the first 15 % of a series).
    expect(run(new EnsembleDetector(), points).alarms.filter((i) => i >= 2 * DAY_POINTS)).toEqual([]);
    expect(run(new CusumDetector(), points).alarms.length).toBeGreaterThan(0);
  });

  it('catches a slow drift on top of the seasonality', () => {
    const points = series(
      12 * DAY_POINTS,
      (i) => daily(100, 50)(i) + (i >= 5 * DAY_POINTS ? 0.02 * (i - 5 * DAY_POINTS) : 0),
    );
    const { alarms } = run(new EnsembleDetector(), points);
    expect(alarms.length).toBeGreaterThan(0);
    expect(alarms[0]).toBeGreaterThan(5 * DAY_POINTS);
  });

  it('keeps the score in 0..1', () => {
    const { results } = run(
      new EnsembleDetector(),
      series(2 * DAY_POINTS, (i) => (i % 97 === 0 ? 1e9 : 100)),
    );
    expect(results.every((r) => r.score >= 0 && r.score <= 1)).toBe(true);
  });
});
