/**
 * polarization = 4 × lowShare × highShare over survey answers on one scale (params.scale):
 *  - `csat` (default): low = csat 1–2, high = csat 4–5, over all csat answers 1..5;
 *  - `nps`: low = 0–6 (detractors), high = 9–10 (promoters), over all nps answers 0..10.
 * It is 0 when nobody is on one of the two sides (everyone agrees, whatever they think) and 1 for a
 * 50/50 split between the sides; a third each of low/neutral/high gives 4/9 ≈ 0.44.
 * The product of shares is not a ratio of sums, so re-aggregate from parts (low, high) and samples.
 */
import type { IndicatorDefinition } from '../config/pipeline-definition.js';
import type { IndicatorAccumulator, IndicatorResult } from './accumulator.js';
import { stringParam } from './params.js';
import { isCsat, isNps } from './survey-scales.js';
import { withSummedFields } from './summed-fields.js';

export interface PolarizationState {
  low: number;
  high: number;
  n: number;
}

export function polarizationValue(low: number, high: number, n: number): number | null {
  return n > 0 ? (4 * low * high) / (n * n) : null;
}

export function polarization(def: IndicatorDefinition): IndicatorAccumulator<PolarizationState> {
  const scale = stringParam(def, 'scale', ['csat', 'nps'] as const, 'csat');
  const add: IndicatorAccumulator<PolarizationState>['add'] =
    scale === 'csat'
      ? (state, event) => {
          if (event.type !== 'survey.response' || !isCsat(event.csat)) return;
          state.n++;
          if (event.csat <= 2) state.low++;
          else if (event.csat >= 4) state.high++;
        }
      : (state, event) => {
          if (event.type !== 'survey.response' || !isNps(event.nps)) return;
          state.n++;
          if (event.nps <= 6) state.low++;
          else if (event.nps >= 9) state.high++;
        };
  return withSummedFields(
    {
      name: def.name,
      eventTypes: ['survey.response'],
      create: () => ({ low: 0, high: 0, n: 0 }),
      add,
      merge(into, from) {
        into.low += from.low;
        into.high += from.high;
        into.n += from.n;
      },
      result: (state): IndicatorResult => ({
        value: polarizationValue(state.low, state.high, state.n),
        samples: state.n,
        parts: { low: state.low, high: state.high },
      }),
    },
    ['low', 'high', 'n'],
  );
}
