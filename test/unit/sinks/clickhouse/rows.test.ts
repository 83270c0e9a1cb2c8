import { describe, expect, it } from 'vitest';
import type { DeadLetter } from '../../../../src/events/dead-letter.js';
import type { CxEvent } from '../../../../src/events/types.js';
import { createPseudonymiser } from '../../../../src/sinks/clickhouse/pseudonymiser.js';
import {
  alertRow,
  deadLetterRow,
  indicatorValueRow,
  interactionRow,
  replacingVersion,
  scrubIdentifiers,
} from '../../../../src/sinks/clickhouse/rows.js';
import type { IndicatorValue } from '../../../../src/windows/indicator-value.js';

const pseudonymise = createPseudonymiser('unit-test-secret');
const TS = Date.UTC(2025, 2, 1, 10, 0, 0, 123);

describe('interactionRow', () => {
  it('maps a contact event to typed columns and pseudonymises customer and contact ids', () => {
    const event: CxEvent = {
      id: 'e1',
      type: 'contact.ended',
      ts: TS,
      region: 'eu-west',
      segment: 'vip',
      channel: 'voice',
      queue: 'billing',
      contactId: 'contact-777',
      customerId: 'customer-4242',
      waitMs: 1500.5,
      talkMs: 60_000,
      resolved: false,
      agentId: 'agent-7',
    };
    const row = interactionRow(event, pseudonymise);
    expect(row).toMatchObject({
      id: 'e1',
      type: 'contact.ended',
      ts_ms: TS,
      schema_version: 1,
      region: 'eu-west',
      channel: 'voice',
      queue: 'billing',
      contact_pseudonym: pseudonymise('contact-777'),
      customer_pseudonym: pseudonymise('customer-4242'),
      wait_ms: 1500.5,
      talk_ms: 60_000,
      hold_ms: null,
      resolved: 0,
      agent_id: 'agent-7',
      csat: null,
      tags: [],
      agent_queues: [],
    });
    const text = JSON.stringify(row);
    expect(text).not.toContain('customer-4242');
    expect(text).not.toContain('contact-777');
  });

  it('maps agent, survey, social and touchpoint fields to their own columns', () => {
    const agent = interactionRow(
      {
        id: 'a',
        type: 'agent.state',
        ts: TS,
        agentId: 'ag',
        team: 'north',
        queues: ['q1', 'q2'],
        state: 'busy',
      },
      pseudonymise,
    );
    expect(agent).toMatchObject({
      agent_id: 'ag',
      team: 'north',
      agent_queues: ['q1', 'q2'],
      agent_state: 'busy',
    });

    const survey = interactionRow(
      {
        id: 's',
        type: 'survey.response',
        ts: TS,
        csat: 4,
        nps: 9,
        ces: 2,
        comment: 'fine',
        tags: ['billing', 'fast'],
        customerId: 'cust-s',
      },
      pseudonymise,
    );
    expect(survey).toMatchObject({ csat: 4, nps: 9, ces: 2, comment: 'fine', tags: ['billing', 'fast'] });
    expect(survey.customer_pseudonym).toHaveLength(64);
    expect(survey.contact_pseudonym).toBe('');

    const social = interactionRow(
      { id: 'f', type: 'feedback.social', ts: TS, platform: 'x', sentiment: -0.5, reach: 1200, text: 'meh' },
      pseudonymise,
    );
    expect(social).toMatchObject({
      platform: 'x',
      sentiment: -0.5,
      reach: 1200,
      text: 'meh',
      agent_state: '',
    });

    const touch = interactionRow(
      {
        id: 't',
        type: 'touchpoint.event',
        ts: TS,
        journeyId: 'j-1',
        journey: 'payment',
        stage: 'confirm',
        stageIndex: 2,
        stageCount: 3,
        touchpoint: 'web-checkout',
        outcome: 'failure',
        latencyMs: 812,
        errorCode: 'E42',
      },
      pseudonymise,
    );
    expect(touch).toMatchObject({
      journey_id: 'j-1',
      journey: 'payment',
      stage: 'confirm',
      stage_index: 2,
      stage_count: 3,
      outcome: 'failure',
      latency_ms: 812,
      error_code: 'E42',
    });
  });
});

const value = (over: Partial<IndicatorValue>): IndicatorValue => ({
  pipeline: 'calls',
  indicator: 'service_level',
  window: '1m',
  key: { queue: 'billing', channel: 'voice' },
  keyId: 'channel=voice,queue=billing',
  windowStart: TS,
  windowEnd: TS + 60_000,
  value: 0.8,
  numerator: 8,
  denominator: 10,
  kind: 'final',
  version: 1,
  ...over,
});

