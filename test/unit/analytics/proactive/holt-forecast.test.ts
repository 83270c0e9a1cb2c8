/**
 * The forecast's arithmetic against closed forms: Holt's smoothing of a constant and of a straight
 * line, the projection's integral where no rate is clipped, the run-out time as its inverse, and
 * the normal distribution function at known points.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bucketsUntilRunOut,
  holtStep,
  normalCdf,
  projectedUsage,
  runOutProbability,
  type HoltState,
} from '../../../../src/analytics/proactive/holt-forecast.js';

const fresh = (): HoltState => ({ level: 0, trend: 0, errorVariance: 0, buckets: 0 });
const weight = fc.double({ min: 0.01, max: 1, noNaN: true });

describe('holtStep', () => {
  it('tracks a constant series from its first bucket: level c, trend 0, no error (to rounding)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e6, noNaN: true }), weight, weight, fc.nat(50), (c, a, b, n) => {
        const s = fresh();
        for (let i = 0; i <= n; i++) holtStep(s, c, a, b);
        expect(Math.abs(s.level - c)).toBeLessThanOrEqual(1e-12 * c);
        expect(Math.abs(s.trend)).toBeLessThanOrEqual(1e-12 * c);
        expect(Math.sqrt(s.errorVariance)).toBeLessThanOrEqual(1e-12 * c);
        expect(s.buckets).toBe(n + 1);
      }),
    );
  });

  it('follows a straight line u_t = a + b t, its one-step forecast error decaying to 0', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1000, noNaN: true }),
        fc.double({ min: -5, max: 5, noNaN: true }),
        fc.double({ min: 0.2, max: 1, noNaN: true }),
        fc.double({ min: 0.2, max: 1, noNaN: true }),
        (a, b, alpha, beta) => {
          const s = fresh();
          const n = 400;
          for (let t = 1; t <= n; t++) holtStep(s, a + b * t, alpha, beta);
          // Steady state of Holt's method on a line: level = the last value, trend = the slope.
          expect(s.level).toBeCloseTo(a + b * n, 6);
          expect(s.trend).toBeCloseTo(b, 6);
          expect(Math.sqrt(s.errorVariance)).toBeLessThan(1e-6);
        },
      ),
    );
  });

  it('is the textbook recursion, step by step, on a known series', () => {
    const s = fresh();
    holtStep(s, 10, 0.5, 0.5);
    expect(s).toEqual({ level: 10, trend: 0, errorVariance: 0, buckets: 1 });
    holtStep(s, 14, 0.5, 0.5);
    // p = 10, e = 4, L = 0.5·14 + 0.5·10 = 12, T = 0.5·(12 − 10) + 0.5·0 = 1, V = 16
    expect(s).toEqual({ level: 12, trend: 1, errorVariance: 16, buckets: 2 });
    holtStep(s, 11, 0.5, 0.5);
    // p = 13, e = −2, L = 0.5·11 + 0.5·13 = 12, T = 0.5·0 + 0.5·1 = 0.5, V = 0.5·4 + 0.5·16 = 10
    expect(s).toEqual({ level: 12, trend: 0.5, errorVariance: 10, buckets: 3 });
  });
});

describe('projectedUsage', () => {
  it('is h·L + T·h·((h + 1)/2 + f) while no bucket rate is clipped at zero', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1000, noNaN: true }),
        fc.double({ min: -10, max: 10, noNaN: true }),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        fc.integer({ min: 1, max: 30 }),
        (level, trend, f, h) => {
          fc.pre(level + trend > 0 && level + (h + 1) * trend > 0);
          const closed = h * level + trend * h * ((h + 1) / 2 + f);
          expect(projectedUsage(level, trend, f, h)).toBeCloseTo(closed, 6);
        },
      ),
    );
  });

  it('equals a fine Riemann sum of max(0, L + ⌈τ⌉ T) over [f, f + h], clipping included', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: -30, max: 30, noNaN: true }),
        fc.double({ min: 0, max: 0.99, noNaN: true }),
        fc.integer({ min: 1, max: 8 }),
        (level, trend, f, h) => {
          const steps = 20_000;
          const dt = h / steps;
          let sum = 0;
          for (let i = 0; i < steps; i++) {
            const tau = f + (i + 0.5) * dt;
            sum += Math.max(0, level + Math.ceil(tau) * trend) * dt;
          }
          const scale = Math.max(1, Math.abs(level) + Math.abs(trend)) * h;
          expect(Math.abs(projectedUsage(level, trend, f, h) - sum)).toBeLessThan(scale * 2e-3);
        },
      ),
    );
  });
});

describe('bucketsUntilRunOut', () => {
  it('is R / L for a constant rate', () => {
    expect(bucketsUntilRunOut(200, 0, 0.25, 1400, 20)).toBeCloseTo(7, 12);
    expect(bucketsUntilRunOut(200, 0, 0.25, 1400, 6)).toBeNull();
  });

  it('is the inverse of projectedUsage, and null exactly when the usage within the search stays short', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 500, noNaN: true }),
        fc.double({ min: -40, max: 40, noNaN: true }),
        fc.double({ min: 0, max: 0.99, noNaN: true }),
        fc.double({ min: 0.01, max: 5000, noNaN: true }),
        fc.integer({ min: 1, max: 20 }),
        (level, trend, f, remaining, within) => {
          const t = bucketsUntilRunOut(level, trend, f, remaining, within);
          if (t === null) {
            expect(projectedUsage(level, trend, f, within)).toBeLessThan(remaining);
          } else {
            expect(t).toBeGreaterThan(0);
            expect(t).toBeLessThanOrEqual(within + 1e-9);
            expect(projectedUsage(level, trend, f, t)).toBeCloseTo(remaining, 6);
          }
        },
      ),
    );
  });
});

describe('runOutProbability', () => {
  it('is Φ at known points', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1)).toBeCloseTo(0.841344746, 6);
    expect(normalCdf(-1)).toBeCloseTo(0.158655254, 6);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-3)).toBeCloseTo(0.001349898, 6);
  });

  it('is Φ((U − R) / (σ √h)), and 0 or 1 without any error seen', () => {
    // U − R = 100, σ √h = √(400 · 4) = 40: Φ(2.5)
    expect(runOutProbability(1100, 1000, 400, 4)).toBeCloseTo(0.993790335, 6);
    expect(runOutProbability(900, 1000, 400, 4)).toBeCloseTo(1 - 0.993790335, 6);
    expect(runOutProbability(1000, 1000, 0, 7)).toBe(1);
    expect(runOutProbability(999, 1000, 0, 7)).toBe(0);
  });
});
