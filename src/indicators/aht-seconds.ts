/**
 * aht_seconds — average handle time: mean of talkMs + holdMs + wrapMs over contact.ended events,
 * in seconds. A missing part counts as 0; an event with none of the three is skipped (no data,
 * not a zero-second contact).
 */
import type { IndicatorDefinition } from '../config/pipeline-definition.js';
import type { IndicatorAccumulator } from './accumulator.js';
import { createMeanState, meanResult, mergeMean, type MeanState } from './results.js';
import { withSummedFields } from './summed-fields.js';

export function ahtSeconds(def: IndicatorDefinition): IndicatorAccumulator<MeanState> {
  return withSummedFields(
    {
      name: def.name,
      eventTypes: ['contact.ended'],
      create: createMeanState,
      add(state, event) {
        if (event.type !== 'contact.ended') return;
        const { talkMs, holdMs, wrapMs } = event;
        if (talkMs === undefined && holdMs === undefined && wrapMs === undefined) return;
        state.sum += (talkMs ?? 0) + (holdMs ?? 0) + (wrapMs ?? 0);
        state.n++;
      },
      merge: mergeMean,
      result: (state) => meanResult(state.sum, state.n, 1 / 1000),
    },
    ['sum', 'n'],
  );
}
