import { afterEach, describe, expect, it } from 'vitest';
import { createTestClickHouse, createTestDatabase, type TestDatabase } from '../helpers/clickhouse.js';

describe('ClickHouse from the integration services', () => {
  let testDatabase: TestDatabase | undefined;

  afterEach(async () => {
    await testDatabase?.drop();
    testDatabase = undefined;
  });

  it('answers SELECT version() through @clickhouse/client', async () => {
    const client = createTestClickHouse();
    try {
      const result = await client.query({ query: 'SELECT version() AS version', format: 'JSONEachRow' });
      const rows = await result.json<{ version: string }>();
      expect(rows).toHaveLength(1);
      expect(rows[0]?.version).toMatch(/^\d+\.\d+\.\d+/);
    } finally {
      await client.close();
    }
  });

  // The sinks insert JSONEachRow batches; 18.16 predates much of what the client knows, so check
  // the round trip the sinks rely on, not only that the server is there.
  it('inserts JSONEachRow rows into a MergeTree table and reads them back in order', async () => {
    testDatabase = await createTestDatabase();
    const { client } = testDatabase;
    await client.command({
      query:
        'CREATE TABLE indicator_values (ts DateTime, queue String, value Float64) ENGINE = MergeTree ORDER BY (queue, ts)',
    });
    const rows = [
      { ts: '2024-05-01 10:00:00', queue: 'billing', value: 0.8 },
      { ts: '2024-05-01 10:00:10', queue: 'billing', value: 0.75 },
      { ts: '2024-05-01 10:00:00', queue: 'support', value: 0.9 },
    ];
    await client.insert({ table: 'indicator_values', values: rows, format: 'JSONEachRow' });

    const result = await client.query({
      query: 'SELECT toString(ts) AS ts, queue, value FROM indicator_values ORDER BY queue, ts',
      format: 'JSONEachRow',
    });
    expect(await result.json()).toEqual(rows);
  });
});
