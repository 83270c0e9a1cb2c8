import { describe, expect, it } from 'vitest';
import {
  binomialLowerTail,
  binomialUpperTail,
  logGamma,
  normalUpperTail,
} from '../../../../src/alerts/rules/binomial.js';
import { isSignificantCount } from '../../../../src/alerts/rules/anomaly-rule.js';

/** Exact tails computed with rational arithmetic (Python's fractions), for reference. */
const REFERENCE: Array<[k: number, n: number, p: number, tail: number]> = [
  [8, 100, 0.01, 8.220204738566515e-6],
  [7, 100, 0.015, 8.108476907938313e-4],
  [8, 100, 0.03, 1.0623808856178382e-2],
  [160, 2000, 0.03, 6.928989224516385e-28],
  [550, 1000, 0.5, 8.652680424881588e-4],
];

describe('binomial tails', () => {
  it('logGamma matches ln((n−1)!)', () => {
    let lnFactorial = 0;
    for (let n = 1; n <= 170; n++) {
      expect(logGamma(n)).toBeCloseTo(lnFactorial, 9);
      lnFactorial += Math.log(n);
    }
  });

  it('upper tails match exact sums, deep into the tail', () => {
    for (const [k, n, p, tail] of REFERENCE) {
      expect(Math.abs(binomialUpperTail(k, n, p) / tail - 1)).toBeLessThan(1e-9);
    }
  });

  it('lower tails mirror upper ones, and the edges are exact', () => {
    // P(X ≤ 92 | 100, 0.97) = P(failures ≥ 8 | 100, 0.03).
    expect(binomialLowerTail(92, 100, 0.97)).toBeCloseTo(binomialUpperTail(8, 100, 0.03), 15);
    expect(binomialUpperTail(0, 10, 0.3)).toBe(1);
    expect(binomialUpperTail(11, 10, 0.3)).toBe(0);
    expect(binomialUpperTail(10, 10, 0.3)).toBeCloseTo(0.3 ** 10, 18);
    expect(binomialUpperTail(2, 100, 0.5)).toBe(1); // below the mean: not a small tail
  });

  it('normalUpperTail is Φ̄(z)', () => {
    expect(normalUpperTail(0)).toBeCloseTo(0.5, 7);
    expect(normalUpperTail(1)).toBeCloseTo(0.15865525393145707, 7);
    expect(normalUpperTail(-1)).toBeCloseTo(1 - 0.15865525393145707, 7);
    expect(Math.abs(normalUpperTail(5) / 2.866515718791946e-7 - 1)).toBeLessThan(1e-6);
  });
});

describe('isSignificantCount', () => {
  it('turns down 8 failures in 100 of a 1 % touchpoint at 5σ, though √(p(1−p)/n) calls it 7σ', () => {
    expect(isSignificantCount(8, 100, 0.01, 5)).toBe(false);
    expect(isSignificantCount(8, 100, 0.01, 4)).toBe(true); // 8.2e-6 < Φ̄(4) = 3.2e-5
  });

  it('takes an outage at once, and the same share of failures over more attempts', () => {
    expect(isSignificantCount(40, 100, 0.015, 5)).toBe(true);
    expect(isSignificantCount(80, 1000, 0.01, 5)).toBe(true);
  });

  it('judges a fall on the lower tail (a service level from 97 % to 92 %)', () => {
    expect(isSignificantCount(92, 100, 0.97, 5)).toBe(false);
    expect(isSignificantCount(1840, 2000, 0.97, 5)).toBe(true);
  });

  it('keeps an expected rate of 0 half an attempt inside: one failure is no evidence, a dozen is', () => {
    expect(isSignificantCount(1, 100, 0, 5)).toBe(false);
    expect(isSignificantCount(12, 100, 0, 5)).toBe(true);
    expect(isSignificantCount(3, 0, 0.5, 5)).toBe(false);
  });
});
