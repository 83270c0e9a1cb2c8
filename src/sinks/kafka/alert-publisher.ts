/**
 * Every alert transition to a Kafka topic (default `cx.alerts`), as JSON keyed by the dedup key,
 * so all transitions of one rule and key land on one partition, in order, and a compacted topic
 * keeps each alert's latest state. Goes through the MessagePublisher port, not kafkajs.
 */
import type { AlertTransition } from '../../alerts/alert.js';
import type { AlertNotifier } from '../../alerts/notifier.js';
import type { MessagePublisher } from './kafka-publisher.js';

export const ALERTS_TOPIC = 'cx.alerts';

export function createKafkaAlertPublisher(
  publisher: MessagePublisher,
  options: { topic?: string; closePublisher?: boolean } = {},
): AlertNotifier {
  const topic = options.topic ?? ALERTS_TOPIC;
  return {
    name: 'kafka',
    accepts: 'all',
    async send(transitions: readonly AlertTransition[]) {
      await publisher.publish(
        topic,
        transitions.map((t) => ({
          key: t.alert.dedupKey,
          value: JSON.stringify(t),
          headers: { 'cxpulse-change': t.change },
        })),
      );
    },
    async close() {
      if (options.closePublisher) await publisher.close();
    },
  };
}
