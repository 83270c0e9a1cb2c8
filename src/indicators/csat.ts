/**
 * csat = survey answers with csat 4–5 ÷ survey answers with a csat (1–5), the usual "top-two-box"
 * CSAT as a ratio 0..1. Responses without csat or outside 1..5 are ignored.
 */
import type { IndicatorDefinition } from '../config/pipeline-definition.js';
import type { IndicatorAccumulator } from './accumulator.js';
import { isCsat } from './survey-scales.js';
import { slotAccumulator } from './slot-accumulator.js';

export function csat(def: IndicatorDefinition): IndicatorAccumulator<number[]> {
  return slotAccumulator({
    name: def.name,
    eventTypes: ['survey.response'],
    slots: ['num', 'den'],
    add(buf, at, event) {
      if (event.type !== 'survey.response') return;
      const score = event.csat;
      if (!isCsat(score)) return;
      buf[at + 1]!++;
      if (score >= 4) buf[at]!++;
    },
    value: { kind: 'ratio' },
  });
}
