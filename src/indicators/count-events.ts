/** Builder for the plain event counters (offered, answered, abandoned). */
import type { IndicatorDefinition } from '../config/pipeline-definition.js';
import type { EventType } from '../events/types.js';
import type { IndicatorAccumulator } from './accumulator.js';
import { slotAccumulator } from './slot-accumulator.js';

export function countEvents(def: IndicatorDefinition, type: EventType): IndicatorAccumulator<number[]> {
  return slotAccumulator({
    name: def.name,
    eventTypes: [type],
    slots: ['n'],
    add(buf, at, event) {
      // The engine already routes by eventTypes; the check keeps the accumulator correct when
      // used on its own (tests, replays).
      if (event.type === type) buf[at]!++;
    },
    value: { kind: 'count' },
  });
}
