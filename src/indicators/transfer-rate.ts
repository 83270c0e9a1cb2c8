/**
 * transfer_rate = contact.transferred ÷ contact.answered, both counted by event time in the window.
 * Because a contact answered near a window's end may be transferred in the next window, a single
 * short window can exceed 1; the value is not clamped so that numerator and denominator still
 * re-aggregate exactly over longer periods.
 */
import type { IndicatorDefinition } from '../config/pipeline-definition.js';
import type { IndicatorAccumulator } from './accumulator.js';
import { createRatioState, mergeRatio, ratioResult, type RatioState } from './results.js';
import { withSummedFields } from './summed-fields.js';

export function transferRate(def: IndicatorDefinition): IndicatorAccumulator<RatioState> {
  return withSummedFields(
    {
      name: def.name,
      eventTypes: ['contact.answered', 'contact.transferred'],
      create: createRatioState,
      add(state, event) {
        if (event.type === 'contact.answered') state.den++;
        else if (event.type === 'contact.transferred') state.num++;
      },
      merge: mergeRatio,
      result: (state) => ratioResult(state.num, state.den),
    },
    ['num', 'den'],
  );
}
