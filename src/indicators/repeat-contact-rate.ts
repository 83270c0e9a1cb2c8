/**
 * repeat_contact_rate = contact.queued events marked as repeat ÷ contact.queued events with a
 * customerId. Queued contacts without customerId cannot be repeats or non-repeats and are left
 * out. The mark comes from RepeatContactTracker, which the pipeline must run before the windows
 * (with the same marks object); without it the rate is 0.
 */
import type { IndicatorDefinition } from '../config/pipeline-definition.js';
import type { IndicatorAccumulator } from './accumulator.js';
import { defaultMarks, type IndicatorContext } from './enrichment-marks.js';
import { createRatioState, mergeRatio, ratioResult, type RatioState } from './results.js';
import { withSummedFields } from './summed-fields.js';

export function repeatContactRate(
  def: IndicatorDefinition,
  context: IndicatorContext = {},
): IndicatorAccumulator<RatioState> {
  const repeats = (context.marks ?? defaultMarks).repeats;
  return withSummedFields(
    {
      name: def.name,
      eventTypes: ['contact.queued'],
      create: createRatioState,
      add(state, event) {
        if (event.type !== 'contact.queued' || event.customerId === undefined) return;
        state.den++;
        if (repeats.has(event)) state.num++;
      },
      merge: mergeRatio,
      result: (state) => ratioResult(state.num, state.den),
    },
    ['num', 'den'],
  );
}
