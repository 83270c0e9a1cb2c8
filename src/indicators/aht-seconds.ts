/**
 * aht_seconds — average handle time: mean of talkMs + holdMs + wrapMs over contact.ended events,
 * in seconds. A missing part counts as 0; an event with none of the three is skipped (no data,
 * not a zero-second contact).
 */
import type { IndicatorDefinition } from '../config/pipeline-definition.js';
import type { IndicatorAccumulator } from './accumulator.js';
import { slotAccumulator } from './slot-accumulator.js';

export function ahtSeconds(def: IndicatorDefinition): IndicatorAccumulator<number[]> {
  return slotAccumulator({
    name: def.name,
    eventTypes: ['contact.ended'],
    slots: ['sum', 'n'],
    add(buf, at, event) {
      if (event.type !== 'contact.ended') return;
      const { talkMs, holdMs, wrapMs } = event;
      if (talkMs === undefined && holdMs === undefined && wrapMs === undefined) return;
      buf[at]! += (talkMs ?? 0) + (holdMs ?? 0) + (wrapMs ?? 0);
      buf[at + 1]!++;
    },
    value: { kind: 'mean', scale: 1 / 1000 },
  });
}
