import { describe, expect, it } from 'vitest';
import type { Alert, AlertTransition } from '../../../../src/alerts/alert.js';
import { NotificationQueue } from '../../../../src/alerts/notifier.js';
import { createKafkaAlertPublisher } from '../../../../src/sinks/kafka/alert-publisher.js';
import { createKafkaPublisher } from '../../../../src/sinks/kafka/kafka-publisher.js';
import { createTestKafka, createTestTopic } from '../../helpers/kafka.js';
import { kafkaBrokers } from '../../helpers/services.js';
import { uniqueName } from '../../helpers/names.js';

function transition(key: string, change: AlertTransition['change'], to: Alert['status']): AlertTransition {
  const alert = {
    id: `${key}-1`,
    dedupKey: `cc/r|queue=${key}`,
    status: to,
    silenced: false,
  } as unknown as Alert;
  return { from: to === 'pending' ? 'inactive' : 'pending', to, change, alert, at: 1 };
}

describe('Kafka alert publisher against the real broker', () => {
  it('publishes every transition as JSON keyed by the dedup key, pending ones included', async () => {
    const kafka = createTestKafka();
    const topic = await createTestTopic(kafka, { prefix: 'alerts', numPartitions: 2 });
    const publisher = await createKafkaPublisher({
      brokers: kafkaBrokers(),
      clientId: 'alert-publisher-test',
    });
    const queue = new NotificationQueue(
      createKafkaAlertPublisher(publisher, { topic, closePublisher: true }),
    );
    const sent = [
      transition('billing', 'pending', 'pending'),
      transition('billing', 'firing', 'firing'),
      transition('sales', 'firing', 'firing'),
    ];
    queue.enqueue(sent);
    await queue.idle();
    expect(queue.stats).toMatchObject({ sent: 3, failed: 0 });

    const consumer = kafka.consumer({ groupId: uniqueName('group') });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received: Array<{ key: string; value: AlertTransition; partition: number; change: string }> = [];
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachMessage: async ({ message, partition }) => {
            received.push({
              key: message.key!.toString(),
              value: JSON.parse(message.value!.toString()) as AlertTransition,
              partition,
              change: message.headers!['cxpulse-change']!.toString(),
            });
            if (received.length === 3) resolve();
          },
        })
        .catch(reject);
    });
    await consumer.disconnect();
    await queue.close();

    const billing = received.filter((r) => r.key === 'cc/r|queue=billing');
    // One key, one partition, in order.
    expect(billing.map((r) => r.change)).toEqual(['pending', 'firing']);
    expect(new Set(billing.map((r) => r.partition)).size).toBe(1);
    expect(
      received
        .map((r) => r.value)
        .sort((a, b) => a.alert.dedupKey.localeCompare(b.alert.dedupKey) || a.change.localeCompare(b.change)),
    ).toEqual(
      [...sent].sort(
        (a, b) => a.alert.dedupKey.localeCompare(b.alert.dedupKey) || a.change.localeCompare(b.change),
      ),
    );
  });
});
