/**
 * kafkajs 2.2.4 against the broker the integration services run (Kafka 4.x, which removed old
 * protocol versions, KIP-896): the calls the project depends on, end to end.
 */
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestKafka, createTestTopic } from '../helpers/kafka.js';
import { uniqueName } from '../helpers/names.js';
import { kafkaIsManaged } from '../helpers/services.js';

interface Received {
  partition: number;
  offset: string;
  key: string;
  value: string;
}

/**
 * Runs a consumer until `count` messages arrived through eachBatch, committing after each batch
 * explicitly (autoCommit off), the way a sink commits only what it has written.
 */
async function consumeAndCommit(consumer: Consumer, topic: string, count: number): Promise<Received[]> {
  const received: Received[] = [];
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch, resolveOffset, heartbeat }: EachBatchPayload) => {
          for (const message of batch.messages) {
            received.push(toReceived(batch.partition, message));
            resolveOffset(message.offset);
          }
          const last = batch.messages.at(-1);
          if (last !== undefined) {
            // The committed offset is the next one to read, hence + 1.
            await consumer.commitOffsets([
              {
                topic: batch.topic,
                partition: batch.partition,
                offset: (BigInt(last.offset) + 1n).toString(),
              },
            ]);
          }
          await heartbeat();
          if (received.length >= count) resolve();
        },
      })
      .catch(reject);
  });
  return received;
}

function toReceived(partition: number, message: KafkaMessage): Received {
  return {
    partition,
    offset: message.offset,
    key: message.key?.toString() ?? '',
    value: message.value?.toString() ?? '',
  };
}

describe('kafkajs against the integration broker', () => {
  const opened: Array<{ disconnect: () => Promise<void> }> = [];
  let kafka: Kafka;

  afterEach(async () => {
    for (const client of opened.splice(0).reverse()) await client.disconnect();
  });

  function track<T extends { disconnect: () => Promise<void> }>(client: T): T {
    opened.push(client);
    return client;
  }

  it('creates a topic with the partitions asked for', async () => {
    kafka = createTestKafka();
    const topic = await createTestTopic(kafka, { numPartitions: 3 });
    const admin = track(kafka.admin());
    await admin.connect();

    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });

    expect(metadata.topics).toHaveLength(1);
    expect(metadata.topics[0]?.partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2]);
  });

  it('has the project topics on the broker the services script manages', async ({ skip }) => {
    if (!kafkaIsManaged())
      skip('KAFKA_BROKERS points at an outside broker; its topics are not ours to check');
    kafka = createTestKafka();
    const admin = track(kafka.admin());
    await admin.connect();

    const metadata = await admin.fetchTopicMetadata({
      topics: [
        'cx.events',
        'cx.deadletter',
        'cx.alerts',
        'cx.workorders',
        'cx.notifications',
        'cx.indicators',
      ],
    });

    const partitions = Object.fromEntries(metadata.topics.map((t) => [t.name, t.partitions.length]));
    expect(partitions['cx.events']).toBe(3);
    expect(Object.keys(partitions).sort()).toEqual([
      'cx.alerts',
      'cx.deadletter',
      'cx.events',
      'cx.indicators',
      'cx.notifications',
      'cx.workorders',
    ]);
  });

  it('produces keyed messages, consumes them in a group with eachBatch, and a second member resumes after the committed offsets', async () => {
    kafka = createTestKafka();
    const topic = await createTestTopic(kafka, { numPartitions: 3 });
    const groupId = uniqueName('group');
    const producer = track(kafka.producer());
    await producer.connect();

    const keys = ['queue-a', 'queue-b', 'queue-c', 'queue-d'];
    const firstRound = keys.flatMap((key) => [1, 2].map((n) => ({ key, value: `${key}#${n}` })));
    await producer.send({ topic, messages: firstRound });

    const first = track(kafka.consumer({ groupId }));
    await first.connect();
    const firstReceived = await consumeAndCommit(first, topic, firstRound.length);
    await first.disconnect();

    expect(firstReceived.map((m) => m.value).sort()).toEqual(firstRound.map((m) => m.value).sort());
    // Same key, same partition, in the order sent: what per-queue ordering rests on.
    for (const key of keys) {
      const ofKey = firstReceived.filter((m) => m.key === key);
      expect(new Set(ofKey.map((m) => m.partition)).size).toBe(1);
      expect(ofKey.map((m) => m.value)).toEqual([`${key}#1`, `${key}#2`]);
    }

    const admin = track(kafka.admin());
    await admin.connect();
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const committedTotal = (committed?.partitions ?? []).reduce(
      (sum, p) => sum + Math.max(0, Number(p.offset)),
      0,
    );
    expect(committedTotal).toBe(firstRound.length);

    const secondRound = keys.map((key) => ({ key, value: `${key}#3` }));
    await producer.send({ topic, messages: secondRound });

    // fromBeginning only applies without a committed offset: the group's commits must win. Had the
    // second member started over, each partition would hand it the old messages first.
    const second = track(kafka.consumer({ groupId }));
    await second.connect();
    const secondReceived = await consumeAndCommit(second, topic, secondRound.length);

    expect(secondReceived.map((m) => m.value).sort()).toEqual(secondRound.map((m) => m.value).sort());
    for (const message of secondReceived) {
      const before = firstReceived.find((m) => m.key === message.key);
      expect(message.partition).toBe(before?.partition);
    }
  });
});
