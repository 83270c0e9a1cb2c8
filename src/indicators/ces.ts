/** ces — customer effort score: mean of survey.response ces answers (1..7; lower is less effort). */
import type { IndicatorDefinition } from '../config/pipeline-definition.js';
import type { IndicatorAccumulator } from './accumulator.js';
import { isCes } from './survey-scales.js';
import { slotAccumulator } from './slot-accumulator.js';

export function ces(def: IndicatorDefinition): IndicatorAccumulator<number[]> {
  return slotAccumulator({
    name: def.name,
    eventTypes: ['survey.response'],
    slots: ['sum', 'n'],
    add(buf, at, event) {
      if (event.type !== 'survey.response' || !isCes(event.ces)) return;
      buf[at]! += event.ces;
      buf[at + 1]!++;
    },
    value: { kind: 'mean', scale: 1 },
  });
}
