import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_EVENT_BYTES,
  DEFAULT_MAX_FUTURE_MS,
  DEFAULT_MAX_PAST_MS,
  decodeBatch,
  decodeEvent,
  parseIsoTimestamp,
  type DecodeOptions,
  type DecodeResult,
} from '../../../src/events/decode.js';
import { EVENT_TYPES, type EventType } from '../../../src/events/types.js';
import { EXAMPLE_NOW, EXAMPLE_TS, VALID_EXAMPLES, example } from './examples.js';

const NOW = EXAMPLE_NOW;

function decode(value: unknown, options: DecodeOptions = {}): DecodeResult {
  return decodeEvent(Buffer.from(JSON.stringify(value)), { now: NOW, ...options });
}

function failure(result: DecodeResult): { reason: string; detail: string } {
  if (result.ok) throw new Error(`expected a failure, decoded ${JSON.stringify(result.event)}`);
  return { reason: result.reason, detail: result.detail };
}

describe('decodeEvent: valid events', () => {
  it.each(EVENT_TYPES)('decodes the %s example unchanged', (type) => {
    const result = decode(VALID_EXAMPLES[type]);
    expect(result).toEqual({ ok: true, event: VALID_EXAMPLES[type] });
  });

  it('accepts a Buffer, a plain Uint8Array and a string', () => {
    const json = JSON.stringify(VALID_EXAMPLES['agent.state']);
    const bytes = new TextEncoder().encode(json);
    expect(Buffer.isBuffer(bytes)).toBe(false);
    for (const input of [Buffer.from(json), bytes, json]) {
      expect(decodeEvent(input, { now: NOW })).toEqual({ ok: true, event: VALID_EXAMPLES['agent.state'] });
    }
  });

  it('normalises ISO-8601 and epoch ts to the same epoch ms', () => {
    const iso = decode(example('contact.queued', { ts: new Date(EXAMPLE_TS).toISOString() }));
    const epoch = decode(example('contact.queued', { ts: EXAMPLE_TS }));
    expect(iso.ok && iso.event.ts).toBe(EXAMPLE_TS);
    expect(epoch.ok && epoch.event.ts).toBe(EXAMPLE_TS);
  });

  it.each([
    ['2025-01-15T11:59:00Z', EXAMPLE_TS],
    ['2025-01-15T11:59:00.250Z', EXAMPLE_TS + 250],
    ['2025-01-15T11:59:00.123456789Z', EXAMPLE_TS + 123],
    ['2025-01-15T12:59:00+01:00', EXAMPLE_TS],
    ['2025-01-15T06:29:00-05:30', EXAMPLE_TS],
  ])('parses the ISO form %s', (ts, expected) => {
    const result = decode(example('touchpoint.event', { ts }));
    expect(result.ok && result.event.ts).toBe(expected);
  });

  it('keeps unknown extra fields (forward compatibility)', () => {
    const result = decode(example('contact.ended', { sentimentScore: 0.4, nested: { a: 1 } }));
    expect(result.ok).toBe(true);
    expect(result.ok && result.event).toMatchObject({ sentimentScore: 0.4, nested: { a: 1 } });
  });

  it('accepts a survey with only one score', () => {
    for (const score of ['csat', 'nps', 'ces']) {
      const only = example('survey.response', {
        csat: undefined,
        nps: undefined,
        ces: undefined,
        [score]: 2,
      });
      expect(decode(only).ok).toBe(true);
    }
  });
});

