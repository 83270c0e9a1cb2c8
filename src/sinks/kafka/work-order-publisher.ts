/**
 * Work orders to a Kafka topic (default `cx.workorders`, `kafka.topics.workOrders`), as JSON keyed by
 * the work order's id: a consumer (a ticketing bridge) deduplicates by the key, and a compacted topic
 * keeps one message per work order even when a replay raises it again. Owner and cause ride in
 * headers so a team's consumer can filter without parsing. Goes through the MessagePublisher port.
 */
import type { WorkOrder, WorkOrderSink } from '../../analytics/at-risk/work-order.js';
import type { MessagePublisher } from './kafka-publisher.js';

export const WORK_ORDERS_TOPIC = 'cx.workorders';

export function createKafkaWorkOrderPublisher(
  publisher: MessagePublisher,
  options: { topic?: string; closePublisher?: boolean } = {},
): WorkOrderSink {
  const topic = options.topic ?? WORK_ORDERS_TOPIC;
  return {
    name: 'kafka',
    async publish(workOrders: readonly WorkOrder[]) {
      await publisher.publish(
        topic,
        workOrders.map((w) => ({
          key: w.id,
          value: JSON.stringify(w),
          headers: { 'cxpulse-owner-team': w.ownerTeam, 'cxpulse-cause': w.cause },
        })),
      );
    },
    async close() {
      if (options.closePublisher) await publisher.close();
    },
  };
}
