/** Rules and events shared by the tag-ranking tests. */
import type { TagRankingsDefinition } from '../../../../src/config/pipeline-definition.js';
import type { SocialFeedbackEvent, SurveyResponseEvent } from '../../../../src/events/types.js';

export const T0 = Date.UTC(2026, 0, 5, 9);
export const MINUTE = 60_000;

export function rules(overrides: Partial<TagRankingsDefinition> = {}): TagRankingsDefinition {
  return {
    windows: ['5m'],
    keyBy: [],
    capacity: 8,
    top: 5,
    maxKeys: 100,
    negative: { csatAtMost: 2, npsAtMost: 6, cesAtMost: 2, sentimentAtMost: -0.3 },
    positive: { csatAtLeast: 4, npsAtLeast: 9, cesAtLeast: 6, sentimentAtLeast: 0.3 },
    keywords: {},
    keywordsApplyTo: 'untagged',
    ignoreTags: [],
    ...overrides,
  };
}

let seq = 0;

export function survey(ts: number, fields: Partial<SurveyResponseEvent> = {}): SurveyResponseEvent {
  return { id: `s${seq++}`, type: 'survey.response', ts, ...fields };
}

export function post(
  ts: number,
  sentiment: number,
  fields: Partial<SocialFeedbackEvent> = {},
): SocialFeedbackEvent {
  return { id: `p${seq++}`, type: 'feedback.social', ts, platform: 'x', sentiment, ...fields };
}
