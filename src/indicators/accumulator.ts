/**
 * The contract between the window engine (src/windows) and the indicators (src/indicators).
 *
 * The engine slices time into panes (size = gcd of the pipeline's window sizes and hops) and keeps,
 * per key and pane, one mutable state per indicator. An event updates exactly one pane; a window's
 * value is the merge of its panes. So every accumulator must be mergeable: merge(a, b) then result()
 * equals adding all of a's and b's events to one fresh state.
 */
import type { CxEvent, EventType } from '../events/types.js';

export interface IndicatorResult {
  /** null when the indicator is undefined for the window (e.g. a rate with no denominator). */
  value: number | null;
  numerator?: number;
  denominator?: number;
  /** Number of observations behind the value (means, quantiles). */
  samples?: number;
  /** For sketch-based indicators: quantile → value, e.g. { p50: 120, p90: 480, p99: 900 }. */
  quantiles?: Record<string, number>;
  /**
   * Named counts or component values behind a value that numerator/denominator cannot carry
   * (polarization's low/high answers, experience_index's components), so it can be re-aggregated.
   */
  parts?: Record<string, number>;
}

export interface IndicatorAccumulator<S = unknown> {
  /** Output name (the definition's name, usually its id). */
  readonly name: string;
  /** Event types this accumulator reads; the engine skips calling add() for others. */
  readonly eventTypes: readonly EventType[];
  create(): S;
  /** Adds one event in place. Returns nothing; filtering by the definition's predicate happens before. */
  add(state: S, event: CxEvent): void;
  /**
   * Merges `from` into `into` in place. `from` must be left unchanged and must not be adopted
   * (no `into.x = from.x` of a mutable part): the window engine merges the same pane state into
   * several windows and keeps adding events to it.
   */
  merge(into: S, from: S): void;
  result(state: S): IndicatorResult;
  /**
   * Optional numeric form of the same accumulator: the state as `slots` numbers, all 0 when empty,
   * at `at…at+slots` of a caller's number store. The window engine keeps these in its packed pane
   * arrays instead of one object per key×pane×indicator (see docs/windows.md, Memory). It must give
   * exactly what the object form gives for the same events and merges (property-tested).
   */
  readonly numeric?: NumericForm;
}

/** Where numeric states live: the engine's packed pane arrays (number slots) or a composite's buffer. */
export interface NumericSlots {
  [index: number]: number;
}

export interface NumericForm {
  /** Numbers per state; a fresh state is `slots` zeros. */
  readonly slots: number;
  add(buf: NumericSlots, at: number, event: CxEvent): void;
  /** Merges the state at `from[fromAt…]` into `into[intoAt…]`; `from` is left unchanged. */
  merge(into: NumericSlots, intoAt: number, from: NumericSlots, fromAt: number): void;
  result(buf: NumericSlots, at: number): IndicatorResult;
  /**
   * When result() is one of the standard summaries of the first slots (results.ts), which: the
   * window engine then writes a value's fields straight from the slots, without a result object
   * per value (most of what it allocated besides the values themselves).
   */
  readonly summary?: SlotSummary;
}

/**
 * count: slot 0 is n (countResult). ratio: slots num, den (ratioResult). mean: slots sum, n,
 * reported times `scale` (meanResult).
 */
export type SlotSummary = { kind: 'count' } | { kind: 'ratio' } | { kind: 'mean'; scale: number };
