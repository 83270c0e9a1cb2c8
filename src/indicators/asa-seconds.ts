/**
 * asa_seconds — average speed of answer: mean waitMs of contact.answered events (those that carry
 * waitMs), in seconds. Sums stay in integer milliseconds so merging is exact.
 */
import type { IndicatorDefinition } from '../config/pipeline-definition.js';
import type { IndicatorAccumulator } from './accumulator.js';
import { slotAccumulator } from './slot-accumulator.js';

export function asaSeconds(def: IndicatorDefinition): IndicatorAccumulator<number[]> {
  return slotAccumulator({
    name: def.name,
    eventTypes: ['contact.answered'],
    slots: ['sum', 'n'],
    add(buf, at, event) {
      if (event.type !== 'contact.answered' || event.waitMs === undefined) return;
      buf[at]! += event.waitMs;
      buf[at + 1]!++;
    },
    value: { kind: 'mean', scale: 1 / 1000 },
  });
}
