/**
 * The sink's new-server dialect on a current ClickHouse (chdb-core 26.9, see ./current-clickhouse.ts):
 * the migrations' DDL with DateTime64, LowCardinality and TTL, every encoder's RowBinary rows read
 * back value for value, DESCRIBE TABLE as the column check expects it, the SQL builder's literals
 * with injection strings, and TTL retention. Everything goes through the project's own code and
 * @clickhouse/client over HTTP; the HTTP framing is the test front's, the SQL and the row parsing
 * are ClickHouse's.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChdbServer } from '../../../../scripts/lib/chdb-engine.js';
import type { WorkOrder } from '../../../../src/analytics/at-risk/work-order.js';
import type { DeadLetter } from '../../../../src/events/dead-letter.js';
import type { CxEvent } from '../../../../src/events/types.js';
import { createClickHouseSink } from '../../../../src/sinks/clickhouse/clickhouse-sink.js';
import { connectClickHouse, type ClickHouseConnection } from '../../../../src/sinks/clickhouse/connection.js';
import { MIGRATIONS, TABLES, migrate, type TableName } from '../../../../src/sinks/clickhouse/migrations.js';
import { createPseudonymiser } from '../../../../src/sinks/clickhouse/pseudonymiser.js';
import { PARTITION_TIME_COLUMN, ensureTtl } from '../../../../src/sinks/clickhouse/retention.js';
import {
  insertColumnProblems,
  type ColumnType,
  type DescribedColumn,
  type InsertColumns,
} from '../../../../src/sinks/clickhouse/row-binary.js';
import {
  ALERT_COLUMNS,
  DEAD_LETTER_COLUMNS,
  INDICATOR_VALUE_COLUMNS,
  INTERACTION_COLUMNS,
} from '../../../../src/sinks/clickhouse/row-encoders.js';
import {
  alertRow,
  deadLetterRow,
  indicatorValueRow,
  interactionRow,
  type AlertRecord,
} from '../../../../src/sinks/clickhouse/rows.js';
import { capabilitiesOf, parseServerVersion } from '../../../../src/sinks/clickhouse/server-capabilities.js';
import { identifier, joinSql, qualified, sql } from '../../../../src/sinks/clickhouse/sql.js';
import { WORK_ORDER_COLUMNS } from '../../../../src/sinks/clickhouse/work-order-rows.js';
import type { IndicatorValue } from '../../../../src/windows/indicator-value.js';
import { uniqueName } from '../../helpers/names.js';
import { CURRENT_CLICKHOUSE_SETUP_MS, startCurrentClickHouse } from './current-clickhouse.js';

const HOSTILE = [
  `'; DROP TABLE victims; --`,
  `\\'; DROP TABLE victims; --`,
  `it's`,
  `back\\slash`,
  `trailing\\`,
  `\\\\'`,
  `"double" and 'single'`,
  'new\nline\rcarriage\ttab',
  'nul\0inside',
  'Zürich ✓ 日本語 🙂',
  '\u2028\u2029',
  '`backtick`',
  '/* comment */ -- line',
  '{x:String}',
  '$1 ? %s',
  '',
  'long '.repeat(100),
];

/**
 * The tables this file writes rows into, with the encoders' column lists. Tables added later are
 * still migrated and checked against their encoders by the sink's own `migrate()`.
 */
const COLUMNS: Partial<Record<TableName, InsertColumns>> = {
  interactions: INTERACTION_COLUMNS,
  indicator_values: INDICATOR_VALUE_COLUMNS,
  alerts: ALERT_COLUMNS,
  dead_letters: DEAD_LETTER_COLUMNS,
  work_orders: WORK_ORDER_COLUMNS,
};
const WRITTEN_TABLES = Object.keys(COLUMNS) as TableName[];

/** The date-typed twins (MATERIALIZED, never inserted) and their epoch-ms columns: `ts` ← `ts_ms`. */
function timeTwins(described: readonly DescribedColumn[]): Array<[twin: string, ms: string]> {
  return described.filter((c) => c.default_type === 'MATERIALIZED').map((c) => [c.name, `${c.name}_ms`]);
}

const SECRET = 'current-server-secret';

let server: ChdbServer;
let connection: ClickHouseConnection;

beforeAll(async () => {
  server = await startCurrentClickHouse();
  connection = connectClickHouse({ url: server.url });
}, CURRENT_CLICKHOUSE_SETUP_MS);

afterAll(async () => {
  await connection?.close();
  await server?.stop();
});

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => {});
});

