/**
 * Proactive care end to end against the real servers: sixteen simulated days of the zero-balance
 * scenario and its healthy counterparts → Kafka → the app (the shipped proactive-care pipeline) →
 * one notification, for the account heading for zero, on the notification topic and in ClickHouse
 * `proactive_notifications`; every account.usage event stored in `interactions`. Run twice over
 * the same input (a replay): the topic gets the same id again, the table still holds it once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ProactiveNotification } from '../../../src/analytics/proactive/proactive-notification.js';
import { DEFAULT_CONFIG } from '../../../src/config/app-config.js';
import type { AccountUsageEvent, CxEvent } from '../../../src/events/types.js';
import { createPseudonymiser } from '../../../src/sinks/clickhouse/pseudonymiser.js';
import { createKafkaPublisher } from '../../../src/sinks/kafka/kafka-publisher.js';
import { createKafkaNotificationPublisher } from '../../../src/sinks/kafka/notification-publisher.js';
import { partitionKey } from '../../../src/sources/simulator/event-publisher.js';
import { loadScenarioFile } from '../../../src/sources/simulator/scenario.js';
import { createScenarioSimulator } from '../../../src/sources/simulator/scripted-simulator.js';
import { createTestDatabase, type TestDatabase } from '../helpers/clickhouse.js';
import { createTestKafka, createTestTopic } from '../helpers/kafka.js';
import { runAppOverTopic } from '../helpers/app-over-topic.js';
import { uniqueName } from '../helpers/names.js';
import { kafkaBrokers } from '../helpers/services.js';

const SECRET = 'proactive-care-integration-secret';
const DAY = 86_400_000;
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => {});
});

async function runOnce(eventsTopic: string, notificationTopic: string, db: TestDatabase, expected: number) {
  const config = structuredClone(DEFAULT_CONFIG);
  config.clickhouse.pseudonymSecret = SECRET;
  // Sixteen days of history: older than the decoder's default bound of a week.
  config.events.maxPastMs = 20 * DAY;
  return runAppOverTopic<ProactiveNotification>({
    config,
    secret: SECRET,
    pipelineFile: 'pipelines/proactive-care.yaml',
    eventsTopic,
    db,
    expected,
    publisherClientId: 'notifications',
    sinks: (publisher) => ({
      proactiveNotificationSinks: [
        createKafkaNotificationPublisher(publisher, { topic: notificationTopic, closePublisher: true }),
      ],
    }),
    output: (app) => app.proactiveNotifications$,
  });
}

async function readTopic(topic: string, atLeast: number) {
  const kafka = createTestKafka();
  const consumer = kafka.consumer({ groupId: uniqueName('reader') });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const got: Array<{ key: string; notification: ProactiveNotification; headers: Record<string, string> }> =
    [];
  await consumer.run({
    eachMessage: async ({ message }) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
      got.push({
        key: message.key!.toString(),
        notification: JSON.parse(message.value!.toString()) as ProactiveNotification,
        headers,
      });
    },
  });
  for (let i = 0; i < 200 && got.length < atLeast; i++) await new Promise((r) => setTimeout(r, 100));
  // A moment more, so a duplicate would have arrived too.
  await new Promise((r) => setTimeout(r, 1000));
  await consumer.disconnect();
  return got;
}

async function query<T>(db: TestDatabase, sql: string): Promise<T[]> {
  const result = await db.client.query({ query: sql, format: 'JSONEachRow' });
  return (await result.json()) as T[];
}

describe('proactive care: simulator → Kafka → app → Kafka and ClickHouse', () => {
  it('notifies the account heading for zero balance once, days ahead, stored once across a replay', async () => {
    const startTs = Math.floor((Date.now() - 16 * DAY) / 60_000) * 60_000;
    const zero = await loadScenarioFile('scenarios/zero-balance.yaml');
    const healthy = await loadScenarioFile('scenarios/zero-balance-healthy.yaml');
    const scenario = { name: 'zero-and-healthy', incidents: [...zero.incidents, ...healthy.incidents] };
    const simulator = createScenarioSimulator({
      seed: 3,
      startTs,
      rate: 0.001,
      seasonality: false,
      scenario,
    });
    const events: CxEvent[] = simulator.nextBatch(startTs + 16 * DAY).filter((e) => e.ts < Date.now());
    const usage = events.filter((e): e is AccountUsageEvent => e.type === 'account.usage');
    const kafka = createTestKafka();
    const eventsTopic = await createTestTopic(kafka, { numPartitions: 3, prefix: 'events' });
    const notificationTopic = await createTestTopic(kafka, { numPartitions: 1, prefix: 'notifications' });
    const publisher = await createKafkaPublisher({ brokers: kafkaBrokers(), clientId: 'sim' });
    cleanups.push(() => publisher.close());
    // Keyed by account (partitionKey): each account's reports stay in order on one partition.
    await publisher.publish(
      eventsTopic,
      events.map((e) => ({ key: partitionKey(e), value: JSON.stringify(e) })),
    );
    const db = await createTestDatabase();
    cleanups.push(() => db.drop());
    const pseudonymise = createPseudonymiser(SECRET);
    const account = pseudonymise('acc-zero-balance');

    const first = await runOnce(eventsTopic, notificationTopic, db, events.length);
    expect(first.map((n) => n.entity)).toEqual([account]);
    const n = first[0]!;
    const ranOut = usage.find((e) => e.accountId === 'acc-zero-balance' && e.remaining === 0)!;
    const leadDays = (ranOut.ts - n.ts) / DAY;
    expect(leadDays).toBeGreaterThan(6);
    expect(n).toMatchObject({
      series: 'data-mb',
      segment: 'prepaid',
      customer: pseudonymise('cu-acc-zero-balance'),
    });

    const second = await runOnce(eventsTopic, notificationTopic, db, events.length);
    expect(second).toEqual(first);
    const onTopic = await readTopic(notificationTopic, 2);
    // Once per run, both times under the same key: a consumer or a compacted topic keeps one.
    expect(onTopic.map((m) => m.key)).toEqual([n.id, n.id]);
    expect(onTopic[0]!.notification).toEqual(n);
    expect(onTopic[0]!.headers).toEqual({
      'cxpulse-pipeline': 'proactive-care',
      'cxpulse-series': 'data-mb',
    });
    expect(JSON.stringify(onTopic)).not.toContain('acc-zero-balance');

    const rows = await query<Record<string, unknown>>(
      db,
      `SELECT id, entity_field, entity_pseudonym, customer_pseudonym, segment, series, remaining,
              predicted_usage, toString(horizon_ms) AS horizon_ms, toString(predicted_run_out_ms) AS run_out_ms,
              history_buckets, toString(ts_ms) AS ts_ms, toString(cycle_start_ms) AS cycle_start_ms
       FROM proactive_notifications FINAL`,
    );
    expect(rows).toEqual([
      {
        id: n.id,
        entity_field: 'accountId',
        entity_pseudonym: account,
        customer_pseudonym: pseudonymise('cu-acc-zero-balance'),
        segment: 'prepaid',
        series: 'data-mb',
        remaining: n.remaining,
        predicted_usage: n.predictedUsage,
        horizon_ms: String(7 * DAY),
        run_out_ms: String(n.predictedRunOutTs),
        history_buckets: n.historyBuckets,
        ts_ms: String(n.ts),
        cycle_start_ms: String(n.cycleStartTs),
      },
    ]);

    // The raw usage reports are in interactions like every event: once each, with their pseudonyms.
    const stored = await query<{ n: string; accounts: string; raw: string }>(
      db,
      `SELECT count() AS n, uniqExact(customer_pseudonym) AS accounts,
              countIf(customer_pseudonym LIKE 'cu-%') AS raw
       FROM interactions FINAL WHERE type = 'account.usage'`,
    );
    expect(stored).toEqual([{ n: String(usage.length), accounts: '21', raw: '0' }]);
  });
});
