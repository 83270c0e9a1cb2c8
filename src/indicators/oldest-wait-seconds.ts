/**
 * oldest_wait_seconds. Live gauge: LiveContactState.oldestWaitSeconds(queue, now).
 * Windowed form (this accumulator): the longest waitMs, in seconds, among contacts whose wait
 * ended in the window (contact.answered or contact.abandoned carrying waitMs). It does not see
 * contacts still waiting at the window's end — that is what the gauge is for. Max is exactly
 * mergeable. null when no wait ended in the window.
 */
import type { IndicatorDefinition } from '../config/pipeline-definition.js';
import type { IndicatorAccumulator } from './accumulator.js';

export interface MaxState {
  max: number;
  n: number;
}

export function oldestWaitSeconds(def: IndicatorDefinition): IndicatorAccumulator<MaxState> {
  return {
    name: def.name,
    eventTypes: ['contact.answered', 'contact.abandoned'],
    create: () => ({ max: 0, n: 0 }),
    add(state, event) {
      if (event.type !== 'contact.answered' && event.type !== 'contact.abandoned') return;
      const wait = event.waitMs;
      if (wait === undefined) return;
      if (state.n === 0 || wait > state.max) state.max = wait;
      state.n++;
    },
    merge(into, from) {
      if (from.n === 0) return;
      if (into.n === 0 || from.max > into.max) into.max = from.max;
      into.n += from.n;
    },
    result: (state) => ({ value: state.n > 0 ? state.max / 1000 : null, samples: state.n }),
  };
}
