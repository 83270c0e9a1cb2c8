/** One valid wire example per event type, shared by the decode tests. */
import type { EventType } from '../../../src/events/types.js';

/** The `now` the examples are valid at: their ts is one minute before it. */
export const EXAMPLE_NOW = Date.UTC(2025, 0, 15, 12, 0, 0);
export const EXAMPLE_TS = EXAMPLE_NOW - 60_000;

export const VALID_EXAMPLES: Record<EventType, Record<string, unknown>> = {
  'contact.queued': {
    id: 'evt-1',
    type: 'contact.queued',
    ts: EXAMPLE_TS,
    v: 1,
    region: 'eu-west',
    segment: 'vip',
    channel: 'voice',
    queue: 'billing',
    contactId: 'c-1',
    customerId: 'cust-9',
  },
  'contact.answered': {
    id: 'evt-2',
    type: 'contact.answered',
    ts: EXAMPLE_TS,
    channel: 'chat',
    queue: 'billing',
    contactId: 'c-1',
    waitMs: 42_000,
    agentId: 'agent-7',
  },
  'contact.abandoned': {
    id: 'evt-3',
    type: 'contact.abandoned',
    ts: EXAMPLE_TS,
    channel: 'voice',
    queue: 'tech-support',
    contactId: 'c-2',
    waitMs: 95_000,
  },
  'contact.transferred': {
    id: 'evt-4',
    type: 'contact.transferred',
    ts: EXAMPLE_TS,
    channel: 'voice',
    queue: 'billing',
    contactId: 'c-1',
    agentId: 'agent-7',
    toQueue: 'retention',
  },
  'contact.ended': {
    id: 'evt-5',
    type: 'contact.ended',
    ts: EXAMPLE_TS,
    channel: 'email',
    queue: 'retention',
    contactId: 'c-1',
    talkMs: 300_000,
    holdMs: 20_000,
    wrapMs: 45_000,
    resolved: true,
    agentId: 'agent-7',
  },
  'agent.state': {
    id: 'evt-6',
    type: 'agent.state',
    ts: EXAMPLE_TS,
    agentId: 'agent-7',
    team: 'north',
    queues: ['billing', 'retention'],
    state: 'available',
  },
  'survey.response': {
    id: 'evt-7',
    type: 'survey.response',
    ts: EXAMPLE_TS,
    csat: 4,
    nps: 9,
    ces: 2,
    comment: 'Quick and friendly.',
    tags: ['speed'],
    touchpoint: 'post-call',
    journey: 'support',
    queue: 'billing',
    channel: 'voice',
    contactId: 'c-1',
    customerId: 'cust-9',
  },
  'feedback.social': {
    id: 'evt-8',
    type: 'feedback.social',
    ts: EXAMPLE_TS,
    platform: 'trustpilot',
    sentiment: -0.6,
    text: 'Third outage this month.',
    tags: ['outage'],
    reach: 1200,
    touchpoint: 'status-page',
    customerId: 'cust-9',
  },
  'touchpoint.event': {
    id: 'evt-9',
    type: 'touchpoint.event',
    ts: EXAMPLE_TS,
    journeyId: 'j-1',
    journey: 'sign-up',
    stage: 'verify-identity',
    stageIndex: 1,
    stageCount: 3,
    touchpoint: 'sms-otp',
    channel: 'app',
    outcome: 'failure',
    latencyMs: 850,
    errorCode: 'OTP_TIMEOUT',
    customerId: 'cust-9',
  },
  'account.usage': {
    id: 'evt-10',
    type: 'account.usage',
    ts: EXAMPLE_TS,
    segment: 'prepaid',
    accountId: 'acc-1',
    customerId: 'cust-9',
    metric: 'data-mb',
    used: 312.5,
    remaining: 1450,
    allowance: 5000,
    unit: 'MB',
  },
};

/** A fresh copy of the example for `type`, with `changes` applied (`undefined` deletes a field). */
export function example(type: EventType, changes: Record<string, unknown> = {}): Record<string, unknown> {
  const copy: Record<string, unknown> = structuredClone(VALID_EXAMPLES[type]);
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete copy[key];
    else copy[key] = value;
  }
  return copy;
}
