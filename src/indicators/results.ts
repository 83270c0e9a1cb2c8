/** Small state shapes and result builders shared by the counting, rate and mean indicators. */
import type { IndicatorResult, SlotSummary } from './accumulator.js';

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

/** The fields of a value that a standard summary writes (see SlotSummary in accumulator.ts). */
export interface SummaryFields {
  value: number | null;
  numerator?: number | undefined;
  denominator?: number | undefined;
  samples?: number | undefined;
}

const COUNT: SlotSummary = { kind: 'count' };
const RATIO: SlotSummary = { kind: 'ratio' };

/**
 * Writes a standard summary of the slot values x (count n, ratio num, mean sum) and y (ratio den,
 * mean n) into `into`: the one definition of counts, ratios and means, used by the result builders
 * below and by the window engine, which writes its values' fields with it directly.
 */
export function writeSummary(into: SummaryFields, summary: SlotSummary, x: number, y: number): void {
  switch (summary.kind) {
    case 'count':
      into.value = x;
      into.numerator = x;
      into.denominator = undefined;
      into.samples = x;
      return;
    case 'ratio':
      // null (not NaN) when nothing is in the denominator.
      into.value = y > 0 ? x / y : null;
      into.numerator = x;
      into.denominator = y;
      into.samples = y;
      return;
    case 'mean':
      into.value = y > 0 ? (x / y) * summary.scale : null;
      into.numerator = x * summary.scale;
      into.denominator = y;
      into.samples = y;
      return;
  }
}

/** writeSummary into a fresh result object. */
export function summaryResult(summary: SlotSummary, x: number, y: number): IndicatorResult {
  const r: SummaryFields = { value: null, numerator: undefined, denominator: undefined, samples: undefined };
  writeSummary(r, summary, x, y);
  return r;
}

export function countResult(n: number): IndicatorResult {
  return summaryResult(COUNT, n, 0);
}

/** value is null (not NaN) when nothing is in the denominator. */
export function ratioResult(num: number, den: number): IndicatorResult {
  return summaryResult(RATIO, num, den);
}

/** Mean of `sum / n`, reported times `scale` (e.g. 1/1000 for ms → seconds). */
export function meanResult(sum: number, n: number, scale = 1): IndicatorResult {
  return summaryResult({ kind: 'mean', scale }, sum, n);
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
