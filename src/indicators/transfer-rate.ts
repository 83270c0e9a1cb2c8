/**
 * transfer_rate = contact.transferred ÷ contact.answered, both counted by event time in the window.
 * Because a contact answered near a window's end may be transferred in the next window, a single
 * short window can exceed 1; the value is not clamped so that numerator and denominator still
 * re-aggregate exactly over longer periods.
 */
import type { IndicatorDefinition } from '../config/pipeline-definition.js';
import type { IndicatorAccumulator } from './accumulator.js';
import { slotAccumulator } from './slot-accumulator.js';

export function transferRate(def: IndicatorDefinition): IndicatorAccumulator<number[]> {
  return slotAccumulator({
    name: def.name,
    eventTypes: ['contact.answered', 'contact.transferred'],
    slots: ['num', 'den'],
    add(buf, at, event) {
      if (event.type === 'contact.answered') buf[at + 1]!++;
      else if (event.type === 'contact.transferred') buf[at]!++;
    },
    value: { kind: 'ratio' },
  });
}
