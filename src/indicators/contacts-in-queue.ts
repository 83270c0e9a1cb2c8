/**
 * contacts_in_queue is a live gauge (see LiveContactState): the number of contacts waiting now
 * cannot be computed from one window's events, because contacts queued before the window are
 * still waiting in it. As a windowed indicator it therefore always yields value null; the
 * wallboard reads it from LiveContactState.contactsInQueue(queue, now).
 */
import type { IndicatorDefinition } from '../config/pipeline-definition.js';
import type { IndicatorAccumulator } from './accumulator.js';

export function contactsInQueue(def: IndicatorDefinition): IndicatorAccumulator<null> {
  return gaugeOnly(def);
}

/** A windowed stand-in for a gauge: no state, no value. */
export function gaugeOnly(def: IndicatorDefinition): IndicatorAccumulator<null> {
  return {
    name: def.name,
    eventTypes: [],
    create: () => null,
    add() {},
    merge() {},
    result: () => ({ value: null, samples: 0 }),
  };
}
