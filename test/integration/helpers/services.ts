/**
 * Where the integration services are, as given by test/integration/global-setup.ts, with the
 * environment as a fallback for code run outside that setup.
 */
import { inject } from 'vitest';

export function kafkaBrokers(): string[] {
  const brokers = inject('kafkaBrokers') ?? process.env.KAFKA_BROKERS;
  if (!brokers)
    throw new Error(
      'no Kafka for integration tests: run them in the `integration` project or set KAFKA_BROKERS',
    );
  return brokers.split(',');
}

export function clickhouseUrl(): string {
  const url = inject('clickhouseUrl') ?? process.env.CLICKHOUSE_URL;
  if (!url)
    throw new Error(
      'no ClickHouse for integration tests: run them in the `integration` project or set CLICKHOUSE_URL',
    );
  return url;
}

/** True when the broker is ours (scripts/lib/services.ts), so the project topics exist on it. */
export function kafkaIsManaged(): boolean {
  return inject('kafkaManaged') ?? false;
}
