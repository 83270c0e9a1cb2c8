/**
 * abandonment_rate = long abandons ÷ (answered + long abandons), counted by the time of the outcome
 * event (contact.answered / contact.abandoned), as contact-centre platforms do: a window can then be
 * computed from its own events, whatever window the contact was queued in.
 * A long abandon waited ≥ params.shortAbandonMs (default 5000) or has no waitMs.
 */
import type { IndicatorDefinition } from '../config/pipeline-definition.js';
import type { IndicatorAccumulator } from './accumulator.js';
import { isLongAbandon, readContactParams } from './contact-params.js';
import { slotAccumulator } from './slot-accumulator.js';

export function abandonmentRate(def: IndicatorDefinition): IndicatorAccumulator<number[]> {
  const { shortAbandonMs } = readContactParams(def);
  return slotAccumulator({
    name: def.name,
    eventTypes: ['contact.answered', 'contact.abandoned'],
    slots: ['num', 'den'],
    add(buf, at, event) {
      if (event.type === 'contact.answered') {
        buf[at + 1]!++;
      } else if (event.type === 'contact.abandoned' && isLongAbandon(event, shortAbandonMs)) {
        buf[at]!++;
        buf[at + 1]!++;
      }
    },
    value: { kind: 'ratio' },
  });
}
