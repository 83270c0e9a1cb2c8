/**
 * Proactive notifications to a Kafka topic (default `cx.notifications`,
 * `kafka.topics.notifications`), as JSON keyed by the notification's id: the outbound channel (SMS,
 * app push, a care agent's queue) deduplicates by the key, and a compacted topic keeps one message
 * per notification even when a replay raises it again. Series and pipeline ride in headers so a
 * consumer can route without parsing. Goes through the MessagePublisher port.
 */
import type {
  ProactiveNotification,
  ProactiveNotificationSink,
} from '../../analytics/proactive/proactive-notification.js';
import type { MessagePublisher } from './kafka-publisher.js';

export const NOTIFICATIONS_TOPIC = 'cx.notifications';

export function createKafkaNotificationPublisher(
  publisher: MessagePublisher,
  options: { topic?: string; closePublisher?: boolean } = {},
): ProactiveNotificationSink {
  const topic = options.topic ?? NOTIFICATIONS_TOPIC;
  return {
    name: 'kafka',
    async publish(notifications: readonly ProactiveNotification[]) {
      await publisher.publish(
        topic,
        notifications.map((n) => ({
          key: n.id,
          value: JSON.stringify(n),
          headers: { 'cxpulse-pipeline': n.pipeline, 'cxpulse-series': n.series },
        })),
      );
    },
    async close() {
      if (options.closePublisher) await publisher.close();
    },
  };
}
