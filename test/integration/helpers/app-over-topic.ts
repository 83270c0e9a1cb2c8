/**
 * One run of the whole app against the real servers: a Kafka source on `eventsTopic` read from the
 * beginning, a ClickHouse sink into `db`, a Kafka publisher for the app's own output topic, until
 * every expected event is decoded and in flight no more. What the run produced is collected from
 * `output` (work orders, notifications) and returned.
 */
import type { Observable } from 'rxjs';
import { expect } from 'vitest';
import { buildApp, type AppOptions, type CxPulseApp } from '../../../src/app.js';
import type { AppConfig } from '../../../src/config/app-config.js';
import { loadPipelineFile } from '../../../src/config/pipeline-loader.js';
import { subscribe } from '../../../src/observability/instrumentation.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import { createClickHouseSink } from '../../../src/sinks/clickhouse/clickhouse-sink.js';
import { createMemoryDeadLetterSink } from '../../../src/sinks/kafka/dead-letter-sink.js';
import { createKafkaPublisher, type MessagePublisher } from '../../../src/sinks/kafka/kafka-publisher.js';
import { createKafkaSource } from '../../../src/sources/kafka/kafka-source.js';
import type { TestDatabase } from './clickhouse.js';
import { uniqueName } from './names.js';
import { clickhouseUrl, kafkaBrokers } from './services.js';

export interface AppOverTopicRun<T> {
  config: AppConfig;
  /** The ClickHouse sink's pseudonymisation secret (the config's too). */
  secret: string;
  pipelineFile: string;
  eventsTopic: string;
  db: TestDatabase;
  /** Events on the topic: the run waits until all are decoded. */
  expected: number;
  /** Client id of the output publisher. */
  publisherClientId: string;
  /** The app's output sinks, on the publisher (which they close). */
  sinks: (publisher: MessagePublisher) => Partial<AppOptions>;
  output: (app: CxPulseApp) => Observable<T[]>;
}

export async function runAppOverTopic<T>(run: AppOverTopicRun<T>): Promise<T[]> {
  const history = createClickHouseSink({
    url: clickhouseUrl(),
    database: run.db.database,
    secret: run.secret,
    batch: { maxRows: 5000, maxAgeMs: 200 },
    onWarning: () => {},
  });
  await history.migrate();
  const publisher = await createKafkaPublisher({ brokers: kafkaBrokers(), clientId: run.publisherClientId });
  const metrics = createMetrics({ defaultMetrics: false });
  const source = createKafkaSource({
    brokers: kafkaBrokers(),
    clientId: 'app',
    groupId: uniqueName('group'),
    topics: [run.eventsTopic],
    maxInFlightBatches: 4,
    fromBeginning: true,
  });
  const app = await buildApp({
    config: run.config,
    pipelines: [loadPipelineFile(run.pipelineFile)],
    source,
    sourceName: 'kafka',
    deadLetters: createMemoryDeadLetterSink(),
    metrics,
    history,
    ...run.sinks(publisher),
  });
  const raised: T[] = [];
  const collect = run.output(app).subscribe((batch) => raised.push(...batch));
  let decoded = 0;
  const unsubscribe = subscribe('events.decoded', ({ byType }) => {
    for (const n of Object.values(byType)) decoded += n;
  });
  await app.start();
  for (let i = 0; i < 600 && (decoded < run.expected || source.inFlight() > 0); i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  unsubscribe();
  expect(decoded).toBe(run.expected);
  // Publishing and storing run behind the stream; give them a moment before closing.
  await new Promise((r) => setTimeout(r, 500));
  collect.unsubscribe();
  await app.stop();
  await history.close();
  metrics.close();
  return raised;
}
