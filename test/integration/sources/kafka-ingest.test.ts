/**
 * The Kafka source and the ingest stage against the real broker: valid events arrive in order per
 * partition, every malformed message lands in the dead-letter topic with the right reason and its
 * position, nothing is lost, and offsets are committed only for acknowledged batches.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { firstValueFrom, filter as rxFilter, take, toArray, type Subscription } from 'rxjs';
import type { Consumer } from 'kafkajs';
import { createKafkaSource } from '../../../src/sources/kafka/kafka-source.js';
import { createKafkaPublisher, type MessagePublisher } from '../../../src/sinks/kafka/kafka-publisher.js';
import { createKafkaDeadLetterSink } from '../../../src/sinks/kafka/dead-letter-sink.js';
import { ingest, type IngestedBatch } from '../../../src/sources/ingest.js';
import type { EventSource } from '../../../src/sources/source-port.js';
import { DEAD_LETTER_HEADERS, type DeadLetterValue } from '../../../src/events/dead-letter.js';
import { createTestKafka, createTestTopic } from '../helpers/kafka.js';
import { kafkaBrokers } from '../helpers/services.js';
import { uniqueName } from '../helpers/names.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => {});
});

function contactEvent(i: number, queue: string) {
  return {
    id: `e${i}`,
    type: 'contact.queued',
    ts: Date.now() - 1000,
    channel: 'voice',
    queue,
    contactId: `c${i}`,
  };
}

async function readAll(consumer: Consumer, topic: string, count: number) {
  const seen: Array<{ value: DeadLetterValue; headers: Record<string, string> }> = [];
  await consumer.subscribe({ topic, fromBeginning: true });
  const done = new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ message }) => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
        seen.push({ value: JSON.parse(message.value!.toString()) as DeadLetterValue, headers });
        if (seen.length >= count) resolve();
      },
    });
  });
  await done;
  return seen;
}

describe('Kafka source → ingest → dead letters', () => {
  it('delivers valid events in order per partition and dead-letters every malformed message with its reason', async () => {
    const kafka = createTestKafka();
    const topic = await createTestTopic(kafka, { numPartitions: 3, prefix: 'events' });
    const deadLetterTopic = await createTestTopic(kafka, { prefix: 'deadletter' });
    const publisher: MessagePublisher = await createKafkaPublisher({
      brokers: kafkaBrokers(),
      clientId: 'test-producer',
    });
    cleanups.push(() => publisher.close());

    const queues = ['billing', 'sales', 'support'];
    const valid = Array.from({ length: 300 }, (_, i) => contactEvent(i, queues[i % 3]!));
    const malformed: Array<{ bytes: string; reason: string }> = [
      { bytes: '{"id":', reason: 'invalid-json' },
      {
        bytes: JSON.stringify({ id: 'u1', type: 'contact.teleported', ts: Date.now() }),
        reason: 'unknown-type',
      },
      {
        bytes: JSON.stringify({ ...contactEvent(9001, 'billing'), channel: 'pigeon' }),
        reason: 'schema-violation',
      },
      {
        bytes: JSON.stringify({ ...contactEvent(9002, 'billing'), ts: Date.now() - 30 * 86_400_000 }),
        reason: 'timestamp-out-of-range',
      },
      {
        bytes: JSON.stringify({ ...contactEvent(9003, 'billing'), pad: 'x'.repeat(70_000) }),
        reason: 'oversized',
      },
    ];
    // Interleave the bad ones among the good ones, keyed by queue so each queue stays in one partition.
    const messages = valid.map((e) => ({ key: e.queue, value: JSON.stringify(e) }));
    malformed.forEach((m, i) => messages.splice(i * 50 + 7, 0, { key: queues[i % 3]!, value: m.bytes }));
    await publisher.publish(topic, messages);

    const source: EventSource = createKafkaSource({
      brokers: kafkaBrokers(),
      clientId: 'test-source',
      groupId: uniqueName('group'),
      topics: [topic],
      maxInFlightBatches: 2,
      fromBeginning: true,
    });
    cleanups.push(() => source.stop());
    const deadLetters = createKafkaDeadLetterSink(publisher, { topic: deadLetterTopic });

    const received: string[] = [];
    const collected = firstValueFrom(
      source.batches$.pipe(
        ingest({ sourceName: 'kafka', limits: {}, deadLetters }),
        rxFilter((b: IngestedBatch) => {
          for (const e of b.events) received.push(e.id);
          b.ack();
          return received.length >= valid.length;
        }),
        take(1),
      ),
    );
    await source.start();
    await collected;

    expect(received.length).toBe(valid.length);
    expect(new Set(received)).toEqual(new Set(valid.map((e) => e.id)));
    // Order per partition: the queue is the key, so each queue's events keep their produced order.
    for (const queue of queues) {
      const produced = valid.filter((e) => e.queue === queue).map((e) => e.id);
      const got = received.filter((id) => produced.includes(id));
      expect(got).toEqual(produced);
    }

    const reader = kafka.consumer({ groupId: uniqueName('dl-reader') });
    await reader.connect();
    cleanups.push(() => reader.disconnect());
    const letters = await readAll(reader, deadLetterTopic, malformed.length);
    expect(letters.map((l) => l.value.reason).sort()).toEqual(malformed.map((m) => m.reason).sort());
    for (const letter of letters) {
      expect(letter.headers[DEAD_LETTER_HEADERS.reason]).toBe(letter.value.reason);
      expect(letter.value.source.topic).toBe(topic);
      expect(Number(letter.value.source.offset)).toBeGreaterThanOrEqual(0);
      const original = malformed.find((m) => m.reason === letter.value.reason)!;
      expect(letter.value.originalSize).toBe(Buffer.byteLength(original.bytes));
      if (!letter.value.originalTruncated) {
        expect(Buffer.from(letter.value.originalBase64, 'base64').toString()).toBe(original.bytes);
      }
    }
    // Nothing lost: count in = count out + dead letters.
    expect(received.length + letters.length).toBe(messages.length);
  });

  it('commits offsets only for acknowledged batches, so a restart re-reads what was not handled', async () => {
    const kafka = createTestKafka();
    const topic = await createTestTopic(kafka, { numPartitions: 1, prefix: 'events' });
    const publisher = await createKafkaPublisher({ brokers: kafkaBrokers(), clientId: 'test-producer' });
    cleanups.push(() => publisher.close());
    const groupId = uniqueName('group');
    await publisher.publish(
      topic,
      Array.from({ length: 20 }, (_, i) => ({ key: 'k', value: JSON.stringify(contactEvent(i, 'billing')) })),
    );

    // First consumer: sees the batch, never acknowledges it, stops.
    const first = createKafkaSource({
      brokers: kafkaBrokers(),
      clientId: 'a',
      groupId,
      topics: [topic],
      maxInFlightBatches: 4,
      fromBeginning: true,
    });
    const firstBatch = firstValueFrom(first.batches$);
    await first.start();
    const unhandled = await firstBatch;
    expect(unhandled.messages.length).toBeGreaterThan(0);
    await first.stop();

    const admin = kafka.admin();
    await admin.connect();
    cleanups.push(() => admin.disconnect());
    const afterFirst = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(afterFirst[0]!.partitions[0]!.offset).toBe('-1');

    // Second consumer in the same group: gets the same messages again, acknowledges them, and the commit lands.
    const second = createKafkaSource({
      brokers: kafkaBrokers(),
      clientId: 'b',
      groupId,
      topics: [topic],
      maxInFlightBatches: 4,
      // Applies only while the group has no commit: exactly the case after the first consumer.
      fromBeginning: true,
    });
    const ids: string[] = [];
    let sub: Subscription | undefined;
    const all = new Promise<void>((resolve) => {
      sub = second.batches$.subscribe((b) => {
        for (const m of b.messages) ids.push((JSON.parse(m.value!.toString()) as { id: string }).id);
        b.ack();
        if (ids.length >= 20) resolve();
      });
    });
    cleanups.push(async () => sub?.unsubscribe());
    await second.start();
    await all;
    expect(ids).toEqual(Array.from({ length: 20 }, (_, i) => `e${i}`));
    await second.stop();
    const afterSecond = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(afterSecond[0]!.partitions[0]!.offset).toBe('20');
  });

  it('pauses fetching while downstream holds maxInFlightBatches unacknowledged batches', async () => {
    const kafka = createTestKafka();
    const topic = await createTestTopic(kafka, { numPartitions: 3, prefix: 'events' });
    const publisher = await createKafkaPublisher({ brokers: kafkaBrokers(), clientId: 'test-producer' });
    cleanups.push(() => publisher.close());
    for (const key of ['a', 'b', 'c']) {
      await publisher.publish(
        topic,
        Array.from({ length: 50 }, (_, i) => ({ key, value: JSON.stringify(contactEvent(i, key)) })),
      );
    }
    const source = createKafkaSource({
      brokers: kafkaBrokers(),
      clientId: 'p',
      groupId: uniqueName('group'),
      topics: [topic],
      maxInFlightBatches: 1,
      fromBeginning: true,
      maxBytesPerPartition: 2048,
    });
    cleanups.push(() => source.stop());
    const held = firstValueFrom(source.batches$.pipe(take(1), toArray()));
    const seen: number[] = [];
    source.batches$.subscribe(() => seen.push(source.inFlight()));
    await source.start();
    const [batch] = await held;
    // While the one batch is held, no further batch is handed over.
    await new Promise((r) => setTimeout(r, 1500));
    expect(seen.length).toBe(1);
    batch!.ack();
    await new Promise((r) => setTimeout(r, 3000));
    expect(seen.length).toBeGreaterThan(1);
    expect(Math.max(...seen)).toBeLessThanOrEqual(2);
  });

  it('keeps the partitions abreast under back-pressure, so none starves behind the others', async () => {
    const kafka = createTestKafka();
    const topic = await createTestTopic(kafka, { numPartitions: 3, prefix: 'events' });
    const producer = kafka.producer();
    await producer.connect();
    cleanups.push(() => producer.disconnect());
    // Many small sends: the broker returns whole record batches, so each fetch carries a few of them.
    for (let chunk = 0; chunk < 100; chunk++) {
      await producer.send({
        topic,
        messages: Array.from({ length: 12 }, (_, i) => ({
          partition: i % 3,
          value: JSON.stringify(contactEvent(chunk * 12 + i, 'q')),
        })),
      });
    }
    const source = createKafkaSource({
      brokers: kafkaBrokers(),
      clientId: 'fair',
      groupId: uniqueName('group'),
      topics: [topic],
      maxInFlightBatches: 1,
      fromBeginning: true,
      maxBytesPerPartition: 2048,
    });
    cleanups.push(() => source.stop());
    const delivered = new Map<number, number>();
    let widestGap = 0;
    let total = 0;
    const subscription = source.batches$.subscribe((batch) => {
      delivered.set(batch.partition, (delivered.get(batch.partition) ?? 0) + batch.messages.length);
      total += batch.messages.length;
      // Only once every partition has started does a gap mean starvation.
      if (delivered.size === 3 && total < 1000) {
        const counts = [...delivered.values()];
        widestGap = Math.max(widestGap, Math.max(...counts) - Math.min(...counts));
      }
      setTimeout(() => batch.ack(), 1);
    });
    cleanups.push(async () => subscription.unsubscribe());
    await source.start();
    for (let i = 0; i < 300 && total < 1200; i++) await new Promise((r) => setTimeout(r, 50));
    expect(total).toBe(1200);
    expect(delivered.size).toBe(3);
    // One fetch serves every partition about 2 KiB (~12 messages); abreast means a few fetches apart at most.
    expect(widestGap).toBeLessThan(100);
  });
});
