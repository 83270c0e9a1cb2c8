/** The schema migrations against the real server (18.16 here; see docs/storage.md for newer ones). */
import { afterEach, describe, expect, it } from 'vitest';
import { connectClickHouse, type ClickHouseConnection } from '../../../../src/sinks/clickhouse/connection.js';
import { MIGRATIONS, migrate } from '../../../../src/sinks/clickhouse/migrations.js';
import { createTestClickHouse } from '../../helpers/clickhouse.js';
import { uniqueName } from '../../helpers/names.js';
import { clickhouseUrl } from '../../helpers/services.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => {});
});

function setup(): { connection: ClickHouseConnection; database: string } {
  const database = uniqueName('db');
  const connection = connectClickHouse({ url: clickhouseUrl() });
  const admin = createTestClickHouse();
  cleanups.push(async () => {
    await admin.command({ query: `DROP DATABASE IF EXISTS ${database}` });
    await admin.close();
    await connection.close();
  });
  return { connection, database };
}

async function rows<T>(query: string): Promise<T[]> {
  const client = createTestClickHouse();
  try {
    return await (await client.query({ query, format: 'JSONEachRow' })).json<T>();
  } finally {
    await client.close();
  }
}

describe('ClickHouse migrations', () => {
  it('create the database and tables once, record the version, and change nothing the second time', async () => {
    const { connection, database } = setup();
    const first = await migrate(connection, { database });
    expect(first.applied).toEqual(MIGRATIONS.map((m) => m.version));
    expect(first.capabilities.version).toMatch(/^\d+\.\d+/);

    const second = await migrate(connection, { database });
    expect(second.applied).toEqual([]);
    expect(second.current).toBe(first.current);

    const recorded = await rows<{ version: number; n: string }>(
      `SELECT version, count() AS n FROM ${database}.schema_migrations GROUP BY version ORDER BY version`,
    );
    expect(recorded).toEqual(MIGRATIONS.map((m) => ({ version: m.version, n: '1' })));

    const tables = await rows<{ name: string }>(
      `SELECT name FROM system.tables WHERE database = '${database}' ORDER BY name`,
    );
    expect(tables.map((t) => t.name)).toEqual([
      'alerts',
      'dead_letters',
      'indicator_values',
      'insights',
      'interactions',
      'proactive_notifications',
      'schema_migrations',
      'tag_rankings',
      'work_orders',
    ]);
  });

  it('give every table a date-typed time column computed from the epoch-ms one, fit for the server', async () => {
    const { connection, database } = setup();
    const { capabilities } = await migrate(connection, { database });
    const columns = await rows<{ table: string; name: string; type: string; default_kind: string }>(
      `SELECT table, name, type, default_kind FROM system.columns
       WHERE database = '${database}' AND name IN ('ts', 'window_start', 'starts_at', 'type') ORDER BY table, name`,
    );
    const time = capabilities.dateTime64 ? "DateTime64(3, 'UTC')" : "DateTime('UTC')";
    expect(columns).toEqual([
      { table: 'alerts', name: 'starts_at', type: time, default_kind: 'MATERIALIZED' },
      { table: 'dead_letters', name: 'ts', type: time, default_kind: 'MATERIALIZED' },
      { table: 'indicator_values', name: 'window_start', type: time, default_kind: 'MATERIALIZED' },
      { table: 'insights', name: 'ts', type: time, default_kind: 'MATERIALIZED' },
      { table: 'interactions', name: 'ts', type: time, default_kind: 'MATERIALIZED' },
      {
        table: 'interactions',
        name: 'type',
        type: capabilities.lowCardinality ? 'LowCardinality(String)' : 'String',
        default_kind: '',
      },
      { table: 'proactive_notifications', name: 'ts', type: time, default_kind: 'MATERIALIZED' },
      { table: 'tag_rankings', name: 'window_start', type: time, default_kind: 'MATERIALIZED' },
      { table: 'work_orders', name: 'ts', type: time, default_kind: 'MATERIALIZED' },
    ]);
  });
});
