/**
 * Parameters shared by the outcome-based contact indicators (abandonment_rate, service_level and
 * the experience_index components), read once per definition so add() only compares numbers.
 */
import type { IndicatorDefinition } from '../config/pipeline-definition.js';
import type { ContactEvent } from '../events/types.js';
import { numberParam, numberRecordParam } from './params.js';

export const DEFAULT_SHORT_ABANDON_MS = 5_000;
export const DEFAULT_SERVICE_LEVEL_THRESHOLD_MS = 20_000;

export interface ContactParams {
  shortAbandonMs: number;
  /** Service-level threshold for a queue (per-queue override or the default). */
  thresholdFor(queue: string): number;
}

export function readContactParams(def: IndicatorDefinition): ContactParams {
  const shortAbandonMs = numberParam(def, 'shortAbandonMs', DEFAULT_SHORT_ABANDON_MS);
  const fallback = numberParam(def, 'serviceLevelThresholdMs', DEFAULT_SERVICE_LEVEL_THRESHOLD_MS);
  const byQueue = new Map(Object.entries(numberRecordParam(def, 'thresholdsByQueue')));
  return {
    shortAbandonMs,
    thresholdFor: byQueue.size === 0 ? () => fallback : (queue: string) => byQueue.get(queue) ?? fallback,
  };
}

/**
 * An abandon counts against the centre unless it is known to be short. An abandon without
 * waitMs counts as long: missing data must not make the rate look better.
 */
export function isLongAbandon(event: ContactEvent, shortAbandonMs: number): boolean {
  return event.waitMs === undefined || event.waitMs >= shortAbandonMs;
}
