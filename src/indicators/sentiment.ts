/**
 * sentiment — mean sentiment (−1..1) of feedback.social events. Surveys are not mixed in: they
 * carry no sentiment, and mapping a csat to one would invent a scale (see csat, nps,
 * negative_feedback_share for surveys). Values outside −1..1 are ignored.
 * Sentiment is a float, so a merged sum may differ from a sequential one in the last bits
 * (≈1e-15 relative), not more.
 */
import type { IndicatorDefinition } from '../config/pipeline-definition.js';
import type { IndicatorAccumulator } from './accumulator.js';
import { isSentiment } from './survey-scales.js';
import { slotAccumulator } from './slot-accumulator.js';

export function sentiment(def: IndicatorDefinition): IndicatorAccumulator<number[]> {
  return slotAccumulator({
    name: def.name,
    eventTypes: ['feedback.social'],
    slots: ['sum', 'n'],
    add(buf, at, event) {
      if (event.type !== 'feedback.social' || !isSentiment(event.sentiment)) return;
      buf[at]! += event.sentiment;
      buf[at + 1]!++;
    },
    value: { kind: 'mean', scale: 1 },
  });
}
