/** ClickHouse clients for integration tests, pointed at the test run's server. */
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { uniqueName } from './names.js';
import { clickhouseUrl } from './services.js';

type ClientOptions = NonNullable<Parameters<typeof createClient>[0]>;

/** A client for the test run's ClickHouse; the caller closes it. */
export function createTestClickHouse(options: Omit<ClientOptions, 'url'> = {}): ClickHouseClient {
  return createClient({ ...options, url: clickhouseUrl() });
}

export interface TestDatabase {
  database: string;
  /** A client whose default database is `database`. */
  client: ClickHouseClient;
  /** Drops the database and closes the client. */
  drop: () => Promise<void>;
}

/** A fresh database with a unique name for the current test. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const database = uniqueName('db');
  const admin = createTestClickHouse();
  try {
    await admin.command({ query: `CREATE DATABASE ${database}` });
  } finally {
    await admin.close();
  }
  const client = createTestClickHouse({ database });
  return {
    database,
    client,
    drop: async () => {
      try {
        await client.command({ query: `DROP DATABASE IF EXISTS ${database}` });
      } finally {
        await client.close();
      }
    },
  };
}
