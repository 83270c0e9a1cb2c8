import { describe, expect, it } from 'vitest';
import { binomialStandardError } from '../../../src/alerts/rules/anomaly-rule.js';

describe('binomialStandardError', () => {
  it('is √(p(1−p)/n)', () => {
    expect(binomialStandardError(0.5, 100)).toBeCloseTo(0.05, 12);
    expect(binomialStandardError(0.03, 2000)).toBeCloseTo(Math.sqrt((0.03 * 0.97) / 2000), 12);
  });

  it('keeps a rate of 0 or 1 half an attempt inside, so the floor stays finite and above 0', () => {
    // p = 0.5/100: one failure in 100 is (0.01 − 0) / 0.00705 ≈ 1.4 standard errors.
    expect(binomialStandardError(0, 100)).toBeCloseTo(Math.sqrt(0.005 * 0.995) / 10, 12);
    expect(binomialStandardError(1, 100)).toBeCloseTo(binomialStandardError(0, 100), 12);
  });

  it('gives no floor a value can pass without attempts', () => {
    expect(binomialStandardError(0.1, 0)).toBe(Infinity);
  });
});
