/** Small state shapes and result builders shared by the counting, rate and mean indicators. */
import type { IndicatorResult } from './accumulator.js';

export interface CountState {
  n: number;
}

export interface RatioState {
  num: number;
  den: number;
}

export interface MeanState {
  sum: number;
  n: number;
}

export function countResult(n: number): IndicatorResult {
  return { value: n, numerator: n, samples: n };
}

/** value is null (not NaN) when nothing is in the denominator. */
export function ratioResult(num: number, den: number): IndicatorResult {
  return { value: den > 0 ? num / den : null, numerator: num, denominator: den, samples: den };
}

/** Mean of `sum / n`, reported times `scale` (e.g. 1/1000 for ms → seconds). */
export function meanResult(sum: number, n: number, scale = 1): IndicatorResult {
  return {
    value: n > 0 ? (sum / n) * scale : null,
    numerator: sum * scale,
    denominator: n,
    samples: n,
  };
}

export function createRatioState(): RatioState {
  return { num: 0, den: 0 };
}

export function mergeRatio(into: RatioState, from: RatioState): void {
  into.num += from.num;
  into.den += from.den;
}

export function createMeanState(): MeanState {
  return { sum: 0, n: 0 };
}

export function mergeMean(into: MeanState, from: MeanState): void {
  into.sum += from.sum;
  into.n += from.n;
}
