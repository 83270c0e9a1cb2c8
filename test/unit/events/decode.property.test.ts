import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_FUTURE_MS, DEFAULT_MAX_PAST_MS, decodeEvent } from '../../../src/events/decode.js';
import {
  AGENT_STATES,
  CHANNELS,
  CONTACT_EVENT_TYPES,
  TOUCHPOINT_OUTCOMES,
} from '../../../src/events/types.js';

const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);

// Any Unicode code point, so the UTF-8 path through Buffer is exercised too. Lengths stay well under
// the schema limits even when every character takes two UTF-16 units.
const name = fc.string({ unit: 'binary', minLength: 1, maxLength: 40 });
const text = fc.string({ unit: 'binary', maxLength: 200 });
const tags = fc.array(fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }), { maxLength: 5 });
// `+ 0` turns -0 into 0: JSON cannot carry -0, so it would not round-trip by design.
const duration = fc.oneof(fc.nat(), fc.double({ min: 0, max: 1e9, noNaN: true })).map((x) => x + 0);
const epochMs = fc.integer({ min: NOW - DEFAULT_MAX_PAST_MS, max: NOW + DEFAULT_MAX_FUTURE_MS });

const common = {
  id: fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }),
  v: fc.constant(1),
  region: name,
  segment: name,
};
const commonRequired = ['id', 'type'] as const;

const contact = fc.record(
  {
    ...common,
    type: fc.constantFrom(...CONTACT_EVENT_TYPES),
    channel: fc.constantFrom(...CHANNELS),
    queue: name,
    contactId: name,
    customerId: name,
    waitMs: duration,
    talkMs: duration,
    holdMs: duration,
    wrapMs: duration,
    resolved: fc.boolean(),
    agentId: name,
    toQueue: name,
  },
  { requiredKeys: [...commonRequired, 'channel', 'queue', 'contactId'] },
);

const agentState = fc.record(
  {
    ...common,
    type: fc.constant('agent.state'),
    agentId: name,
    team: name,
    queues: fc.array(name, { maxLength: 5 }),
    state: fc.constantFrom(...AGENT_STATES),
  },
  { requiredKeys: [...commonRequired, 'agentId', 'team', 'queues', 'state'] },
);

const survey = fc
  .record(
    {
      ...common,
      type: fc.constant('survey.response'),
      csat: fc.integer({ min: 1, max: 5 }),
      nps: fc.integer({ min: 0, max: 10 }),
      ces: fc.integer({ min: 1, max: 7 }),
      comment: text,
      tags,
      touchpoint: name,
      journey: name,
      queue: name,
      channel: fc.constantFrom(...CHANNELS),
      contactId: name,
      customerId: name,
    },
    { requiredKeys: [...commonRequired] },
  )
  .filter((e) => e.csat !== undefined || e.nps !== undefined || e.ces !== undefined);

const social = fc.record(
  {
    ...common,
    type: fc.constant('feedback.social'),
    platform: name,
    sentiment: fc.double({ min: -1, max: 1, noNaN: true }).map((x) => x + 0),
    text,
    tags,
    reach: duration,
    touchpoint: name,
    customerId: name,
  },
  { requiredKeys: [...commonRequired, 'platform', 'sentiment'] },
);

const touchpoint = fc.record(
  {
    ...common,
    type: fc.constant('touchpoint.event'),
    journeyId: name,
    journey: name,
    stage: name,
    stageIndex: fc.nat({ max: 20 }),
    stageCount: fc.integer({ min: 1, max: 21 }),
    touchpoint: name,
    channel: fc.constantFrom(...CHANNELS),
    outcome: fc.constantFrom(...TOUCHPOINT_OUTCOMES),
    latencyMs: duration,
    errorCode: name,
    customerId: name,
  },
  {
    requiredKeys: [...commonRequired, 'journeyId', 'journey', 'stage', 'touchpoint', 'outcome', 'latencyMs'],
  },
);

const accountUsage = fc.record(
  {
    ...common,
    type: fc.constant('account.usage'),
    accountId: name,
    customerId: name,
    metric: name,
    used: duration,
    remaining: fc.double({ min: -1e9, max: 1e9, noNaN: true }).map((x) => x + 0),
    allowance: duration,
    topUp: duration,
    unit: name,
  },
  { requiredKeys: [...commonRequired, 'accountId', 'metric', 'used'] },
);

const anyEvent = fc.oneof(contact, agentState, survey, social, touchpoint, accountUsage);

describe('decodeEvent round trip (property)', () => {
  it('any valid event, stringified, decodes to an equal event with ts as epoch ms', () => {
    fc.assert(
      fc.property(anyEvent, epochMs, fc.boolean(), (event, ms, asIso) => {
        const wire = { ...event, ts: asIso ? new Date(ms).toISOString() : ms };
        const result = decodeEvent(Buffer.from(JSON.stringify(wire)), { now: NOW });
        expect(result).toEqual({ ok: true, event: { ...event, ts: ms } });
      }),
      { numRuns: 300 },
    );
  });
});
