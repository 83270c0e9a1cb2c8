/**
 * service_level = answered within threshold ÷ (answered + long abandons), outcome-based (counted by
 * the time of the answer/abandon event). Threshold: params.thresholdsByQueue[queue], else
 * params.serviceLevelThresholdMs (default 20000). "Within" is waitMs ≤ threshold.
 * Short abandons (waitMs < params.shortAbandonMs, default 5000) are left out of both sides.
 * An answered contact without waitMs cannot be judged and is left out of both sides; an abandon
 * without waitMs counts as long (in the denominator).
 */
import type { IndicatorDefinition } from '../config/pipeline-definition.js';
import type { IndicatorAccumulator } from './accumulator.js';
import { isLongAbandon, readContactParams } from './contact-params.js';
import { slotAccumulator } from './slot-accumulator.js';

export function serviceLevel(def: IndicatorDefinition): IndicatorAccumulator<number[]> {
  const { shortAbandonMs, thresholdFor } = readContactParams(def);
  return slotAccumulator({
    name: def.name,
    eventTypes: ['contact.answered', 'contact.abandoned'],
    slots: ['num', 'den'],
    add(buf, at, event) {
      if (event.type === 'contact.answered') {
        const wait = event.waitMs;
        if (wait === undefined) return;
        buf[at + 1]!++;
        if (wait <= thresholdFor(event.queue)) buf[at]!++;
      } else if (event.type === 'contact.abandoned' && isLongAbandon(event, shortAbandonMs)) {
        buf[at + 1]!++;
      }
    },
    value: { kind: 'ratio' },
  });
}
