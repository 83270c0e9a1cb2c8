/**
 * The ClickHouse sink against the real server: typed round trips, pseudonymised ids, indicator
 * windows stored once whatever is written again, alerts, dead letters and retention.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { DeadLetter } from '../../../../src/events/dead-letter.js';
import type { CxEvent } from '../../../../src/events/types.js';
import { createClickHouseSink } from '../../../../src/sinks/clickhouse/clickhouse-sink.js';
import { createPseudonymiser } from '../../../../src/sinks/clickhouse/pseudonymiser.js';
import type { IndicatorValue } from '../../../../src/windows/indicator-value.js';
import { createTestClickHouse } from '../../helpers/clickhouse.js';
import { uniqueName } from '../../helpers/names.js';
import { clickhouseUrl } from '../../helpers/services.js';

const SECRET = 'integration-secret';
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => {});
});

async function openSink(options: Partial<Parameters<typeof createClickHouseSink>[0]> = {}) {
  const database = uniqueName('db');
  const warnings: string[] = [];
  const sink = createClickHouseSink({
    url: clickhouseUrl(),
    database,
    secret: SECRET,
    batch: { maxAgeMs: 50 },
    onWarning: (w) => warnings.push(w),
    ...options,
  });
  const admin = createTestClickHouse();
  cleanups.push(async () => {
    await sink.close({ timeoutMs: 5000 });
    await admin.command({ query: `DROP DATABASE IF EXISTS ${database}` });
    await admin.close();
  });
  await sink.migrate();
  const query = async <T>(q: string): Promise<T[]> =>
    (await admin.query({ query: q, format: 'JSONEachRow' })).json<T>();
  return { sink, database, query, warnings };
}

const T0 = Date.now() - 3_600_000;
const T0_TRUNC = Math.floor(T0 / 1000) * 1000;

const EVENTS: CxEvent[] = [
  {
    id: 'c1',
    type: 'contact.ended',
    ts: T0,
    region: 'eu-west',
    segment: 'vip',
    channel: 'voice',
    queue: 'billing',
    contactId: 'RAW-CONTACT-111',
    customerId: 'RAW-CUSTOMER-222',
    waitMs: 12_500.5,
    talkMs: 300_000,
    holdMs: 0,
    wrapMs: 15_000,
    resolved: true,
    agentId: 'agent-9',
  },
  {
    id: 'a1',
    type: 'agent.state',
    ts: T0 + 1,
    agentId: 'agent-9',
    team: 'north',
    queues: ['billing', 'sales'],
    state: 'wrap',
  },
  {
    id: 's1',
    type: 'survey.response',
    ts: T0 + 2,
    csat: 5,
    nps: 10,
    ces: 1,
    comment: "quick 'n easy",
    tags: ['fast', 'friendly'],
    queue: 'billing',
    channel: 'voice',
    contactId: 'RAW-CONTACT-111',
    customerId: 'RAW-CUSTOMER-222',
  },
  {
    id: 'f1',
    type: 'feedback.social',
    ts: T0 + 3,
    platform: 'x',
    sentiment: -0.75,
    text: 'slow app',
    reach: 1500,
    customerId: 'RAW-CUSTOMER-333',
  },
  {
    id: 't1',
    type: 'touchpoint.event',
    ts: T0 + 4,
    journeyId: 'j-77',
    journey: 'payment',
    stage: 'confirm',
    stageIndex: 2,
    stageCount: 3,
    touchpoint: 'web-checkout',
    channel: 'web',
    outcome: 'failure',
    latencyMs: 842,
    errorCode: 'E_TIMEOUT',
    customerId: 'RAW-CUSTOMER-222',
  },
];

describe('ClickHouse sink', () => {
  it('stores every event type with typed columns and the same id twice only once', async () => {
    const { sink, database, query } = await openSink();
    await sink.writeEvents(EVENTS);
    await sink.writeEvents(EVENTS.slice(0, 1)); // a redelivery
    const rows = await query<Record<string, unknown>>(
      `SELECT id, type, ts_ms, toUnixTimestamp(ts) * 1000 AS ts_s, region, segment, channel, queue, wait_ms, talk_ms,
              resolved, agent_id, team, agent_queues, agent_state, csat, nps, ces, comment, tags, platform, sentiment,
              text, reach, journey_id, journey, stage, stage_index, stage_count, touchpoint, outcome, latency_ms,
              error_code, customer_pseudonym, contact_pseudonym
       FROM ${database}.interactions FINAL ORDER BY ts_ms`,
    );
    const p = createPseudonymiser(SECRET);
    expect(rows).toHaveLength(5);
    expect(rows[0]).toMatchObject({
      id: 'c1',
      type: 'contact.ended',
      ts_ms: String(T0),
      ts_s: String(T0_TRUNC),
      region: 'eu-west',
      segment: 'vip',
      channel: 'voice',
      queue: 'billing',
      wait_ms: 12_500.5,
      talk_ms: 300_000,
      resolved: 1,
      agent_id: 'agent-9',
      csat: null,
      tags: [],
      customer_pseudonym: p('RAW-CUSTOMER-222'),
      contact_pseudonym: p('RAW-CONTACT-111'),
    });
    expect(rows[1]).toMatchObject({
      agent_queues: ['billing', 'sales'],
      agent_state: 'wrap',
      team: 'north',
      resolved: null,
    });
    expect(rows[2]).toMatchObject({
      csat: 5,
      nps: 10,
      ces: 1,
      comment: "quick 'n easy",
      tags: ['fast', 'friendly'],
    });
    expect(rows[3]).toMatchObject({ platform: 'x', sentiment: -0.75, text: 'slow app', reach: 1500 });
    expect(rows[4]).toMatchObject({
      journey_id: 'j-77',
      journey: 'payment',
      stage: 'confirm',
      stage_index: 2,
      stage_count: 3,
      touchpoint: 'web-checkout',
      outcome: 'failure',
      latency_ms: 842,
      error_code: 'E_TIMEOUT',
      customer_pseudonym: p('RAW-CUSTOMER-222'),
    });
  });

  it('never lets a raw customer or contact id reach any table', async () => {
    const { sink, database, query } = await openSink();
    const deadLetter: DeadLetter = {
      reason: 'schema-violation',
      detail: '/csat must be <= 5',
      originalBytes: Buffer.from(
        '{"type":"survey.response","csat":9,"customerId":"RAW-CUSTOMER-444","contactId":"RAW-CONTACT-555"}',
      ),
      source: { topic: 'cx.events', partition: 1, offset: '99' },
      ts: T0,
    };
    await Promise.all([sink.writeEvents(EVENTS), sink.writeDeadLetters([deadLetter])]);
    let everything = '';
    for (const table of ['interactions', 'dead_letters', 'indicator_values', 'alerts']) {
      for (const row of await query<Record<string, unknown>>(`SELECT * FROM ${database}.${table}`)) {
        everything += JSON.stringify(row);
        if (typeof row.original_base64 === 'string')
          everything += Buffer.from(row.original_base64, 'base64').toString();
      }
    }
    expect(everything).toContain('schema-violation'); // the dead letter is there…
    expect(everything).toContain(createPseudonymiser(SECRET)('RAW-CUSTOMER-444')); // …scrubbed
    expect(everything).not.toMatch(/RAW-(CUSTOMER|CONTACT)/);
  });

  it('keeps each indicator window once, at its highest version, however often and in whatever order it is written', async () => {
    const { sink, database, query } = await openSink({ writeEarlyValues: true });
    const base = {
      pipeline: 'calls',
      indicator: 'service_level',
      window: '1m',
      key: { queue: 'billing' },
      keyId: 'queue=billing',
      windowEnd: T0 + 60_000,
    };
    const v = (
      windowStart: number,
      kind: IndicatorValue['kind'],
      version: number,
      value: number,
    ): IndicatorValue => ({
      ...base,
      windowStart,
      windowEnd: windowStart + 60_000,
      kind,
      version,
      value,
      numerator: value * 10,
      denominator: 10,
      quantiles: { p50: value },
    });
    const w1 = T0_TRUNC;
    const w2 = T0_TRUNC + 60_000;
    await sink.writeValues([v(w1, 'early', 0, 0.1), v(w2, 'early', 0, 0.5)]);
    await sink.writeValues([v(w1, 'early', 0, 0.2), v(w1, 'final', 1, 0.3), v(w2, 'final', 1, 0.6)]);
    await sink.writeValues([v(w1, 'correction', 2, 0.4)]);
    // Everything again, the correction first: a replay must not change the answer.
    await sink.writeValues([
      v(w1, 'correction', 2, 0.4),
      v(w1, 'final', 1, 0.3),
      v(w1, 'early', 0, 0.1),
      v(w2, 'final', 1, 0.6),
    ]);

    const final = await query<Record<string, unknown>>(
      `SELECT window_start_ms, kind, version, value, numerator, quantile_names, quantile_values
       FROM ${database}.indicator_values FINAL ORDER BY window_start_ms`,
    );
    expect(final).toEqual([
      {
        window_start_ms: String(w1),
        kind: 'correction',
        version: 2,
        value: 0.4,
        numerator: 4,
        quantile_names: ['p50'],
        quantile_values: [0.4],
      },
      {
        window_start_ms: String(w2),
        kind: 'final',
        version: 1,
        value: 0.6,
        numerator: 6,
        quantile_names: ['p50'],
        quantile_values: [0.6],
      },
    ]);
    const argMax = await query<{ window_start_ms: string; value: number }>(
      `SELECT window_start_ms, argMax(value, replacing_version) AS value
       FROM ${database}.indicator_values GROUP BY window_start_ms ORDER BY window_start_ms`,
    );
    expect(argMax.map((r) => r.value)).toEqual([0.4, 0.6]);
  });

  it('skips early firings unless asked to store them', async () => {
    const { sink, database, query } = await openSink();
    const value: IndicatorValue = {
      pipeline: 'p',
      indicator: 'i',
      window: '1m',
      key: {},
      keyId: '',
      windowStart: T0_TRUNC,
      windowEnd: T0_TRUNC + 60_000,
      value: null,
      kind: 'early',
      version: 0,
    };
    await sink.writeValues([value, { ...value, kind: 'final', version: 1, value: 1 }]);
    const rows = await query<{ kind: string; value: number | null }>(
      `SELECT kind, value FROM ${database}.indicator_values`,
    );
    expect(rows).toEqual([{ kind: 'final', value: 1 }]);
  });

  it('shows an alert at its latest change', async () => {
    const { sink, database, query } = await openSink();
    const alert = {
      id: 'al-1',
      rule: 'sl-drop',
      severity: 'critical',
      state: 'firing',
      labels: { queue: 'billing' },
      value: 0.42,
      threshold: 0.8,
      startsAt: T0,
      updatedAt: T0,
    };
    await sink.writeAlerts([alert]);
    await sink.writeAlerts([
      {
        ...alert,
        state: 'resolved',
        endsAt: T0 + 600_000,
        acknowledged: true,
        acknowledgedBy: 'sam',
        updatedAt: T0 + 600_000,
      },
    ]);
    const rows = await query<Record<string, unknown>>(
      `SELECT id, state, label_names, label_values, ends_at_ms, acknowledged, acknowledged_by FROM ${database}.alerts FINAL`,
    );
    expect(rows).toEqual([
      {
        id: 'al-1',
        state: 'resolved',
        label_names: ['queue'],
        label_values: ['billing'],
        ends_at_ms: String(T0 + 600_000),
        acknowledged: 1,
        acknowledged_by: 'sam',
      },
    ]);
  });

  it('drops whole days older than the retention on a server without TTL', async (context) => {
    const { sink, database, query } = await openSink({ retentionDays: 30 });
    if (sink.capabilities?.ttl) context.skip(); // newer servers expire rows through TTL instead
    const day = 86_400_000;
    const old = { ...EVENTS[1]!, id: 'old', ts: Date.now() - 40 * day };
    const recent = { ...EVENTS[1]!, id: 'recent', ts: Date.now() - 2 * day };
    await sink.writeEvents([old, recent]);
    await sink.applyRetention();
    const ids = await query<{ id: string }>(`SELECT id FROM ${database}.interactions ORDER BY id`);
    expect(ids.map((r) => r.id)).toEqual(['recent']);
  });

  it('warns when it has to invent a pseudonymisation secret', async () => {
    const { warnings } = await openSink({ secret: undefined });
    expect(warnings.join('\n')).toMatch(/no pseudonymisation secret configured/);
  });
});
