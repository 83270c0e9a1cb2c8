/**
 * The one-pass statistics of failure-correlation.ts against a two-pass brute force on random
 * data: Pearson's r over the pairs, the group means, the slope of least squares, Fisher's interval.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  failureCorrelation,
  normalCdf,
  normalQuantile,
  type FailureSums,
} from '../../../../src/analytics/drivers/failure-correlation.js';

function sumsOf(pairs: ReadonlyArray<readonly [number, number]>): FailureSums {
  const s: FailureSums = { n: 0, failures: 0, sumY: 0, sumXY: 0, sumYY: 0 };
  for (const [x, y] of pairs) {
    s.n++;
    s.failures += x;
    s.sumY += y;
    s.sumXY += x * y;
    s.sumYY += y * y;
  }
  return s;
}

/** Two passes: means first, then centred products; the slope by least squares. */
function bruteForce(pairs: ReadonlyArray<readonly [number, number]>) {
  const n = pairs.length;
  const mx = pairs.reduce((a, [x]) => a + x, 0) / n;
  const my = pairs.reduce((a, [, y]) => a + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (const [x, y] of pairs) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
    syy += (y - my) ** 2;
  }
  const failed = pairs.filter(([x]) => x === 1).map(([, y]) => y);
  const ok = pairs.filter(([x]) => x === 0).map(([, y]) => y);
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  return { r: sxy / Math.sqrt(sxx * syy), slope: sxy / sxx, meanFailed: mean(failed), meanOk: mean(ok) };
}

const Z95 = 1.959963984540054;

describe('failureCorrelation', () => {
  it('matches a two-pass computation on random answers (fast-check)', () => {
    const pair = fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 10 }));
    fc.assert(
      fc.property(fc.array(pair, { minLength: 2, maxLength: 400 }), (pairs) => {
        const got = failureCorrelation(sumsOf(pairs), Z95);
        const failures = pairs.filter(([x]) => x === 1).length;
        const ys = new Set(pairs.map(([, y]) => y));
        if (failures === 0 || failures === pairs.length || ys.size < 2) {
          expect(got).toBeUndefined();
          return;
        }
        const want = bruteForce(pairs);
        expect(got).toBeDefined();
        expect(got!.r).toBeCloseTo(want.r, 9);
        expect(got!.effect).toBeCloseTo(want.slope, 9);
        expect(got!.meanFailed).toBeCloseTo(want.meanFailed, 9);
        expect(got!.meanOk).toBeCloseTo(want.meanOk, 9);
        if (pairs.length > 3 && Math.abs(want.r) < 1) {
          const se = 1 / Math.sqrt(pairs.length - 3);
          expect(got!.rLow).toBeCloseTo(Math.tanh(Math.atanh(want.r) - Z95 * se), 9);
          expect(got!.rHigh).toBeCloseTo(Math.tanh(Math.atanh(want.r) + Z95 * se), 9);
          expect(got!.rLow).toBeLessThanOrEqual(got!.r);
          expect(got!.rHigh).toBeGreaterThanOrEqual(got!.r);
          expect(got!.pValue).toBeGreaterThanOrEqual(0);
          expect(got!.pValue).toBeLessThanOrEqual(1);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('gives p = 0 for a perfect separation and p = 1 for none', () => {
    const separated: Array<[number, number]> = [];
    const unrelated: Array<[number, number]> = [];
    for (let i = 0; i < 40; i++) {
      separated.push([i % 2, i % 2 === 1 ? 1 : 5]);
      // Both groups score 1, 3, 5 equally often: r = 0 exactly.
      unrelated.push([i % 2, 1 + 2 * (Math.floor(i / 2) % 3)]);
    }
    const perfect = failureCorrelation(sumsOf(separated), Z95)!;
    expect(perfect.r).toBeCloseTo(-1, 12);
    expect(perfect.effect).toBe(-4);
    expect(perfect.pValue).toBe(0);
    const none = failureCorrelation(sumsOf(unrelated.slice(0, 36)), Z95)!;
    expect(none.r).toBeCloseTo(0, 12);
    expect(none.pValue).toBeCloseTo(1, 6);
  });
});

describe('normal distribution', () => {
  it('has the textbook values', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 7);
    expect(normalCdf(-1)).toBeCloseTo(0.15865525393145707, 7);
    expect(normalCdf(3)).toBeCloseTo(0.9986501019683699, 7);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 6);
    expect(normalQuantile(0.995)).toBeCloseTo(2.5758293035489, 6);
    expect(() => normalQuantile(1)).toThrow(RangeError);
  });
});
