/**
 * csat = survey answers with csat 4–5 ÷ survey answers with a csat (1–5), the usual "top-two-box"
 * CSAT as a ratio 0..1. Responses without csat or outside 1..5 are ignored.
 */
import type { IndicatorDefinition } from '../config/pipeline-definition.js';
import type { IndicatorAccumulator } from './accumulator.js';
import { createRatioState, mergeRatio, ratioResult, type RatioState } from './results.js';
import { isCsat } from './survey-scales.js';
import { withSummedFields } from './summed-fields.js';

export function csat(def: IndicatorDefinition): IndicatorAccumulator<RatioState> {
  return withSummedFields(
    {
      name: def.name,
      eventTypes: ['survey.response'],
      create: createRatioState,
      add(state, event) {
        if (event.type !== 'survey.response') return;
        const score = event.csat;
        if (!isCsat(score)) return;
        state.den++;
        if (score >= 4) state.num++;
      },
      merge: mergeRatio,
      result: (state) => ratioResult(state.num, state.den),
    },
    ['num', 'den'],
  );
}
