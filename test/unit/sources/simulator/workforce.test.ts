import { describe, expect, it } from 'vitest';
import {
  INTRADAY_RESERVE_SHARE,
  RECONTACT_FORECAST_SPAN_MS,
  forecastRecontactRate,
  mayStartBreak,
  shouldPullReserve,
} from '../../../../src/sources/simulator/workforce.js';

describe('mayStartBreak', () => {
  it('lets a small team have one agent away at a time', () => {
    expect(mayStartBreak({ onBreak: 0, staffed: 6 }, 0.05, false)).toBe(true);
    expect(mayStartBreak({ onBreak: 1, staffed: 6 }, 0.05, false)).toBe(false);
  });

  it('lets a large team have the planned break share away at once, no more', () => {
    // 5 % of 90 is 4.5: five may be away, not six.
    expect(mayStartBreak({ onBreak: 4, staffed: 90 }, 0.05, false)).toBe(true);
    expect(mayStartBreak({ onBreak: 5, staffed: 90 }, 0.05, false)).toBe(false);
  });

  it('holds every break while callers of the team wait', () => {
    expect(mayStartBreak({ onBreak: 0, staffed: 90 }, 0.05, true)).toBe(false);
  });
});

describe('forecastRecontactRate', () => {
  it('starts from the first measurement', () => {
    expect(forecastRecontactRate(undefined, 0.2, 15 * 60_000)).toBe(0.2);
  });

  it('moves a quarter of the way to a quarter-hour measurement (one-hour span)', () => {
    expect(forecastRecontactRate(0.1, 0.3, 15 * 60_000)).toBeCloseTo(0.15, 12);
  });

  it('weights a short interval less, and never overshoots on a long one', () => {
    expect(forecastRecontactRate(0.1, 0.3, 60_000)).toBeCloseTo(0.1 + 0.2 / 60, 12);
    expect(forecastRecontactRate(0.1, 0.3, 2 * RECONTACT_FORECAST_SPAN_MS)).toBe(0.3);
  });

  it('averages the Poisson noise of single quarters away', () => {
    // Alternating quiet and busy quarters around 0.2/s: the forecast stays near 0.2, where the
    // last quarter alone would swing by ±0.1.
    let forecast: number | undefined;
    for (let i = 0; i < 40; i++)
      forecast = forecastRecontactRate(forecast, i % 2 === 0 ? 0.1 : 0.3, 15 * 60_000);
    expect(Math.abs(forecast! - 0.2)).toBeLessThan(0.03);
  });
});

describe('shouldPullReserve', () => {
  it('pulls an agent once more callers wait than half the square root of the plan', () => {
    // Plan 100: the trigger is 5 callers waiting.
    expect(shouldPullReserve({ staffed: 100, target: 100 }, 5)).toBe(false);
    expect(shouldPullReserve({ staffed: 100, target: 100 }, 6)).toBe(true);
  });

  it('needs at least two callers waiting on a small team', () => {
    expect(shouldPullReserve({ staffed: 4, target: 4 }, 1)).toBe(false);
    expect(shouldPullReserve({ staffed: 4, target: 4 }, 2)).toBe(true);
  });

  it('stops at the reserve share of the plan', () => {
    expect(INTRADAY_RESERVE_SHARE).toBe(0.15);
    // 15 % of 100: up to 115 on shift.
    expect(shouldPullReserve({ staffed: 114, target: 100 }, 50)).toBe(true);
    expect(shouldPullReserve({ staffed: 115, target: 100 }, 50)).toBe(false);
    expect(shouldPullReserve({ staffed: 120, target: 100 }, 50, 0.2)).toBe(false);
    expect(shouldPullReserve({ staffed: 119, target: 100 }, 50, 0.2)).toBe(true);
  });

  it('pulls nobody for a closed queue (no plan) or with no reserve', () => {
    expect(shouldPullReserve({ staffed: 0, target: 0 }, 10)).toBe(false);
    expect(shouldPullReserve({ staffed: 10, target: 10 }, 10, 0)).toBe(false);
  });
});
