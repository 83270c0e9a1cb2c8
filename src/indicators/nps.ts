/**
 * nps = 100 × (promoters − detractors) ÷ answers, on survey.response events with nps 0..10;
 * promoters answer 9–10, detractors 0–6. Range −100..100.
 * numerator = promoters − detractors and denominator = answers, so re-aggregating is
 * 100 × Σnumerator ÷ Σdenominator; parts carries promoters and detractors.
 */
import type { IndicatorDefinition } from '../config/pipeline-definition.js';
import type { IndicatorAccumulator, IndicatorResult } from './accumulator.js';
import { isNps } from './survey-scales.js';
import { slotAccumulator } from './slot-accumulator.js';

/** NPS from its parts: promoters and detractors among n answers. */
export function npsResult(promoters: number, detractors: number, n: number): IndicatorResult {
  const net = promoters - detractors;
  return {
    value: n > 0 ? (100 * net) / n : null,
    numerator: net,
    denominator: n,
    samples: n,
    parts: { promoters, detractors },
  };
}

export function nps(def: IndicatorDefinition): IndicatorAccumulator<number[]> {
  return slotAccumulator({
    name: def.name,
    eventTypes: ['survey.response'],
    slots: ['promoters', 'detractors', 'n'],
    add(buf, at, event) {
      if (event.type !== 'survey.response') return;
      const score = event.nps;
      if (!isNps(score)) return;
      buf[at + 2]!++;
      if (score >= 9) buf[at]!++;
      else if (score <= 6) buf[at + 1]!++;
    },
    value: (buf, at) => npsResult(buf[at]!, buf[at + 1]!, buf[at + 2]!),
  });
}