describe('decodeEvent: dead-letter reasons', () => {
  it('oversized: rejects a payload over the default 64 KiB limit', () => {
    const big = example('survey.response', { padding: 'x'.repeat(DEFAULT_MAX_EVENT_BYTES) });
    expect(failure(decode(big))).toEqual({
      reason: 'oversized',
      detail: expect.stringContaining(`limit ${DEFAULT_MAX_EVENT_BYTES}`),
    });
  });

  it('oversized: checks size before parsing (invalid JSON that is too big is oversized)', () => {
    const junk = Buffer.alloc(2000, '{');
    expect(failure(decodeEvent(junk, { now: NOW, maxBytes: 1000 })).reason).toBe('oversized');
    expect(failure(decodeEvent(junk, { now: NOW, maxBytes: 5000 })).reason).toBe('invalid-json');
  });

  it('oversized: counts UTF-8 bytes, not characters, for string input', () => {
    const json = JSON.stringify(example('survey.response', { comment: 'é'.repeat(600) }));
    expect(json.length).toBeLessThan(1000);
    expect(Buffer.byteLength(json)).toBeGreaterThan(1000);
    expect(failure(decodeEvent(json, { now: NOW, maxBytes: 1000 })).reason).toBe('oversized');
    expect(decodeEvent(json, { now: NOW, maxBytes: 2000 }).ok).toBe(true);
  });

  it('oversized: a payload exactly at the limit passes the size check', () => {
    const json = JSON.stringify(VALID_EXAMPLES['contact.queued']);
    expect(decodeEvent(Buffer.from(json), { now: NOW, maxBytes: json.length }).ok).toBe(true);
    expect(failure(decodeEvent(Buffer.from(json), { now: NOW, maxBytes: json.length - 1 })).reason).toBe(
      'oversized',
    );
  });

  it.each([
    ['truncated', '{"id":"e1","type":'],
    ['trailing garbage', '{"id":"e1"} x'],
    ['empty', ''],
    ['single quotes', "{'id':'e1'}"],
  ])('invalid-json: %s', (_label, text) => {
    expect(failure(decodeEvent(Buffer.from(text), { now: NOW })).reason).toBe('invalid-json');
  });

  it('invalid-json: malformed UTF-8 is rejected, not replaced', () => {
    const json = Buffer.from(JSON.stringify(example('contact.queued', { contactId: 'c-XX' })));
    const at = json.indexOf('XX');
    json[at] = 0xc3; // a UTF-8 lead byte followed by a non-continuation byte
    expect(failure(decodeEvent(json, { now: NOW }))).toEqual({
      reason: 'invalid-json',
      detail: 'payload is not valid UTF-8',
    });
  });

  it.each([
    ['array', '[1,2]'],
    ['number', '42'],
    ['null', 'null'],
    ['string', '"contact.queued"'],
  ])('schema-violation: non-object JSON (%s)', (kind, text) => {
    expect(failure(decodeEvent(text, { now: NOW }))).toEqual({
      reason: 'schema-violation',
      detail: `/ must be object, got ${kind}`,
    });
  });

  it('unknown-type: a JSON object whose type is not an event type', () => {
    expect(failure(decode(example('contact.queued', { type: 'contact.teleported' })))).toEqual({
      reason: 'unknown-type',
      detail: 'unknown event type "contact.teleported"',
    });
  });

  it('schema-violation: a missing or non-string type is not an unknown type', () => {
    expect(failure(decode(example('contact.queued', { type: undefined })))).toEqual({
      reason: 'schema-violation',
      detail: '/type is required',
    });
    expect(failure(decode(example('contact.queued', { type: 7 }))).detail).toBe('/type must be string');
  });

  const rangeCases: [EventType, string, unknown, string][] = [
    ['survey.response', 'csat', 0, '/csat must be >= 1'],
    ['survey.response', 'csat', 6, '/csat must be <= 5'],
    ['survey.response', 'csat', 4.5, '/csat must be integer'],
    ['survey.response', 'nps', -1, '/nps must be >= 0'],
    ['survey.response', 'nps', 11, '/nps must be <= 10'],
    ['survey.response', 'ces', 0, '/ces must be >= 1'],
    ['survey.response', 'ces', 8, '/ces must be <= 7'],
    ['survey.response', 'comment', 'x'.repeat(4097), '/comment must NOT have more than 4096 characters'],
    ['survey.response', 'tags', ['ok', 3], '/tags/1 must be string'],
    ['feedback.social', 'sentiment', -1.01, '/sentiment must be >= -1'],
    ['feedback.social', 'sentiment', 1.01, '/sentiment must be <= 1'],
    ['feedback.social', 'reach', -1, '/reach must be >= 0'],
    ['feedback.social', 'text', 'x'.repeat(4097), '/text must NOT have more than 4096 characters'],
    ['touchpoint.event', 'latencyMs', -1, '/latencyMs must be >= 0'],
    ['touchpoint.event', 'outcome', 'maybe', '/outcome must be one of success, failure, abandoned'],
    ['touchpoint.event', 'stageIndex', -1, '/stageIndex must be >= 0'],
    ['account.usage', 'used', -1, '/used must be >= 0'],
    ['account.usage', 'used', '12', '/used must be number'],
    ['account.usage', 'remaining', 'lots', '/remaining must be number'],
    ['account.usage', 'topUp', -5, '/topUp must be >= 0'],
    ['account.usage', 'allowance', -1, '/allowance must be >= 0'],
    ['account.usage', 'accountId', '', '/accountId must NOT have fewer than 1 characters'],
    ['contact.answered', 'waitMs', -1, '/waitMs must be >= 0'],
    ['contact.ended', 'talkMs', -5, '/talkMs must be >= 0'],
    ['contact.ended', 'holdMs', -5, '/holdMs must be >= 0'],
    ['contact.ended', 'wrapMs', -5, '/wrapMs must be >= 0'],
    ['contact.ended', 'resolved', 'yes', '/resolved must be boolean'],
    [
      'contact.queued',
      'channel',
      'fax',
      '/channel must be one of voice, chat, email, app, web, social, store',
    ],
    ['agent.state', 'state', 'asleep', '/state must be one of available, busy, wrap, away'],
    ['agent.state', 'queues', 'billing', '/queues must be array'],
    ['contact.queued', 'id', '', '/id must NOT have fewer than 1 characters'],
    ['contact.queued', 'id', 'i'.repeat(129), '/id must NOT have more than 128 characters'],
    ['contact.queued', 'queue', 'q'.repeat(129), '/queue must NOT have more than 128 characters'],
    ['contact.queued', 'v', 2, '/v must be <= 1'],
    ['contact.queued', 'v', 0, '/v must be >= 1'],
    ['contact.queued', 'region', 5, '/region must be string'],
  ];
  it.each(rangeCases)('schema-violation: %s with %s = %j', (type, field, value, detail) => {
    expect(failure(decode(example(type, { [field]: value })))).toEqual({
      reason: 'schema-violation',
      detail,
    });
  });

  const requiredFields: [EventType, string][] = [
    ...(['id', 'ts', 'channel', 'queue', 'contactId'].map((f) => ['contact.answered', f]) as [
      EventType,
      string,
    ][]),
    ...(['agentId', 'team', 'queues', 'state'].map((f) => ['agent.state', f]) as [EventType, string][]),
    ...(['platform', 'sentiment'].map((f) => ['feedback.social', f]) as [EventType, string][]),
    ...(['journeyId', 'journey', 'stage', 'touchpoint', 'outcome', 'latencyMs'].map((f) => [
      'touchpoint.event',
      f,
    ]) as [EventType, string][]),
    ...(['accountId', 'metric', 'used'].map((f) => ['account.usage', f]) as [EventType, string][]),
  ];
  it.each(requiredFields)('schema-violation: %s without %s', (type, field) => {
    expect(failure(decode(example(type, { [field]: undefined })))).toEqual({
      reason: 'schema-violation',
      detail: `/${field} is required`,
    });
  });

  it('schema-violation: a survey without any score', () => {
    const noScore = example('survey.response', { csat: undefined, nps: undefined, ces: undefined });
    expect(failure(decode(noScore))).toEqual({
      reason: 'schema-violation',
      detail: '/ must have at least one of csat, nps, ces',
    });
  });

  it.each([
    ['yesterday', '/ts must be an ISO-8601 date-time with zone'],
    ['2025-01-15 11:59:00Z', '/ts must be an ISO-8601 date-time with zone'],
    ['2025-01-15T11:59:00', '/ts must be an ISO-8601 date-time with zone'],
    ['2025-13-01T00:00:00Z', '/ts must be an ISO-8601 date-time with zone'],
    ['2025-01-15T24:00:00Z', '/ts must be an ISO-8601 date-time with zone'],
    ['Wed, 15 Jan 2025 11:59:00 GMT', '/ts must be an ISO-8601 date-time with zone'],
    ['2025-02-30T00:00:00Z', '/ts is not a valid date-time: "2025-02-30T00:00:00Z"'],
    ['2025-04-31T00:00:00Z', '/ts is not a valid date-time: "2025-04-31T00:00:00Z"'],
  ])('schema-violation: bad ts string %j', (ts, detail) => {
    expect(failure(decode(example('contact.queued', { ts }), { maxPastMs: Infinity }))).toEqual({
      reason: 'schema-violation',
      detail,
    });
  });

  it('schema-violation: ts of the wrong type or a negative epoch', () => {
    expect(failure(decode(example('contact.queued', { ts: true }))).detail).toBe('/ts must be string,number');
    expect(failure(decode(example('contact.queued', { ts: -1 }), { maxPastMs: Infinity })).detail).toBe(
      '/ts must be >= 0',
    );
  });

  it('timestamp-out-of-range: beyond the default 7-day past bound', () => {
    expect(decode(example('contact.queued', { ts: NOW - DEFAULT_MAX_PAST_MS })).ok).toBe(true);
    expect(failure(decode(example('contact.queued', { ts: NOW - DEFAULT_MAX_PAST_MS - 1 })))).toEqual({
      reason: 'timestamp-out-of-range',
      detail: expect.stringMatching(/before now \(limit 7\.0 days\)$/),
    });
  });

  it('timestamp-out-of-range: beyond the default 5-minute future bound, ISO or epoch', () => {
    expect(decode(example('contact.queued', { ts: NOW + DEFAULT_MAX_FUTURE_MS })).ok).toBe(true);
    const late = NOW + DEFAULT_MAX_FUTURE_MS + 1000;
    for (const ts of [late, new Date(late).toISOString()]) {
      expect(failure(decode(example('contact.queued', { ts })))).toEqual({
        reason: 'timestamp-out-of-range',
        detail: expect.stringMatching(/after now \(limit 5\.0 minutes\)$/),
      });
    }
  });

  it('timestamp-out-of-range: bounds are configurable and measured from the given now', () => {
    const event = example('contact.queued', { ts: NOW - 60_000 });
    expect(failure(decode(event, { maxPastMs: 30_000 })).reason).toBe('timestamp-out-of-range');
    expect(decode(event, { maxPastMs: 30_000, now: NOW - 45_000 }).ok).toBe(true);
    expect(decode(example('contact.queued', { ts: 0 }), { maxPastMs: Infinity }).ok).toBe(true);
  });
});

