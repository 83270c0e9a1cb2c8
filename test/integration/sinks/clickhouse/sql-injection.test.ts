/** The SQL builder's literals against the real server: hostile strings round-trip and stay data. */
import { afterEach, describe, expect, it } from 'vitest';
import { connectClickHouse } from '../../../../src/sinks/clickhouse/connection.js';
import { identifier, qualified, sql } from '../../../../src/sinks/clickhouse/sql.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/clickhouse.js';
import { clickhouseUrl } from '../../helpers/services.js';

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
  '',
];

let testDatabase: TestDatabase | undefined;
afterEach(async () => {
  await testDatabase?.drop();
  testDatabase = undefined;
});

describe('SQL literals on the real server', () => {
  it('round-trip every hostile string exactly through SELECT, INSERT … VALUES and WHERE, and drop nothing', async () => {
    testDatabase = await createTestDatabase();
    const { database, client } = testDatabase;
    await client.command({
      query: `CREATE TABLE victims (i UInt32, s String) ENGINE = MergeTree ORDER BY i`,
    });
    const connection = connectClickHouse({ url: clickhouseUrl() });
    try {
      const table = qualified(database, 'victims');
      for (const [i, value] of HOSTILE.entries()) {
        const [echo] = await connection.query<{ v: string }>(sql`SELECT ${value} AS v`);
        expect(echo?.v, JSON.stringify(value)).toBe(value);
        await connection.command(sql`INSERT INTO ${table} VALUES (${i}, ${value})`);
        const [match] = await connection.query<{ n: string }>(
          sql`SELECT count() AS n FROM ${table} WHERE s = ${value} AND i = ${i}`,
        );
        expect(match?.n, JSON.stringify(value)).toBe('1');
      }
      const [arrays] = await connection.query<{ a: string[] }>(sql`SELECT ${HOSTILE} AS a`);
      expect(arrays?.a).toEqual(HOSTILE);
      const stored = await connection.query<{ s: string }>(sql`SELECT s FROM ${table} ORDER BY i`);
      expect(stored.map((r) => r.s)).toEqual(HOSTILE);
      const tables = await connection.query<{ name: string }>(
        sql`SELECT name FROM system.tables WHERE database = ${database}`,
      );
      expect(tables.map((t) => t.name)).toEqual(['victims']);
    } finally {
      await connection.close();
    }
  });

  it('cannot be given an identifier that escapes its quotes', () => {
    expect(() => identifier('victims`; DROP TABLE victims; --')).toThrow(/identifier/);
  });
});