function openSink(options: Partial<Parameters<typeof createClickHouseSink>[0]> = {}) {
  const database = uniqueName('db');
  const sink = createClickHouseSink({
    url: server.url,
    database,
    secret: SECRET,
    batch: { maxAgeMs: 20 },
    retentionDays: 0,
    ...options,
  });
  cleanups.push(async () => {
    await sink.close({ timeoutMs: 5000 });
    await connection.command(sql`DROP DATABASE IF EXISTS ${identifier(database)}`);
  });
  return { sink, database };
}

async function describeTable(
  database: string,
  table: TableName,
): Promise<Array<DescribedColumn & { default_expression: string }>> {
  return connection.query(sql`DESCRIBE TABLE ${qualified(database, table)}`);
}

/** A value as JSONEachRow shows a column of `type` (64-bit integers quoted: connection.ts pins it). */
function asJson(type: ColumnType, value: unknown): unknown {
  if (value === null) return null;
  if (type === 'UInt64' || type === 'Nullable(UInt64)') return String(value);
  return value;
}

function expectedRows(columns: InsertColumns, rows: ReadonlyArray<Record<string, unknown>>): unknown[] {
  return rows.map((row) =>
    Object.fromEntries(columns.map(([name, type]) => [name, asJson(type, row[name])])),
  );
}

async function storedRows(
  database: string,
  table: TableName,
  orderBy: readonly string[],
): Promise<unknown[]> {
  const columns = joinSql(COLUMNS[table]!.map(([name]) => sql`${identifier(name)}`));
  const order = joinSql(orderBy.map((name) => sql`${identifier(name)}`));
  return connection.query(sql`SELECT ${columns} FROM ${qualified(database, table)} ORDER BY ${order}`);
}

