/** Rules and event builders shared by the at-risk tests. */
import type { AtRiskDefinition } from '../../../../src/config/pipeline-definition.js';
import type {
  ContactEvent,
  ContactEventType,
  SocialFeedbackEvent,
  SurveyResponseEvent,
  TouchpointEvent,
} from '../../../../src/events/types.js';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
/** A Monday 00:00 UTC: the 4 h buckets and day periods start here. */
export const T0 = Date.UTC(2026, 0, 5);

export function rules(overrides: Partial<AtRiskDefinition> = {}): AtRiskDefinition {
  return {
    lookbackMs: DAY,
    buckets: 6,
    dedupWindowMs: DAY,
    longWaitMs: 120_000,
    negative: { csatAtMost: 2, npsAtMost: 4, sentimentAtMost: -0.5 },
    thresholds: {
      default: { abandons: 4, failedTouchpoints: 5, negativeAnswers: 3, longWaits: 5, repeatContacts: 5 },
      vip: { abandons: 3, failedTouchpoints: 3, negativeAnswers: 2, longWaits: 3, repeatContacts: 3 },
    },
    owners: { default: 'cx-operations', 'vip/voice': 'vip-care', 'payment-gateway': 'payments' },
    maxCustomers: 1_000_000,
    ...overrides,
  };
}

/** Not an HMAC: tests only need a pseudonym that is visibly not the id. */
export const pseudonymise = (id: string): string => `pn(${[...id].reverse().join('')})`;

let seq = 0;
const nextId = () => `ev${++seq}`;

export function contactEvent(
  type: ContactEventType,
  customerId: string,
  ts: number,
  o: Partial<ContactEvent> = {},
): ContactEvent {
  return {
    id: nextId(),
    type,
    ts,
    channel: 'voice',
    queue: 'vip/voice',
    contactId: `${customerId}-c${ts}`,
    customerId,
    segment: 'vip',
    ...o,
  };
}

export function surveyEvent(
  customerId: string,
  ts: number,
  o: Partial<SurveyResponseEvent> = {},
): SurveyResponseEvent {
  return { id: nextId(), type: 'survey.response', ts, customerId, segment: 'vip', ...o };
}

export function socialEvent(customerId: string, ts: number, sentiment: number): SocialFeedbackEvent {
  return { id: nextId(), type: 'feedback.social', ts, platform: 'x', sentiment, customerId, segment: 'vip' };
}

export function touchpointEvent(
  customerId: string,
  ts: number,
  o: Partial<TouchpointEvent> = {},
): TouchpointEvent {
  return {
    id: nextId(),
    type: 'touchpoint.event',
    ts,
    journeyId: `j-${ts}`,
    journey: 'payment',
    stage: 'pay',
    touchpoint: 'payment-gateway',
    outcome: 'failure',
    latencyMs: 900,
    customerId,
    segment: 'vip',
    ...o,
  };
}
