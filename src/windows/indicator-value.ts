/** What a pipeline emits: one indicator's value for one key and one window. */
import type { IndicatorResult } from '../indicators/accumulator.js';

export type FiringKind = 'early' | 'final' | 'correction';

export interface IndicatorValue extends IndicatorResult {
  pipeline: string;
  indicator: string;
  /** Window name from the definition, e.g. `1m` or `5m/10s`. */
  window: string;
  /** Key dimensions and their values, e.g. { queue: 'billing', channel: 'voice' }. */
  key: Readonly<Record<string, string>>;
  /** Stable text form of `key` (`channel=voice,queue=billing`), interned by the engine. */
  keyId: string;
  /** Epoch ms, inclusive. */
  windowStart: number;
  /** Epoch ms, exclusive. */
  windowEnd: number;
  kind: FiringKind;
  /** 0 for early firings, 1 for the first final, +1 for every correction: stores keep the highest. */
  version: number;
}

/** An event the engine could not place, with why: nothing is dropped silently. */
export interface RejectedEvent {
  reason: 'too-late' | 'cardinality';
  pipeline: string;
  eventId: string;
  eventTs: number;
  detail: string;
}