describe('replacingVersion', () => {
  it('orders early < final < corrections, whatever order they arrive in', () => {
    const early = replacingVersion({ kind: 'early', version: 0 });
    const final = replacingVersion({ kind: 'final', version: 1 });
    const c1 = replacingVersion({ kind: 'correction', version: 2 });
    const c2 = replacingVersion({ kind: 'correction', version: 3 });
    expect(early).toBeLessThan(final);
    expect(final).toBeLessThan(c1);
    expect(c1).toBeLessThan(c2);
  });

  it('lets a final beat an early firing that carries the same version', () => {
    expect(replacingVersion({ kind: 'final', version: 1 })).toBeGreaterThan(
      replacingVersion({ kind: 'early', version: 1 }),
    );
  });

  it('is deterministic, so writing the same value twice gives the same version', () => {
    expect(replacingVersion({ kind: 'correction', version: 5 })).toBe(
      replacingVersion({ kind: 'correction', version: 5 }),
    );
  });
});

describe('indicatorValueRow', () => {
  it('splits key, quantiles and parts into sorted name/value arrays', () => {
    const row = indicatorValueRow(
      value({ quantiles: { p90: 40, p50: 12 }, parts: { low: 3, high: 5 }, samples: 10 }),
      TS + 61_000,
    );
    expect(row).toMatchObject({
      key_id: 'channel=voice,queue=billing',
      key_names: ['channel', 'queue'],
      key_values: ['voice', 'billing'],
      quantile_names: ['p50', 'p90'],
      quantile_values: [12, 40],
      part_names: ['high', 'low'],
      part_values: [5, 3],
      window_start_ms: TS,
      window_end_ms: TS + 60_000,
      kind: 'final',
      version: 1,
      replacing_version: 3,
      written_at_ms: TS + 61_000,
    });
  });

  it('keeps a null value null and leaves out non-finite quantiles', () => {
    const row = indicatorValueRow(value({ value: null, quantiles: { p50: NaN, p90: 3 } }), TS);
    expect(row.value).toBeNull();
    expect(row.quantile_names).toEqual(['p90']);
    expect(row.quantile_values).toEqual([3]);
  });
});

describe('alertRow', () => {
  it('flattens labels and maps optional fields to empty or null', () => {
    const row = alertRow({
      id: 'al-1',
      rule: 'sl-drop',
      severity: 'critical',
      state: 'firing',
      labels: { queue: 'billing', channel: 'voice' },
      startsAt: TS,
      updatedAt: TS + 5,
    });
    expect(row).toMatchObject({
      label_names: ['channel', 'queue'],
      label_values: ['voice', 'billing'],
      ends_at_ms: null,
      acknowledged: 0,
      acknowledged_by: '',
      pipeline: '',
      updated_at_ms: TS + 5,
    });
  });
});

describe('dead letters', () => {
  const dl = (original: string | Buffer): DeadLetter => ({
    reason: 'schema-violation',
    detail: '/csat must be <= 5',
    originalBytes: Buffer.isBuffer(original) ? original : Buffer.from(original),
    source: { topic: 'cx.events', partition: 2, offset: '1234' },
    ts: TS,
  });

  it('replaces customer and contact ids in the original bytes, valid JSON or not', () => {
    const json = '{"type":"survey.response","customerId":"cust-raw-9","contactId":"ct-raw-1","csat":9}';
    const scrubbed = scrubIdentifiers(Buffer.from(json), pseudonymise).toString('utf8');
    expect(scrubbed).not.toContain('cust-raw-9');
    expect(scrubbed).not.toContain('ct-raw-1');
    expect(JSON.parse(scrubbed)).toMatchObject({
      customerId: pseudonymise('cust-raw-9'),
      contactId: pseudonymise('ct-raw-1'),
      csat: 9,
    });
    const broken = scrubIdentifiers(Buffer.from('{"customer_id": 12345, "x": '), pseudonymise).toString();
    expect(broken).not.toContain('12345');
  });

  it('keeps every other byte, invalid UTF-8 included', () => {
    const bytes = Buffer.concat([
      Buffer.from('{"customerId":"c1","b":"'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}'),
    ]);
    const scrubbed = scrubIdentifiers(bytes, pseudonymise);
    expect(scrubbed.subarray(-4)).toEqual(Buffer.from([0xff, 0xfe, 0x22, 0x7d]));
    const untouched = Buffer.from([0x00, 0xff, 0x10]);
    expect(scrubIdentifiers(untouched, pseudonymise)).toEqual(untouched);
  });

  it('maps source, size and truncation, truncating after scrubbing', () => {
    const row = deadLetterRow(
      dl(`{"customerId":"raw-customer","pad":"${'x'.repeat(200)}"}`),
      pseudonymise,
      40,
    );
    expect(row).toMatchObject({
      reason: 'schema-violation',
      source_topic: 'cx.events',
      source_partition: 2,
      source_offset: '1234',
      original_truncated: 1,
      ts_ms: TS,
    });
    const stored = Buffer.from(row.original_base64, 'base64').toString();
    expect(stored).toHaveLength(40);
    expect(stored).not.toContain('raw-customer');
    expect(stored.startsWith(`{"customerId":"${pseudonymise('raw-customer').slice(0, 20)}`)).toBe(true);
  });
});
