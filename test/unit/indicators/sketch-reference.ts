/** Reference for the sketch indicators: the exact value at DDSketch's rank, floor(q × (n − 1)). */
import { expect } from 'vitest';
import type { IndicatorResult } from '../../../src/indicators/accumulator.js';

export function exactQuantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(q * (sorted.length - 1))]!;
}

/** Every quantile within the sketch's 1 % relative accuracy of the exact one (plus float slack). */
export function expectWithinAccuracy(
  result: IndicatorResult,
  values: readonly number[],
  labels: Record<string, number>,
): void {
  if (values.length === 0) {
    expect(result.value).toBeNull();
    expect(result.samples).toBe(0);
    return;
  }
  expect(result.samples).toBe(values.length);
  for (const [label, q] of Object.entries(labels)) {
    const exact = exactQuantile(values, q);
    const got = result.quantiles?.[label];
    expect(got, label).toBeDefined();
    expect(Math.abs(got! - exact), `${label}: ${got} vs exact ${exact}`).toBeLessThanOrEqual(
      0.01 * exact + 1e-9,
    );
  }
  const first = Object.keys(labels)[0]!;
  expect(result.value).toBe(result.quantiles?.[first]);
}
