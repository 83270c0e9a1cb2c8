/**
 * The sink's RowBinary inserts against the real server: hostile strings and every column type
 * come back exactly, and a table that drifted from what the sink encodes stops `migrate()` instead
 * of being misread.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { CxEvent } from '../../../../src/events/types.js';
import { createClickHouseSink } from '../../../../src/sinks/clickhouse/clickhouse-sink.js';
import { createPseudonymiser } from '../../../../src/sinks/clickhouse/pseudonymiser.js';
import { TABLES } from '../../../../src/sinks/clickhouse/migrations.js';
import { createTestClickHouse } from '../../helpers/clickhouse.js';
import { uniqueName } from '../../helpers/names.js';
import { clickhouseUrl } from '../../helpers/services.js';

const HOSTILE = [
  `'; DROP TABLE interactions; --`,
  `\\'; DROP TABLE interactions; --`,
  `back\\slash`,
  `trailing\\`,
  `"double" and 'single'`,
  'new\nline\rcarriage\ttab',
  'nul\0inside',
  'Zürich ✓ 日本語 🙂',
  '\u2028\u2029',
  '`backtick`',
  '{x:String}',
  '',
  'long '.repeat(100),
];

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => {});
});

function openSink(database: string) {
  const sink = createClickHouseSink({
    url: clickhouseUrl(),
    database,
    secret: 'row-binary-secret',
    batch: { maxAgeMs: 20 },
    retentionDays: 0,
  });
  const admin = createTestClickHouse();
  cleanups.push(async () => {
    await sink.close({ timeoutMs: 5000 });
    await admin.command({ query: `DROP DATABASE IF EXISTS ${database}` });
    await admin.close();
  });
  return { sink, admin };
}

describe('RowBinary inserts', () => {
  it('store hostile strings, arrays, NULLs and epoch milliseconds exactly', async () => {
    const database = uniqueName('db');
    const { sink, admin } = openSink(database);
    await sink.migrate();
    const ts = Date.now() - 60_000;
    const events: CxEvent[] = HOSTILE.map((text, i) => ({
      id: `${i}:${text}`,
      type: 'survey.response',
      ts: ts + i,
      csat: (i % 5) + 1,
      comment: text,
      tags: [text, HOSTILE[(i + 1) % HOSTILE.length]!],
      queue: text,
      customerId: `customer-${text}`,
    }));
    await sink.writeEvents(events);
    const rows = await (
      await admin.query({
        query: `SELECT id, ts_ms, comment, tags, queue, csat, nps, customer_pseudonym FROM ${database}.interactions ORDER BY ts_ms`,
        format: 'JSONEachRow',
      })
    ).json<{
      id: string;
      ts_ms: string;
      comment: string;
      tags: string[];
      queue: string;
      csat: number;
      nps: null;
    }>();
    const p = createPseudonymiser('row-binary-secret');
    expect(rows).toEqual(
      events.map((e, i) => ({
        id: e.id,
        ts_ms: String(e.ts),
        comment: HOSTILE[i],
        tags: [HOSTILE[i], HOSTILE[(i + 1) % HOSTILE.length]],
        queue: HOSTILE[i],
        csat: (i % 5) + 1,
        nps: null,
        customer_pseudonym: p(`customer-${HOSTILE[i]}`),
      })),
    );
    const [count] = await (
      await admin.query({
        query: `SELECT count() AS n FROM system.tables WHERE database = '${database}'`,
        format: 'JSONEachRow',
      })
    ).json<{ n: string }>();
    // Every table and schema_migrations.
    expect(count?.n).toBe(String(TABLES.length + 1));
  });

  it('refuse to start on a table whose columns differ from what the sink writes', async () => {
    const database = uniqueName('db');
    const { sink, admin } = openSink(database);
    await sink.migrate();
    await admin.command({ query: `ALTER TABLE ${database}.alerts MODIFY COLUMN acknowledged UInt16` });
    const again = createClickHouseSink({ url: clickhouseUrl(), database, secret: 's', retentionDays: 0 });
    cleanups.push(() => again.close({ timeoutMs: 1000 }));
    await expect(again.migrate()).rejects.toMatchObject({
      code: 'CXP_ERR_SINK_CLICKHOUSE_REJECTED',
      message: expect.stringContaining('alerts: column acknowledged is UInt16, we write UInt8'),
    });
  });
});
