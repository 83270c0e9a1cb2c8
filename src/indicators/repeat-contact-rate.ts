/**
 * repeat_contact_rate = contact.queued events marked as repeat ÷ contact.queued events with a
 * customerId. Queued contacts without customerId cannot be repeats or non-repeats and are left
 * out. The mark comes from RepeatContactTracker, which the pipeline must run before the windows
 * (with the same marks object); without it the rate is 0.
 */
import type { IndicatorDefinition } from '../config/pipeline-definition.js';
import type { IndicatorAccumulator } from './accumulator.js';
import { defaultMarks, type IndicatorContext } from './enrichment-marks.js';
import { slotAccumulator } from './slot-accumulator.js';

export function repeatContactRate(
  def: IndicatorDefinition,
  context: IndicatorContext = {},
): IndicatorAccumulator<number[]> {
  const repeats = (context.marks ?? defaultMarks).repeats;
  return slotAccumulator({
    name: def.name,
    eventTypes: ['contact.queued'],
    slots: ['num', 'den'],
    add(buf, at, event) {
      if (event.type !== 'contact.queued' || event.customerId === undefined) return;
      buf[at + 1]!++;
      if (repeats.has(event)) buf[at]!++;
    },
    value: { kind: 'ratio' },
  });
}
