/**
 * At-risk work orders end to end against the real servers: the vip-bad-day scenario → Kafka → the
 * app (the shipped at-risk pipeline) → one work order for the scripted VIP on the work-order topic
 * and in ClickHouse `work_orders`. Run twice over the same input (a replay): the topic gets the
 * same id again, the table still holds it once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { WorkOrder } from '../../../src/analytics/at-risk/work-order.js';
import { DEFAULT_CONFIG } from '../../../src/config/app-config.js';
import type { CxEvent } from '../../../src/events/types.js';
import { createPseudonymiser } from '../../../src/sinks/clickhouse/pseudonymiser.js';
import { createKafkaPublisher } from '../../../src/sinks/kafka/kafka-publisher.js';
import { createKafkaWorkOrderPublisher } from '../../../src/sinks/kafka/work-order-publisher.js';
import { partitionKey } from '../../../src/sources/simulator/event-publisher.js';
import { loadScenarioFile } from '../../../src/sources/simulator/scenario.js';
import { createScenarioSimulator } from '../../../src/sources/simulator/scripted-simulator.js';
import { createTestDatabase, type TestDatabase } from '../helpers/clickhouse.js';
import { createTestKafka, createTestTopic } from '../helpers/kafka.js';
import { runAppOverTopic } from '../helpers/app-over-topic.js';
import { uniqueName } from '../helpers/names.js';
import { kafkaBrokers } from '../helpers/services.js';

const SECRET = 'at-risk-integration-secret';
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => {});
});

async function runOnce(eventsTopic: string, workOrderTopic: string, db: TestDatabase, expected: number) {
  const config = structuredClone(DEFAULT_CONFIG);
  config.clickhouse.pseudonymSecret = SECRET;
  return runAppOverTopic<WorkOrder>({
    config,
    secret: SECRET,
    pipelineFile: 'pipelines/at-risk.yaml',
    eventsTopic,
    db,
    expected,
    publisherClientId: 'work-orders',
    sinks: (publisher) => ({
      workOrderSinks: [
        createKafkaWorkOrderPublisher(publisher, { topic: workOrderTopic, closePublisher: true }),
      ],
    }),
    output: (app) => app.workOrders$,
  });
}

async function readTopic(topic: string, atLeast: number): Promise<Array<{ key: string; order: WorkOrder }>> {
  const kafka = createTestKafka();
  const consumer = kafka.consumer({ groupId: uniqueName('reader') });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const got: Array<{ key: string; order: WorkOrder }> = [];
  await consumer.run({
    eachMessage: async ({ message }) => {
      got.push({ key: message.key!.toString(), order: JSON.parse(message.value!.toString()) as WorkOrder });
    },
  });
  for (let i = 0; i < 200 && got.length < atLeast; i++) await new Promise((r) => setTimeout(r, 100));
  // A moment more, so a duplicate would have arrived too.
  await new Promise((r) => setTimeout(r, 1000));
  await consumer.disconnect();
  return got;
}

describe('at-risk work orders: simulator → Kafka → app → Kafka and ClickHouse', () => {
  it('raises one work order for the VIP with three bad contacts, stored once across a replay', async () => {
    const startTs = Math.floor((Date.now() - 4 * 3_600_000) / 60_000) * 60_000;
    const scenario = await loadScenarioFile('scenarios/vip-bad-day.yaml');
    const simulator = createScenarioSimulator({ seed: 3, startTs, rate: 2, seasonality: false, scenario });
    const events: CxEvent[] = simulator.nextBatch(startTs + 3.5 * 3_600_000);
    const kafka = createTestKafka();
    const eventsTopic = await createTestTopic(kafka, { numPartitions: 1, prefix: 'events' });
    const workOrderTopic = await createTestTopic(kafka, { numPartitions: 1, prefix: 'workorders' });
    const publisher = await createKafkaPublisher({ brokers: kafkaBrokers(), clientId: 'sim' });
    cleanups.push(() => publisher.close());
    await publisher.publish(
      eventsTopic,
      events.map((e) => ({ key: partitionKey(e), value: JSON.stringify(e) })),
    );
    const db = await createTestDatabase();
    cleanups.push(() => db.drop());
    const vip = createPseudonymiser(SECRET)('cu-scripted-vip');

    const first = await runOnce(eventsTopic, workOrderTopic, db, events.length);
    const mine = first.filter((w) => w.customer === vip);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ cause: 'abandons', segment: 'vip', ownerTeam: 'vip-care', threshold: 3 });
    expect(mine[0]!.evidence).toEqual({
      abandons: 3,
      failedTouchpoints: 0,
      negativeAnswers: 0,
      longWaits: 3,
      repeatContacts: 2,
    });

    await runOnce(eventsTopic, workOrderTopic, db, events.length);
    const onTopic = await readTopic(workOrderTopic, 2 * first.length);
    const vipMessages = onTopic.filter((m) => m.order.customer === vip);
    // Once per run, both times under the same key: a consumer or a compacted topic keeps one.
    expect(vipMessages.map((m) => m.key)).toEqual([mine[0]!.id, mine[0]!.id]);
    expect(vipMessages[0]!.order).toEqual(mine[0]);
    expect(JSON.stringify(onTopic)).not.toContain('cu-scripted-vip');

    const rows = await db.client.query({
      query: `SELECT id, customer_pseudonym, segment, cause, causes, threshold, abandons, long_waits,
                     repeat_contacts, touchpoint, owner_team, toString(ts_ms) AS ts_ms
              FROM work_orders FINAL WHERE customer_pseudonym = '${vip}'`,
      format: 'JSONEachRow',
    });
    expect(await rows.json()).toEqual([
      {
        id: mine[0]!.id,
        customer_pseudonym: vip,
        segment: 'vip',
        cause: 'abandons',
        causes: ['abandons', 'longWaits'],
        threshold: 3,
        abandons: 3,
        long_waits: 3,
        repeat_contacts: 2,
        touchpoint: 'vip/voice',
        owner_team: 'vip-care',
        ts_ms: String(mine[0]!.ts),
      },
    ]);
    const all = await db.client.query({
      query: 'SELECT count() AS n FROM work_orders FINAL',
      format: 'JSONEachRow',
    });
    expect(Number(((await all.json()) as [{ n: string }])[0].n)).toBe(new Set(first.map((w) => w.id)).size);
  });
});
