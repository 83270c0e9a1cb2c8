/**
 * negative_feedback_share = negative pieces of feedback ÷ all pieces of feedback, where a piece is
 *  - a feedback.social event with a sentiment in −1..1: negative when sentiment < params.negativeBelow
 *    (default −0.25);
 *  - a survey.response with a csat in 1..5: negative when csat ≤ params.negativeCsatAtMost (default 2).
 * Surveys without csat are not feedback pieces here (nps/ces answers have their own indicators).
 */
import type { IndicatorDefinition } from '../config/pipeline-definition.js';
import type { IndicatorAccumulator } from './accumulator.js';
import { numberParam } from './params.js';
import { isCsat, isSentiment } from './survey-scales.js';
import { slotAccumulator } from './slot-accumulator.js';

export const DEFAULT_NEGATIVE_BELOW = -0.25;
export const DEFAULT_NEGATIVE_CSAT_AT_MOST = 2;

export function negativeFeedbackShare(def: IndicatorDefinition): IndicatorAccumulator<number[]> {
  const negativeBelow = numberParam(def, 'negativeBelow', DEFAULT_NEGATIVE_BELOW);
  const negativeCsatAtMost = numberParam(def, 'negativeCsatAtMost', DEFAULT_NEGATIVE_CSAT_AT_MOST);
  return slotAccumulator({
    name: def.name,
    eventTypes: ['feedback.social', 'survey.response'],
    slots: ['num', 'den'],
    add(buf, at, event) {
      if (event.type === 'feedback.social') {
        if (!isSentiment(event.sentiment)) return;
        buf[at + 1]!++;
        if (event.sentiment < negativeBelow) buf[at]!++;
      } else if (event.type === 'survey.response') {
        if (!isCsat(event.csat)) return;
        buf[at + 1]!++;
        if (event.csat <= negativeCsatAtMost) buf[at]!++;
      }
    },
    value: { kind: 'ratio' },
  });
}
