/**
 * asa_seconds — average speed of answer: mean waitMs of contact.answered events (those that carry
 * waitMs), in seconds. Sums stay in integer milliseconds so merging is exact.
 */
import type { IndicatorDefinition } from '../config/pipeline-definition.js';
import type { IndicatorAccumulator } from './accumulator.js';
import { createMeanState, meanResult, mergeMean, type MeanState } from './results.js';
import { withSummedFields } from './summed-fields.js';

export function asaSeconds(def: IndicatorDefinition): IndicatorAccumulator<MeanState> {
  return withSummedFields(
    {
      name: def.name,
      eventTypes: ['contact.answered'],
      create: createMeanState,
      add(state, event) {
        if (event.type !== 'contact.answered' || event.waitMs === undefined) return;
        state.sum += event.waitMs;
        state.n++;
      },
      merge: mergeMean,
      result: (state) => meanResult(state.sum, state.n, 1 / 1000),
    },
    ['sum', 'n'],
  );
}