describe('a current ClickHouse (chdb)', () => {
  it('is a current release, so the sink takes its new-server dialect', () => {
    const [major = 0] = parseServerVersion(server.version);
    expect(major, server.version).toBeGreaterThanOrEqual(25);
    expect(capabilitiesOf(server.version)).toEqual({
      version: server.version,
      lowCardinality: true,
      ttl: true,
      dateTime64: true,
    });
  });

  it('applies the migrations once: DateTime64 twins, LowCardinality strings, DESCRIBE as the column check expects', async () => {
    // The sink's migrate() also compares every table's DESCRIBE TABLE with its encoder.
    const { sink, database } = openSink();
    const first = await sink.migrate();
    expect(first.capabilities.version).toBe(server.version);
    expect(first.applied).toEqual(MIGRATIONS.map((m) => m.version));
    expect((await migrate(connection, { database })).applied).toEqual([]);
    const recorded = await connection.query<{ version: number; n: string; server_version: string }>(
      sql`SELECT version, count() AS n, any(server_version) AS server_version
FROM ${qualified(database, 'schema_migrations')} GROUP BY version ORDER BY version`,
    );
    expect(recorded).toEqual(
      MIGRATIONS.map((m) => ({ version: m.version, n: '1', server_version: server.version })),
    );

    for (const table of TABLES) {
      const described = await describeTable(database, table);
      const columns = COLUMNS[table];
      if (columns) expect(insertColumnProblems(columns, described), table).toEqual([]);
      const twins = timeTwins(described);
      expect(
        twins.map(([twin]) => twin),
        table,
      ).toContain(PARTITION_TIME_COLUMN[table]);
      for (const [twin, ms] of twins) {
        const column = described.find((c) => c.name === twin)!;
        expect([column.type, column.default_expression], `${table}.${twin}`).toEqual([
          "DateTime64(3, 'UTC')",
          `fromUnixTimestamp64Milli(toInt64(${ms}), 'UTC')`,
        ]);
        expect(described.find((c) => c.name === ms)?.type, `${table}.${ms}`).toBe('UInt64');
      }
      // The low-cardinality strings are LowCardinality(String) here and written as String (the
      // wire type, row-binary.ts wireType).
      const lowCardinality = described.filter((c) => c.type === 'LowCardinality(String)');
      expect(lowCardinality.length, table).toBeGreaterThan(0);
      for (const c of lowCardinality) {
        expect(c.default_type, `${table}.${c.name}`).toBe('');
        if (columns) expect(new Map(columns).get(c.name), `${table}.${c.name}`).toBe('String');
      }
      expect(
        described.filter((c) => /^DateTime\(/.test(c.type)).map((c) => c.name),
        table,
      ).toEqual([]);
    }
    const engines = await connection.query<{ name: string; engine: string; partition_key: string }>(
      sql`SELECT name, engine, partition_key FROM system.tables WHERE database = ${database} ORDER BY name`,
    );
    expect(engines).toEqual(
      [...TABLES, 'schema_migrations'].sort().map((name) => ({
        name,
        engine: 'ReplacingMergeTree',
        partition_key:
          name === 'schema_migrations' ? '' : `toYYYYMMDD(${PARTITION_TIME_COLUMN[name as TableName]})`,
      })),
    );
  });

  it('reads back every encoder’s RowBinary rows value for value, with millisecond DateTime64 twins', async () => {
    const { sink, database } = openSink();
    await sink.migrate();
    const pseudonymise = createPseudonymiser(SECRET);
    // Millisecond parts that a second-precision type would lose, across a day boundary.
    const base = Date.UTC(2026, 8, 30, 23, 59, 58, 1);
    const events: CxEvent[] = HOSTILE.flatMap((text, i): CxEvent[] => [
      {
        id: `c-${i}:${text}`,
        type: 'contact.ended',
        ts: base + i * 997,
        region: text,
        segment: 'vip',
        channel: 'voice',
        queue: text,
        contactId: `contact-${text}`,
        customerId: `customer-${text}`,
        waitMs: i === 0 ? 0 : 12_500.25 * i,
        talkMs: Number.MAX_VALUE / (i + 1),
        resolved: i % 2 === 0,
        agentId: text,
        ...(i === 1 ? { toQueue: text } : {}),
      },
      {
        id: `a-${i}`,
        type: 'agent.state',
        ts: base + i * 997 + 1,
        agentId: `agent-${i}`,
        team: text,
        queues: i === 0 ? [] : [text, HOSTILE[(i + 1) % HOSTILE.length]!],
        state: 'wrap',
      },
      {
        id: `s-${i}`,
        type: 'survey.response',
        ts: base + i * 997 + 2,
        csat: (i % 5) + 1,
        nps: i % 11,
        ...(i % 3 === 0 ? {} : { ces: 7 }),
        comment: text,
        tags: [text, ''],
        customerId: `customer-${text}`,
      },
      {
        id: `f-${i}`,
        type: 'feedback.social',
        ts: base + i * 997 + 3,
        platform: text,
        sentiment: -1 + i / 10,
        text,
        reach: i * 1e12,
      },
      {
        id: `t-${i}`,
        type: 'touchpoint.event',
        ts: base + i * 997 + 4,
        journeyId: text,
        journey: 'payment',
        stage: text,
        stageIndex: i === 2 ? 4_294_967_295 : i,
        ...(i === 3 ? {} : { stageCount: 5 }),
        touchpoint: text,
        outcome: 'failure',
        latencyMs: 0.1 * i,
        errorCode: text,
      },
    ]);
    const values: IndicatorValue[] = HOSTILE.map((text, i) => ({
      pipeline: 'contact-center',
      indicator: text === '' ? 'service_level' : text,
      window: '1m',
      key: { queue: text, channel: 'voice' },
      keyId: `channel=voice,queue=${text}`,
      windowStart: base - 60_000 * (i + 1),
      windowEnd: base - 60_000 * i,
      kind: i % 2 === 0 ? 'final' : 'correction',
      version: i + 1,
      value: i === 1 ? null : 1 / (i + 3),
      ...(i % 2 === 0 ? { numerator: i, denominator: i + 1 } : {}),
      ...(i % 3 === 0 ? { samples: 2 ** 52 } : {}),
      ...(i % 4 === 0 ? { quantiles: { p99: 900.5, p50: 120, p90: -0 } } : {}),
      ...(i % 5 === 0 ? { parts: { [text || 'empty']: 3, low: Number.MIN_VALUE } } : {}),
    }));
    const alerts: AlertRecord[] = HOSTILE.map((text, i) => ({
      id: `alert-${i}`,
      rule: text,
      severity: 'critical',
      state: i % 2 === 0 ? 'firing' : 'resolved',
      pipeline: 'contact-center',
      indicator: 'service_level',
      keyId: text,
      labels: { queue: text, [`l${i}`]: text },
      summary: text,
      value: i === 0 ? null : i / 7,
      threshold: 0.8,
      startsAt: base + i * 1001,
      ...(i % 2 === 1 ? { endsAt: base + i * 1001 + 60_000 } : {}),
      acknowledged: i % 3 === 0,
      acknowledgedBy: i % 3 === 0 ? text : '',
      ...(i % 3 === 0 ? { acknowledgedAt: 2 ** 53 - 1 } : {}),
      updatedAt: base + i * 1001 + 5,
    }));
    const deadLetters: DeadLetter[] = HOSTILE.map((text, i) => ({
      reason: i % 2 === 0 ? 'invalid-json' : 'schema-violation',
      detail: text,
      originalBytes: Buffer.concat([
        Buffer.from(`{"customerId":${JSON.stringify(`raw-${text}`)},"x":`),
        Buffer.from([0xff, 0x00, 0xc3, i]),
      ]),
      source: { topic: 'cx.events', partition: i, offset: String(2n ** 63n - BigInt(i) - 1n) },
      ts: base + i * 1003,
    }));
    const workOrders: WorkOrder[] = HOSTILE.map((text, i) => ({
      id: `wo-${i}`,
      ts: base + i * 1009,
      pipeline: 'at-risk',
      customer: pseudonymise(`customer-${text}`),
      segment: text,
      cause: 'abandons',
      causes: i === 0 ? [] : ['abandons', 'longWaits'],
      threshold: 4_294_967_295 - i,
      evidence: { abandons: i, failedTouchpoints: 0, negativeAnswers: 1, longWaits: 2, repeatContacts: 3 },
      touchpoint: text,
      ownerTeam: text,
      lookbackMs: 7 * 86_400_000,
      periodStartMs: base - (base % 86_400_000),
    }));

    const writtenAt = { min: Date.now(), max: 0 };
    await Promise.all([
      sink.writeEvents(events),
      sink.writeValues(values),
      sink.writeAlerts(alerts),
      sink.writeDeadLetters(deadLetters),
      sink.writeWorkOrders(workOrders),
    ]);
    writtenAt.max = Date.now();

    const interactions = await storedRows(database, 'interactions', ['ts_ms', 'id']);
    expect(interactions).toEqual(
      expectedRows(
        INTERACTION_COLUMNS,
        [...events]
          .sort((a, b) => a.ts - b.ts)
          .map((e) => interactionRow(e, pseudonymise) as unknown as Record<string, unknown>),
      ),
    );
    // Raw ids never reached the server.
    const raw = await connection.query<{ n: string }>(
      sql`SELECT count() AS n FROM ${qualified(database, 'interactions')}
WHERE position(contact_pseudonym, 'contact-') > 0 OR position(customer_pseudonym, 'customer-') > 0`,
    );
    expect(raw).toEqual([{ n: '0' }]);

    // written_at_ms is the sink's clock at encode time: check its range, then compare the rest.
    const storedValues = (await storedRows(database, 'indicator_values', [
      'window_start_ms',
      'key_id',
    ])) as Array<Record<string, unknown>>;
    for (const row of storedValues) {
      expect(Number(row.written_at_ms)).toBeGreaterThanOrEqual(writtenAt.min);
      expect(Number(row.written_at_ms)).toBeLessThanOrEqual(writtenAt.max);
    }
    const writtenAtMs = Number(storedValues[0]!.written_at_ms);
    expect(storedValues.map((r) => ({ ...r, written_at_ms: String(writtenAtMs) }))).toEqual(
      expectedRows(
        INDICATOR_VALUE_COLUMNS,
        [...values]
          .sort((a, b) => a.windowStart - b.windowStart)
          .map((v) => indicatorValueRow(v, writtenAtMs) as unknown as Record<string, unknown>),
      ),
    );

    expect(await storedRows(database, 'alerts', ['id'])).toEqual(
      expectedRows(
        ALERT_COLUMNS,
        [...alerts]
          .sort((a, b) => (a.id < b.id ? -1 : 1))
          .map((a) => alertRow(a) as unknown as Record<string, unknown>),
      ),
    );
    expect(await storedRows(database, 'dead_letters', ['source_partition'])).toEqual(
      expectedRows(
        DEAD_LETTER_COLUMNS,
        deadLetters.map((d) => deadLetterRow(d, pseudonymise) as unknown as Record<string, unknown>),
      ),
    );
    const storedOrders = (await storedRows(database, 'work_orders', ['id'])) as Array<
      Record<string, unknown>
    >;
    expect(storedOrders.map(({ written_at_ms: _, ...rest }) => rest)).toEqual(
      [...workOrders]
        .sort((a, b) => (a.id < b.id ? -1 : 1))
        .map((o) => ({
          id: o.id,
          pipeline: o.pipeline,
          customer_pseudonym: o.customer,
          segment: o.segment,
          cause: o.cause,
          causes: o.causes,
          threshold: o.threshold,
          abandons: o.evidence.abandons,
          failed_touchpoints: o.evidence.failedTouchpoints,
          negative_answers: o.evidence.negativeAnswers,
          long_waits: o.evidence.longWaits,
          repeat_contacts: o.evidence.repeatContacts,
          touchpoint: o.touchpoint,
          owner_team: o.ownerTeam,
          lookback_ms: String(o.lookbackMs),
          ts_ms: String(o.ts),
          period_start_ms: String(o.periodStartMs),
        })),
    );

    // Every DateTime64 twin holds its epoch-ms column to the millisecond; each table has one
    // partition per day of its partition column (the events cross midnight).
    for (const table of WRITTEN_TABLES) {
      for (const [twin, ms] of timeTwins(await describeTable(database, table))) {
        const [check] = await connection.query<{ rows: string; exact: string }>(
          sql`SELECT count() AS rows, countIf(toUnixTimestamp64Milli(${identifier(twin)}) = ${identifier(ms)}) AS exact
FROM ${qualified(database, table)}`,
        );
        expect(check!.rows, `${table}.${twin}`).not.toBe('0');
        expect(check!.exact, `${table}.${twin}`).toBe(check!.rows);
      }
      const [partitions] = await connection.query<{ days: string; partitions: string }>(
        sql`SELECT uniqExact(toYYYYMMDD(${identifier(PARTITION_TIME_COLUMN[table])})) AS days,
(SELECT uniqExact(partition) FROM system.parts WHERE database = ${database} AND table = ${table} AND active) AS partitions
FROM ${qualified(database, table)}`,
      );
      expect(partitions!.partitions, `${table} partitions`).toBe(partitions!.days);
    }
    expect(
      await connection.query(
        sql`SELECT DISTINCT partition FROM system.parts WHERE database = ${database} AND table = 'interactions' AND active ORDER BY partition`,
      ),
    ).toEqual([{ partition: '20260930' }, { partition: '20261001' }]);
  });

  it('keeps each indicator window and each event once however often they are written (FINAL)', async () => {
    const { sink, database } = openSink({ writeEarlyValues: true });
    await sink.migrate();
    const start = Date.UTC(2026, 8, 30, 12, 0, 0);
    const v = (
      offset: number,
      kind: IndicatorValue['kind'],
      version: number,
      value: number,
    ): IndicatorValue => ({
      pipeline: 'contact-center',
      indicator: 'service_level',
      window: '1m',
      key: { queue: 'billing' },
      keyId: 'queue=billing',
      windowStart: start + offset,
      windowEnd: start + offset + 60_000,
      kind,
      version,
      value,
    });
    await sink.writeValues([v(0, 'early', 0, 0.1), v(60_000, 'early', 0, 0.5)]);
    await sink.writeValues([v(0, 'final', 1, 0.3), v(60_000, 'final', 1, 0.6), v(0, 'correction', 2, 0.4)]);
    await sink.writeValues([v(0, 'correction', 2, 0.4), v(0, 'early', 0, 0.1), v(60_000, 'final', 1, 0.6)]);
    const event: CxEvent = {
      id: 'q1',
      type: 'contact.queued',
      ts: start,
      channel: 'voice',
      queue: 'billing',
      contactId: 'c',
    };
    await sink.writeEvents([event]);
    await sink.writeEvents([event]);
    expect(
      await connection.query(
        sql`SELECT window_start_ms, kind, version, value FROM ${qualified(database, 'indicator_values')} FINAL ORDER BY window_start_ms`,
      ),
    ).toEqual([
      { window_start_ms: String(start), kind: 'correction', version: 2, value: 0.4 },
      { window_start_ms: String(start + 60_000), kind: 'final', version: 1, value: 0.6 },
    ]);
    expect(
      await connection.query(sql`SELECT count() AS n FROM ${qualified(database, 'interactions')} FINAL`),
    ).toEqual([{ n: '1' }]);
  });

  it('refuses to write into a table whose columns drifted from what the sink encodes', async () => {
    const { sink, database } = openSink();
    await sink.migrate();
    await connection.command(
      sql`ALTER TABLE ${qualified(database, 'alerts')} MODIFY COLUMN acknowledged UInt16`,
    );
    await connection.command(
      sql`ALTER TABLE ${qualified(database, 'interactions')} MODIFY COLUMN queue LowCardinality(Nullable(String))`,
    );
    const again = createClickHouseSink({ url: server.url, database, secret: SECRET, retentionDays: 0 });
    cleanups.push(() => again.close({ timeoutMs: 1000 }));
    await expect(again.migrate()).rejects.toMatchObject({
      code: 'CXP_ERR_SINK_CLICKHOUSE_REJECTED',
      message: expect.stringMatching(
        /interactions: column queue is LowCardinality\(Nullable\(String\)\), we write String.*alerts: column acknowledged is UInt16, we write UInt8/,
      ),
    });
  });

  it('sets TTL retention on every table, reads it back unchanged, and the server expires old days', async () => {
    const now = Date.now();
    const { sink, database } = openSink({ retentionDays: 30, now: () => now });
    await sink.migrate();
    await sink.applyRetention();
    const engines = await connection.query<{ name: string; engine_full: string }>(
      sql`SELECT name, engine_full FROM system.tables WHERE database = ${database} AND name != 'schema_migrations' ORDER BY name`,
    );
    expect(engines.map((e) => e.name)).toEqual([...TABLES].sort());
    for (const { name, engine_full: engine } of engines) {
      const column = PARTITION_TIME_COLUMN[name as TableName];
      expect(engine, name).toContain(`TTL toDateTime(${column}) + toIntervalDay(30)`);
    }
    // ensureTtl parses what the server shows: the same retention changes nothing …
    expect(await ensureTtl(connection, { database, tables: TABLES, retentionDays: 30 })).toEqual([]);
    // … another one changes every table.
    expect((await ensureTtl(connection, { database, tables: TABLES, retentionDays: 31 })).sort()).toEqual(
      [...TABLES].sort(),
    );

    const day = 86_400_000;
    const queued = (id: string, ts: number): CxEvent => ({
      id,
      type: 'contact.queued',
      ts,
      channel: 'voice',
      queue: 'billing',
      contactId: id,
    });
    await sink.writeEvents([queued('old', now - 40 * day), queued('new', now - day)]);
    await connection.command(sql`OPTIMIZE TABLE ${qualified(database, 'interactions')} FINAL`);
    expect(
      await connection.query(sql`SELECT id FROM ${qualified(database, 'interactions')} ORDER BY id`),
    ).toEqual([{ id: 'new' }]);
  });

  it('keeps hostile strings data in SELECT, INSERT … VALUES and WHERE, and drops nothing', async () => {
    const database = uniqueName('db');
    await connection.command(sql`CREATE DATABASE ${identifier(database)}`);
    cleanups.push(() => connection.command(sql`DROP DATABASE IF EXISTS ${identifier(database)}`));
    const table = qualified(database, 'victims');
    await connection.command(
      sql`CREATE TABLE ${table} (i UInt32, s String, lc LowCardinality(String), a Array(String), \`window\` String) ENGINE = MergeTree ORDER BY i`,
    );
    for (const [i, value] of HOSTILE.entries()) {
      const [echo] = await connection.query<{ v: string }>(sql`SELECT ${value} AS v`);
      expect(echo?.v, JSON.stringify(value)).toBe(value);
      await connection.command(
        sql`INSERT INTO ${table} (i, s, lc, a, ${identifier('window')}) VALUES (${i}, ${value}, ${value}, ${[value, value]}, ${value})`,
      );
      const [match] = await connection.query<{ n: string }>(
        sql`SELECT count() AS n FROM ${table} WHERE s = ${value} AND lc = ${value} AND has(a, ${value}) AND ${identifier('window')} = ${value} AND i = ${i}`,
      );
      expect(match?.n, JSON.stringify(value)).toBe('1');
    }
    const [arrays] = await connection.query<{ a: string[] }>(sql`SELECT ${HOSTILE} AS a`);
    expect(arrays?.a).toEqual(HOSTILE);
    const [numbers] = await connection.query<{ x: number; y: number; z: string }>(
      sql`SELECT 1 - ${-1} AS x, ${-0.5} * 2 AS y, toString(${2n ** 63n - 1n}) AS z`,
    );
    expect(numbers).toEqual({ x: 2, y: -1, z: '9223372036854775807' });
    const stored = await connection.query<{ s: string; lc: string }>(
      sql`SELECT s, lc FROM ${table} ORDER BY i`,
    );
    expect(stored).toEqual(HOSTILE.map((s) => ({ s, lc: s })));
    const tables = await connection.query<{ name: string }>(
      sql`SELECT name FROM system.tables WHERE database = ${database}`,
    );
    expect(tables).toEqual([{ name: 'victims' }]);
  });
});
