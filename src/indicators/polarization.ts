/**
 * polarization = 4 × lowShare × highShare over survey answers on one scale (params.scale):
 *  - `csat` (default): low = csat 1–2, high = csat 4–5, over all csat answers 1..5;
 *  - `nps`: low = 0–6 (detractors), high = 9–10 (promoters), over all nps answers 0..10.
 * It is 0 when nobody is on one of the two sides (everyone agrees, whatever they think) and 1 for a
 * 50/50 split between the sides; a third each of low/neutral/high gives 4/9 ≈ 0.44.
 * The product of shares is not a ratio of sums, so re-aggregate from parts (low, high) and samples.
 */
import type { IndicatorDefinition } from '../config/pipeline-definition.js';
import type { IndicatorAccumulator, IndicatorResult } from './accumulator.js';
import { stringParam } from './params.js';
import { isCsat, isNps } from './survey-scales.js';
import { slotAccumulator, type SlotIndicator } from './slot-accumulator.js';

export function polarizationValue(low: number, high: number, n: number): number | null {
  return n > 0 ? (4 * low * high) / (n * n) : null;
}

export function polarization(def: IndicatorDefinition): IndicatorAccumulator<number[]> {
  const scale = stringParam(def, 'scale', ['csat', 'nps'] as const, 'csat');
  // Slots: low, high, n.
  const add: SlotIndicator['add'] =
    scale === 'csat'
      ? (buf, at, event) => {
          if (event.type !== 'survey.response' || !isCsat(event.csat)) return;
          buf[at + 2]!++;
          if (event.csat <= 2) buf[at]!++;
          else if (event.csat >= 4) buf[at + 1]!++;
        }
      : (buf, at, event) => {
          if (event.type !== 'survey.response' || !isNps(event.nps)) return;
          buf[at + 2]!++;
          if (event.nps <= 6) buf[at]!++;
          else if (event.nps >= 9) buf[at + 1]!++;
        };
  return slotAccumulator({
    name: def.name,
    eventTypes: ['survey.response'],
    slots: ['low', 'high', 'n'],
    add,
    value: (buf, at): IndicatorResult => {
      const low = buf[at]!,
        high = buf[at + 1]!,
        n = buf[at + 2]!;
      return { value: polarizationValue(low, high, n), samples: n, parts: { low, high } };
    },
  });
}
