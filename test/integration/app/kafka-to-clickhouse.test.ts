/**
 * The whole path against the real servers: simulator → Kafka → the app (source, ingest, pipelines,
 * alerting) → ClickHouse. Raw events and final indicator values in ClickHouse equal a brute-force
 * reference over the same events, and running the same input again leaves each window once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/app.js';
import { DEFAULT_CONFIG } from '../../../src/config/app-config.js';
import { parsePipelineYaml } from '../../../src/config/pipeline-loader.js';
import type { ContactEvent, CxEvent } from '../../../src/events/types.js';
import { subscribe } from '../../../src/observability/instrumentation.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import { createClickHouseSink } from '../../../src/sinks/clickhouse/clickhouse-sink.js';
import { createKafkaPublisher } from '../../../src/sinks/kafka/kafka-publisher.js';
import { createMemoryDeadLetterSink } from '../../../src/sinks/kafka/dead-letter-sink.js';
import { createKafkaSource } from '../../../src/sources/kafka/kafka-source.js';
import { partitionKey } from '../../../src/sources/simulator/event-publisher.js';
import { createSimulator } from '../../../src/sources/simulator/simulator.js';
import { createTestDatabase, type TestDatabase } from '../helpers/clickhouse.js';
import { createTestKafka, createTestTopic } from '../helpers/kafka.js';
import { uniqueName } from '../helpers/names.js';
import { clickhouseUrl, kafkaBrokers } from '../helpers/services.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => {});
});

const pipeline = parsePipelineYaml(
  `name: history-check
source: { topics: [cx.events] }
keyBy: [queue, channel]
windows: [{ size: 1m }]
lateness: 10m
correctionHorizon: 1h
idleTimeout: 1h
indicators:
  - id: contacts_offered
`,
  'history-check.yaml',
);

async function runOnce(topic: string, db: TestDatabase, expectedEvents: number): Promise<void> {
  const history = createClickHouseSink({
    url: clickhouseUrl(),
    database: db.database,
    secret: 'test-secret',
    batch: { maxRows: 2000, maxAgeMs: 200 },
    onWarning: () => {},
  });
  await history.migrate();
  const metrics = createMetrics({ defaultMetrics: false });
  const source = createKafkaSource({
    brokers: kafkaBrokers(),
    clientId: 'app',
    groupId: uniqueName('group'),
    topics: [topic],
    maxInFlightBatches: 4,
    fromBeginning: true,
  });
  const app = await buildApp({
    config: structuredClone(DEFAULT_CONFIG),
    pipelines: [pipeline],
    source,
    sourceName: 'kafka',
    deadLetters: createMemoryDeadLetterSink(),
    metrics,
    history,
  });
  let decoded = 0;
  const unsubscribe = subscribe('events.decoded', ({ byType }) => {
    for (const n of Object.values(byType)) decoded += n;
  });
  await app.start();
  // Wait until this run has read every event and the source holds nothing unacknowledged, which it
  // only does once each batch's raw events are stored.
  for (let i = 0; i < 300 && (decoded < expectedEvents || source.inFlight() > 0); i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  unsubscribe();
  expect(decoded).toBe(expectedEvents);
  // Stopping flushes the open windows as finals, then closing the sink stores them.
  await app.stop();
  await history.close();
  metrics.close();
}

describe('Kafka → app → ClickHouse', () => {
  it('stores every event and exactly the reference values, and a replay leaves each window once', async () => {
    const startTs = Math.floor((Date.now() - 30 * 60_000) / 60_000) * 60_000;
    const events: CxEvent[] = createSimulator({ seed: 11, startTs, rate: 80, seasonality: false }).nextBatch(
      startTs + 6 * 60_000,
    );
    const kafka = createTestKafka();
    const topic = await createTestTopic(kafka, { numPartitions: 3, prefix: 'events' });
    const publisher = await createKafkaPublisher({ brokers: kafkaBrokers(), clientId: 'sim' });
    cleanups.push(() => publisher.close());
    await publisher.publish(
      topic,
      events.map((e) => ({ key: partitionKey(e), value: JSON.stringify(e) })),
    );
    const db = await createTestDatabase();
    cleanups.push(() => db.drop());

    const expected = new Map<string, number>();
    for (const e of events) {
      if (e.type !== 'contact.queued') continue;
      const c = e as ContactEvent;
      const id = `channel=${c.channel},queue=${c.queue}|${Math.floor(c.ts / 60_000) * 60_000}`;
      expected.set(id, (expected.get(id) ?? 0) + 1);
    }

    const readValues = async () => {
      const rows = await db.client.query({
        query: `SELECT key_id, toString(window_start_ms) AS start, value FROM indicator_values FINAL
                WHERE pipeline = 'history-check' AND indicator = 'contacts_offered' AND kind != 'early'`,
        format: 'JSONEachRow',
      });
      return (await rows.json()) as Array<{ key_id: string; start: string; value: number }>;
    };

    await runOnce(topic, db, events.length);
    const first = await readValues();
    expect(first.length).toBe(expected.size);
    for (const row of first)
      expect(row.value, `${row.key_id} ${row.start}`).toBe(expected.get(`${row.key_id}|${row.start}`));

    const countRaw = async () => {
      const rows = await db.client.query({
        query: 'SELECT count() AS n FROM interactions FINAL',
        format: 'JSONEachRow',
      });
      return Number(((await rows.json()) as [{ n: string }])[0].n);
    };
    expect(await countRaw()).toBe(events.length);

    // The same input again (a replay, or a restart that re-reads uncommitted offsets).
    await runOnce(topic, db, events.length);
    const second = await readValues();
    expect(second.length).toBe(expected.size);
    expect(new Map(second.map((r) => [`${r.key_id}|${r.start}`, r.value]))).toEqual(expected);
    expect(await countRaw()).toBe(events.length);
  });
});
