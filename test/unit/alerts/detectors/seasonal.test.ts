import { describe, expect, it } from 'vitest';
import { SeasonalDetector } from '../../../../src/alerts/detectors/seasonal.js';
import { DAY_POINTS, FIVE_MINUTES, T0, daily, series } from '../../../support/synthetic-series.js';
import { run } from './detector-cases.js';

describe('SeasonalDetector', () => {
  it('learns before it judges: no expectation until the slot has enough history', () => {
    const d = new SeasonalDetector({ minSamplesPerSlot: 3 });
    const hour = 3_600_000;
    const verdicts = [0, 1, 2, 3].map((day) => d.update(T0 + day * 86_400_000 + hour, 10));
    expect(verdicts.map((v) => v.expected)).toEqual([null, null, null, 10]);
    expect(verdicts[0]!.reason).toBe('learning');
  });

  it('flags a spike, and only the spike, on noise', () => {
    const { alarms, results } = run(
      new SeasonalDetector(),
      series(3 * DAY_POINTS, (i) => (i === 700 ? 115 : 100)),
    );
    expect(alarms).toEqual([700]);
    const r = results[700]!;
    expect(r.detector).toBe('seasonal');
    expect(r.expected).toBeCloseTo(100, 0);
    expect(r.band![0]).toBeLessThan(100);
    expect(r.band![1]).toBeGreaterThan(100);
    expect(r.band![1]).toBeLessThan(115);
    expect(r.reason).toMatch(/σ from the slot median/);
  });

  it('flags a level shift when it happens', () => {
    const { alarms } = run(
      new SeasonalDetector(),
      series(3 * DAY_POINTS, (i) => (i >= 700 ? 110 : 100)),
    );
    expect(alarms[0]).toBe(700);
  });

  it('does not alert on a strong daily seasonality once learned, where a flat baseline would', () => {
    const points = series(10 * DAY_POINTS, daily(100, 50));
    expect(run(new SeasonalDetector(), points).alarms).toEqual([]);
    // The same seasonality with a dip at an hour where it is normally high is caught.
    const dipped = points.map((p, i) => (i === 8 * DAY_POINTS + 72 ? { ...p, value: 100 } : p));
    expect(run(new SeasonalDetector(), dipped).alarms).toEqual([8 * DAY_POINTS + 72]);
  });

  it('keeps weekly slots apart: a quiet weekend is normal once learned', () => {
    const weekend = (i: number) => {
      const day = new Date(T0 + i * FIVE_MINUTES).getUTCDay();
      return day === 0 || day === 6 ? 20 : 100;
    };
    const points = series(6 * 7 * DAY_POINTS, weekend, 1, 7);
    const { alarms } = run(new SeasonalDetector({ weekly: true, minSamplesPerSlot: 24 }), points);
    expect(alarms).toEqual([]);
    // Daily slots mix weekdays and weekends and cannot tell which is normal.
    expect(run(new SeasonalDetector(), points).alarms.length).toBeGreaterThan(0);
  });

  it('scores a constant series as normal and any change to it as anomalous', () => {
    const flat = Array.from({ length: 2 * DAY_POINTS }, (_, i) => ({ ts: T0 + i * FIVE_MINUTES, value: 45 }));
    const d = new SeasonalDetector();
    expect(run(d, flat).alarms).toEqual([]);
    expect(d.update(T0 + 2 * DAY_POINTS * FIVE_MINUTES, 46).isAnomaly).toBe(true);
  });
});
