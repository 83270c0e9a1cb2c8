/**
 * Where the enrichment trackers (repeat contacts, journey durations) leave their findings for the
 * accumulators. The event contract stays untouched: facts that need history across windows are
 * computed once, in event-time order, before the window engine, and remembered beside the event
 * object (WeakSet/WeakMap, so nothing outlives the event).
 *
 * One `defaultMarks` serves the common case. Two pipelines that run trackers with different
 * parameters over the same event objects must each use their own marks (pass `{ marks }` to the
 * tracker and to `createAccumulator`), or the second tracker's findings would mix with the first's.
 */
import type { CxEvent } from '../events/types.js';

export class EnrichmentMarks {
  /** contact.queued events whose customer had another contact within the lookback. */
  readonly repeats = new WeakSet<CxEvent>();
  /** Last-stage touchpoint events → end-to-end journey duration in ms. */
  readonly journeyDurations = new WeakMap<CxEvent, number>();
}

export const defaultMarks = new EnrichmentMarks();

/** Optional second argument of every indicator factory. */
export interface IndicatorContext {
  marks?: EnrichmentMarks;
}
