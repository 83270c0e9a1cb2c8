/** Event builders, arbitraries and the merge/reference property checks shared by the indicator tests. */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import type { IndicatorDefinition, IndicatorId } from '../../../src/config/pipeline-definition.js';
import type {
  AgentStateEvent,
  ContactEvent,
  ContactEventType,
  CxEvent,
  SocialFeedbackEvent,
  SurveyResponseEvent,
  TouchpointEvent,
} from '../../../src/events/types.js';
import type { IndicatorAccumulator, IndicatorResult } from '../../../src/indicators/accumulator.js';

let seq = 0;
const nextId = (): string => `e${++seq}`;

export function def(
  id: IndicatorId,
  params: IndicatorDefinition['params'] = {},
  quantiles?: number[],
): IndicatorDefinition {
  return { id, name: id, params, targetsByKey: {}, ...(quantiles ? { quantiles } : {}) };
}

export function contact(type: ContactEventType, o: Partial<ContactEvent> = {}): ContactEvent {
  return { id: nextId(), type, ts: 0, channel: 'voice', queue: 'q1', contactId: 'c1', ...o };
}

export function survey(o: Partial<SurveyResponseEvent> = {}): SurveyResponseEvent {
  return { id: nextId(), type: 'survey.response', ts: 0, ...o };
}

export function social(sentiment: number, o: Partial<SocialFeedbackEvent> = {}): SocialFeedbackEvent {
  return { id: nextId(), type: 'feedback.social', ts: 0, platform: 'x', sentiment, ...o };
}

export function touchpoint(o: Partial<TouchpointEvent> = {}): TouchpointEvent {
  return {
    id: nextId(),
    type: 'touchpoint.event',
    ts: 0,
    journeyId: 'j1',
    journey: 'sign-up',
    stage: 's',
    touchpoint: 'web',
    outcome: 'success',
    latencyMs: 100,
    ...o,
  };
}

export function agent(
  agentId: string,
  state: AgentStateEvent['state'],
  queues: string[],
  ts = 0,
): AgentStateEvent {
  return { id: nextId(), type: 'agent.state', ts, agentId, team: 't', queues, state };
}

/** Adds all events to one fresh state and returns the result. */
export function run<S>(acc: IndicatorAccumulator<S>, events: readonly CxEvent[]): IndicatorResult {
  const state = acc.create();
  for (const e of events) acc.add(state, e);
  return acc.result(state);
}

/** Splits events at the cuts, one state per part, merges them left to right. */
export function runSplit<S>(
  acc: IndicatorAccumulator<S>,
  events: readonly CxEvent[],
  cuts: number[],
): IndicatorResult {
  const bounds = [...new Set(cuts.map((c) => c % (events.length + 1)))].sort((a, b) => a - b);
  const parts: CxEvent[][] = [];
  let start = 0;
  for (const b of [...bounds, events.length]) {
    parts.push(events.slice(start, b));
    start = b;
  }
  const states = parts.map((p) => {
    const s = acc.create();
    for (const e of p) acc.add(s, e);
    return s;
  });
  const into = acc.create();
  for (const s of states) acc.merge(into, s);
  return acc.result(into);
}

// Boundary values on purpose: short-abandon (5 s) and service-level (10 s, 20 s) thresholds are inclusive.
const waitArb = fc.option(
  fc.oneof(
    fc.constantFrom(0, 4_999, 5_000, 10_000, 10_001, 20_000, 20_001),
    fc.integer({ min: 0, max: 40_000 }),
  ),
  { nil: undefined },
);
const msArb = fc.option(fc.integer({ min: 0, max: 600_000 }), { nil: undefined });

export const contactArb: fc.Arbitrary<ContactEvent> = fc
  .record({
    type: fc.constantFrom<ContactEventType>(
      'contact.queued',
      'contact.answered',
      'contact.abandoned',
      'contact.transferred',
      'contact.ended',
    ),
    // Quarter-second steps make gaps of exactly a lookback (1 s, 2 s) common.
    ts: fc.integer({ min: 0, max: 40 }).map((q) => q * 250),
    queue: fc.constantFrom('billing', 'sales', 'tech'),
    contactId: fc.constantFrom('c1', 'c2', 'c3', 'c4', 'c5', 'c6'),
    customerId: fc.option(fc.constantFrom('u1', 'u2', 'u3'), { nil: undefined }),
    waitMs: waitArb,
    talkMs: msArb,
    holdMs: msArb,
    wrapMs: msArb,
  })
  .map((r) => contact(r.type, r));

export const surveyArb: fc.Arbitrary<SurveyResponseEvent> = fc
  .record({
    ts: fc.integer({ min: 0, max: 10_000 }),
    // Out-of-range answers on purpose: they must be ignored.
    csat: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }),
    nps: fc.option(fc.integer({ min: -1, max: 11 }), { nil: undefined }),
    ces: fc.option(fc.integer({ min: 0, max: 8 }), { nil: undefined }),
  })
  .map((r) => survey(r));

export const socialArb: fc.Arbitrary<SocialFeedbackEvent> = fc
  .record({
    ts: fc.integer({ min: 0, max: 10_000 }),
    sentiment: fc.double({ min: -1.2, max: 1.2, noNaN: true }),
  })
  .map((r) => social(r.sentiment, r));

