/** ces — customer effort score: mean of survey.response ces answers (1..7; lower is less effort). */
import type { IndicatorDefinition } from '../config/pipeline-definition.js';
import type { IndicatorAccumulator } from './accumulator.js';
import { createMeanState, meanResult, mergeMean, type MeanState } from './results.js';
import { isCes } from './survey-scales.js';
import { withSummedFields } from './summed-fields.js';

export function ces(def: IndicatorDefinition): IndicatorAccumulator<MeanState> {
  return withSummedFields(
    {
      name: def.name,
      eventTypes: ['survey.response'],
      create: createMeanState,
      add(state, event) {
        if (event.type !== 'survey.response' || !isCes(event.ces)) return;
        state.sum += event.ces;
        state.n++;
      },
      merge: mergeMean,
      result: (state) => meanResult(state.sum, state.n),
    },
    ['sum', 'n'],
  );
}
