/**
 * Global setup of the `integration` test project: the same Kafka and ClickHouse as
 * `npm run services:up` (scripts/lib/services.ts), started unless KAFKA_BROKERS / CLICKHOUSE_URL
 * already point at running servers. Tests reach them through ./helpers/services.ts.
 *
 * The run takes a lease on the servers; at teardown the last lease out stops what it started, but
 * servers from a manual `services:up` stay up.
 */
import type { TestProject } from 'vitest/node';
import { releaseLease, servicesUp } from '../../scripts/lib/services.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Comma-separated host:port list, as in KAFKA_BROKERS. */
    kafkaBrokers: string;
    clickhouseUrl: string;
    /** True when the broker is the one scripts/lib/services.ts manages (project topics exist). */
    kafkaManaged: boolean;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const lease = process.pid;
  const log = (message: string): void => {
    process.stderr.write(`services: ${message}\n`);
  };
  const result = await servicesUp({ lease, log });
  if (result.started.length > 0) log(`started ${result.started.join(', ')} for this test run`);

  project.provide('kafkaBrokers', result.env.KAFKA_BROKERS);
  project.provide('clickhouseUrl', result.env.CLICKHOUSE_URL);
  project.provide('kafkaManaged', !result.external.includes('kafka'));

  // Also in the environment, for code under test that reads its config from env.
  const previous = { KAFKA_BROKERS: process.env.KAFKA_BROKERS, CLICKHOUSE_URL: process.env.CLICKHOUSE_URL };
  process.env.KAFKA_BROKERS = result.env.KAFKA_BROKERS;
  process.env.CLICKHOUSE_URL = result.env.CLICKHOUSE_URL;

  return async () => {
    for (const [key, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    const stopped = await releaseLease(lease);
    if (stopped.length > 0) log(`stopped ${stopped.join(', ')}`);
  };
}