export const touchpointArb: fc.Arbitrary<TouchpointEvent> = fc
  .record({
    ts: fc.integer({ min: 0, max: 10_000 }),
    journeyId: fc.constantFrom('j1', 'j2', 'j3', 'j4'),
    stageIndex: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
    stageCount: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
    outcome: fc.constantFrom<TouchpointEvent['outcome']>('success', 'failure', 'abandoned'),
    latencyMs: fc.oneof(fc.integer({ min: 0, max: 5_000 }), fc.double({ min: 0, max: 60_000, noNaN: true })),
  })
  .map((r) => touchpoint(r));

export const agentArb: fc.Arbitrary<AgentStateEvent> = fc
  .record({
    ts: fc.integer({ min: 0, max: 10_000 }),
    agentId: fc.constantFrom('a1', 'a2', 'a3'),
    state: fc.constantFrom<AgentStateEvent['state']>('available', 'busy', 'wrap', 'away'),
    queues: fc.subarray(['billing', 'sales', 'tech']),
  })
  .map((r) => agent(r.agentId, r.state, r.queues, r.ts));

export const eventArb: fc.Arbitrary<CxEvent> = fc.oneof(
  contactArb,
  surveyArb,
  socialArb,
  touchpointArb,
  agentArb,
);
export const eventsArb = fc.array(eventArb, { maxLength: 120 });
export const cutsArb = fc.array(fc.nat(), { maxLength: 4 });

function close(a: number | null | undefined, b: number | null | undefined, what: string): void {
  if (a === null || a === undefined || b === null || b === undefined) {
    expect(a, what).toBe(b);
    return;
  }
  expect(Number.isNaN(a), `${what} is NaN`).toBe(false);
  expect(Math.abs(a - b), `${what}: ${a} vs ${b}`).toBeLessThanOrEqual(
    1e-9 * Math.max(1, Math.abs(a), Math.abs(b)),
  );
}

/** Equal up to float rounding in every field the result carries. */
export function expectSameResult(actual: IndicatorResult, expected: IndicatorResult): void {
  close(actual.value, expected.value, 'value');
  close(actual.numerator, expected.numerator, 'numerator');
  close(actual.denominator, expected.denominator, 'denominator');
  close(actual.samples, expected.samples, 'samples');
  expect(Object.keys(actual.parts ?? {}).sort()).toEqual(Object.keys(expected.parts ?? {}).sort());
  for (const k of Object.keys(expected.parts ?? {}))
    close(actual.parts?.[k], expected.parts?.[k], `parts.${k}`);
  expect(Object.keys(actual.quantiles ?? {}).sort()).toEqual(Object.keys(expected.quantiles ?? {}).sort());
  for (const k of Object.keys(expected.quantiles ?? {}))
    close(actual.quantiles?.[k], expected.quantiles?.[k], `quantiles.${k}`);
}

/**
 * The two properties every accumulator owes: a state merged from any split equals one state over
 * all events, and the result equals a brute-force computation of the formula over the array.
 */
export function itMergesAndMatchesReference<S>(
  acc: IndicatorAccumulator<S>,
  reference: (events: readonly CxEvent[]) => IndicatorResult,
  events: fc.Arbitrary<CxEvent[]> = eventsArb,
  numRuns = 150,
): void {
  it('merging states of any split equals one state over all events', () => {
    fc.assert(
      fc.property(events, cutsArb, (evs, cuts) => {
        expectSameResult(runSplit(acc, evs, cuts), run(acc, evs));
      }),
      { numRuns },
    );
  });
  it('matches the brute-force reference', () => {
    fc.assert(
      fc.property(events, (evs) => {
        expectSameResult(run(acc, evs), reference(evs));
      }),
      { numRuns },
    );
  });
}

/** Brute-force helpers for references: plain filters, no shared code with the accumulators. */
export const contactsOf = (events: readonly CxEvent[], type: ContactEventType): ContactEvent[] =>
  events.filter((e): e is ContactEvent => e.type === type);
export const surveysOf = (events: readonly CxEvent[]): SurveyResponseEvent[] =>
  events.filter((e): e is SurveyResponseEvent => e.type === 'survey.response');
export const socialsOf = (events: readonly CxEvent[]): SocialFeedbackEvent[] =>
  events.filter((e): e is SocialFeedbackEvent => e.type === 'feedback.social');
export const touchpointsOf = (events: readonly CxEvent[]): TouchpointEvent[] =>
  events.filter((e): e is TouchpointEvent => e.type === 'touchpoint.event');
export const agentsOf = (events: readonly CxEvent[]): AgentStateEvent[] =>
  events.filter((e): e is AgentStateEvent => e.type === 'agent.state');

export const refRatio = (num: number, den: number): IndicatorResult => ({
  value: den === 0 ? null : num / den,
  numerator: num,
  denominator: den,
  samples: den,
});

export const refMean = (values: number[], scale = 1): IndicatorResult => {
  const sum = values.reduce((a, b) => a + b, 0);
  return {
    value: values.length === 0 ? null : (sum / values.length) * scale,
    numerator: sum * scale,
    denominator: values.length,
    samples: values.length,
  };
};
