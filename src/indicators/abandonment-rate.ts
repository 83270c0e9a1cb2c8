/**
 * abandonment_rate = long abandons ÷ (answered + long abandons), counted by the time of the outcome
 * event (contact.answered / contact.abandoned), as contact-centre platforms do: a window can then be
 * computed from its own events, whatever window the contact was queued in.
 * A long abandon waited ≥ params.shortAbandonMs (default 5000) or has no waitMs.
 */
import type { IndicatorDefinition } from '../config/pipeline-definition.js';
import type { IndicatorAccumulator } from './accumulator.js';
import { isLongAbandon, readContactParams } from './contact-params.js';
import { createRatioState, mergeRatio, ratioResult, type RatioState } from './results.js';
import { withSummedFields } from './summed-fields.js';

export function abandonmentRate(def: IndicatorDefinition): IndicatorAccumulator<RatioState> {
  const { shortAbandonMs } = readContactParams(def);
  return withSummedFields(
    {
      name: def.name,
      eventTypes: ['contact.answered', 'contact.abandoned'],
      create: createRatioState,
      add(state, event) {
        if (event.type === 'contact.answered') {
          state.den++;
        } else if (event.type === 'contact.abandoned' && isLongAbandon(event, shortAbandonMs)) {
          state.num++;
          state.den++;
        }
      },
      merge: mergeRatio,
      result: (state) => ratioResult(state.num, state.den),
    },
    ['num', 'den'],
  );
}
