/**
 * Which statements the migrations send, per server version. A recording connection stands in for
 * the server: the thing under test is the choice of statements (the real server runs them in
 * test/integration/sinks/clickhouse/migrations.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { ClickHouseConnection } from '../../../../src/sinks/clickhouse/connection.js';
import { MIGRATIONS, migrate, type Migration } from '../../../../src/sinks/clickhouse/migrations.js';
import { sql, type Sql } from '../../../../src/sinks/clickhouse/sql.js';

function recordingConnection(version: string, applied: number[] = []) {
  const commands: string[] = [];
  const inserted: Array<{ table: string; rows: readonly object[] }> = [];
  const connection: ClickHouseConnection = {
    async command(statement: Sql) {
      commands.push(statement.text);
    },
    async query<T>(statement: Sql) {
      if (statement.text.includes('version()')) return [{ version }] as T[];
      return applied.map((v) => ({ version: String(v) })) as T[];
    },
    async insert(table: Sql, rows: readonly object[]) {
      inserted.push({ table: table.text, rows });
    },
    async insertRowBinary() {
      throw new Error('migrations insert their record as JSON rows');
    },
    async close() {},
  };
  return { connection, commands, inserted };
}

describe('migrate', () => {
  it('creates the database, the record table and the six tables on 18.16 with its dialect', async () => {
    const { connection, commands, inserted } = recordingConnection('18.16.1');
    const result = await migrate(connection, { database: 'cxpulse' });
    expect(result).toMatchObject({ applied: [1, 2, 3, 4, 5], current: 5 });
    expect(commands[0]).toBe('CREATE DATABASE IF NOT EXISTS `cxpulse`');
    const ddl = commands.join('\n');
    for (const table of [
      'schema_migrations',
      'interactions',
      'indicator_values',
      'alerts',
      'dead_letters',
      'work_orders',
      'tag_rankings',
      'insights',
      'proactive_notifications',
    ]) {
      expect(ddl).toContain(`CREATE TABLE IF NOT EXISTS \`cxpulse\`.\`${table}\``);
    }
    expect(ddl).not.toMatch(/LowCardinality|DateTime64|TTL/);
    expect(ddl).toContain("ts DateTime('UTC') MATERIALIZED toDateTime(intDiv(`ts_ms`, 1000), 'UTC')");
    expect(ddl).toContain('ENGINE = ReplacingMergeTree(replacing_version)');
    expect(inserted).toEqual([
      {
        table: '`cxpulse`.`schema_migrations`',
        rows: [expect.objectContaining({ version: 1, server_version: '18.16.1' })],
      },
      {
        table: '`cxpulse`.`schema_migrations`',
        rows: [expect.objectContaining({ version: 2, description: 'work_orders' })],
      },
      {
        table: '`cxpulse`.`schema_migrations`',
        rows: [expect.objectContaining({ version: 3, description: 'tag_rankings' })],
      },
      {
        table: '`cxpulse`.`schema_migrations`',
        rows: [expect.objectContaining({ version: 4, description: 'insights' })],
      },
      {
        table: '`cxpulse`.`schema_migrations`',
        rows: [expect.objectContaining({ version: 5, description: 'proactive_notifications' })],
      },
    ]);
    expect(ddl).toContain(
      "period_start DateTime('UTC') MATERIALIZED toDateTime(intDiv(`period_start_ms`, 1000), 'UTC')",
    );
    expect(ddl).toContain('PARTITION BY toYYYYMMDD(period_start)\nORDER BY id');
    expect(ddl).toContain(
      "cycle_start DateTime('UTC') MATERIALIZED toDateTime(intDiv(`cycle_start_ms`, 1000), 'UTC')",
    );
    expect(ddl).toContain('PARTITION BY toYYYYMMDD(cycle_start)\nORDER BY id');
  });

  it('uses LowCardinality and DateTime64 on a current server', async () => {
    const { connection, commands } = recordingConnection('24.8.4.13');
    await migrate(connection, { database: 'cxpulse' });
    const ddl = commands.join('\n');
    expect(ddl).toContain('type LowCardinality(String)');
    expect(ddl).toContain(
      "ts DateTime64(3, 'UTC') MATERIALIZED fromUnixTimestamp64Milli(toInt64(`ts_ms`), 'UTC')",
    );
  });

  it('skips versions already recorded and applies the rest in version order', async () => {
    const extra = (version: number): Migration => ({
      version,
      description: `v${version}`,
      statements: () => [sql`SELECT ${version}`],
    });
    const last = MIGRATIONS.at(-1)!.version;
    const { connection, commands, inserted } = recordingConnection(
      '18.16.1',
      MIGRATIONS.map((m) => m.version),
    );
    const result = await migrate(connection, {
      database: 'db',
      migrations: [...MIGRATIONS, extra(last + 2), extra(2), extra(last + 1)],
    });
    expect(result).toMatchObject({ applied: [last + 1, last + 2], current: last + 2 });
    expect(commands.filter((c) => c.startsWith('SELECT'))).toEqual([
      `SELECT ${last + 1}`,
      `SELECT ${last + 2}`,
    ]);
    expect(inserted.map((i) => (i.rows[0] as { version: number }).version)).toEqual([last + 1, last + 2]);
  });

  it('rejects a database name that is not an identifier before sending anything', async () => {
    const { connection, commands } = recordingConnection('18.16.1');
    await expect(migrate(connection, { database: 'x; DROP DATABASE y' })).rejects.toThrow(/identifier/);
    expect(commands).toEqual([]);
  });
});
