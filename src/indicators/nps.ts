/**
 * nps = 100 × (promoters − detractors) ÷ answers, on survey.response events with nps 0..10;
 * promoters answer 9–10, detractors 0–6. Range −100..100.
 * numerator = promoters − detractors and denominator = answers, so re-aggregating is
 * 100 × Σnumerator ÷ Σdenominator; parts carries promoters and detractors.
 */
import type { IndicatorDefinition } from '../config/pipeline-definition.js';
import type { IndicatorAccumulator, IndicatorResult } from './accumulator.js';
import { isNps } from './survey-scales.js';
import { withSummedFields } from './summed-fields.js';

export interface NpsState {
  promoters: number;
  detractors: number;
  n: number;
}

export function npsResult(state: NpsState): IndicatorResult {
  const net = state.promoters - state.detractors;
  return {
    value: state.n > 0 ? (100 * net) / state.n : null,
    numerator: net,
    denominator: state.n,
    samples: state.n,
    parts: { promoters: state.promoters, detractors: state.detractors },
  };
}

export function nps(def: IndicatorDefinition): IndicatorAccumulator<NpsState> {
  return withSummedFields(
    {
      name: def.name,
      eventTypes: ['survey.response'],
      create: () => ({ promoters: 0, detractors: 0, n: 0 }),
      add(state, event) {
        if (event.type !== 'survey.response') return;
        const score = event.nps;
        if (!isNps(score)) return;
        state.n++;
        if (score >= 9) state.promoters++;
        else if (score <= 6) state.detractors++;
      },
      merge(into, from) {
        into.promoters += from.promoters;
        into.detractors += from.detractors;
        into.n += from.n;
      },
      result: npsResult,
    },
    ['promoters', 'detractors', 'n'],
  );
}