describe('parseIsoTimestamp', () => {
  it('accepts 29 February in a leap year only', () => {
    expect(parseIsoTimestamp('2024-02-29T00:00:00Z')).toBe(Date.UTC(2024, 1, 29));
    expect(parseIsoTimestamp('2023-02-29T00:00:00Z')).toBeNaN();
    expect(parseIsoTimestamp('2025-01-31T00:00:00Z')).toBe(Date.UTC(2025, 0, 31));
  });
});

describe('decodeBatch', () => {
  const good = (type: EventType, id: string) => Buffer.from(JSON.stringify(example(type, { id })));

  it('splits a batch into events and dead letters, with per-type and per-reason counts', () => {
    const tooBig = Buffer.from(JSON.stringify(example('contact.queued', { pad: 'x'.repeat(500) })));
    const batch = decodeBatch(
      [
        { value: good('contact.queued', 'a'), offset: '10' },
        { value: Buffer.from('{nope'), offset: '11' },
        { value: good('agent.state', 'b'), offset: '12' },
        { value: good('contact.queued', 'c'), offset: '13' },
        { value: null, offset: '14' },
        { value: tooBig, offset: '15' },
        { value: Buffer.from(JSON.stringify(example('survey.response', { csat: 9 }))), offset: '16' },
      ],
      NOW,
      { topic: 'cx.events', partition: 3, maxBytes: 500 },
    );

    expect(batch.events.map((e) => e.id)).toEqual(['a', 'b', 'c']);
    expect(batch.countsByType).toEqual({
      'contact.queued': 2,
      'contact.answered': 0,
      'contact.abandoned': 0,
      'contact.transferred': 0,
      'contact.ended': 0,
      'agent.state': 1,
      'survey.response': 0,
      'feedback.social': 0,
      'touchpoint.event': 0,
      'account.usage': 0,
    });
    expect(batch.deadLettersByReason).toEqual({
      oversized: 1,
      'invalid-json': 2,
      'unknown-type': 0,
      'schema-violation': 1,
      'timestamp-out-of-range': 0,
      'too-late': 0,
      cardinality: 0,
    });
    expect(batch.deadLetters.map((d) => [d.reason, d.source.offset])).toEqual([
      ['invalid-json', '11'],
      ['invalid-json', '14'],
      ['oversized', '15'],
      ['schema-violation', '16'],
    ]);
    const first = batch.deadLetters[0]!;
    expect(first.source).toEqual({ topic: 'cx.events', partition: 3, offset: '11' });
    expect(first.originalBytes.toString()).toBe('{nope');
    expect(first.ts).toBe(NOW);
    expect(batch.deadLetters[1]!.detail).toBe('empty message value (tombstone)');
    expect(batch.deadLetters[3]!.detail).toBe('/csat must be <= 5');
  });

  it('prefers coordinates carried by the message over the batch options', () => {
    const batch = decodeBatch([{ value: 'x', topic: 'replay.jsonl', partition: 0, offset: '7' }], NOW, {
      topic: 'ignored',
      partition: 9,
    });
    expect(batch.deadLetters[0]!.source).toEqual({ topic: 'replay.jsonl', partition: 0, offset: '7' });
  });

  it('copies the original bytes of a dead letter out of the shared input buffer', () => {
    const fetchBuffer = Buffer.from('{bad}{"other":1}');
    const view = fetchBuffer.subarray(0, 5);
    const batch = decodeBatch([{ value: view }], NOW);
    fetchBuffer.fill(0);
    expect(batch.deadLetters[0]!.originalBytes.toString()).toBe('{bad}');
  });

  it('returns empty results and zero counts for an empty batch', () => {
    const batch = decodeBatch([], NOW);
    expect(batch.events).toEqual([]);
    expect(batch.deadLetters).toEqual([]);
    expect(Object.values(batch.countsByType).every((n) => n === 0)).toBe(true);
  });
});
