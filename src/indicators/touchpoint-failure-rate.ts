/**
 * touchpoint_failure_rate = touchpoint.event with outcome `failure` ÷ all touchpoint.event
 * (success, failure and abandoned all count in the denominator).
 */
import type { IndicatorDefinition } from '../config/pipeline-definition.js';
import type { IndicatorAccumulator } from './accumulator.js';
import { createRatioState, mergeRatio, ratioResult, type RatioState } from './results.js';
import { withSummedFields } from './summed-fields.js';

export function touchpointFailureRate(def: IndicatorDefinition): IndicatorAccumulator<RatioState> {
  return withSummedFields(
    {
      name: def.name,
      eventTypes: ['touchpoint.event'],
      create: createRatioState,
      add(state, event) {
        if (event.type !== 'touchpoint.event') return;
        state.den++;
        if (event.outcome === 'failure') state.num++;
      },
      merge: mergeRatio,
      result: (state) => ratioResult(state.num, state.den),
    },
    ['num', 'den'],
  );
}
