/**
 * Insights to a Kafka topic (default `cx.insights`, `kafka.topics.insights`), as JSON keyed by the
 * insight's id: a replay raises the same id, so a consumer deduplicates by the key and a compacted
 * topic keeps one message per insight. Kind, state and key ride in headers so a consumer (a
 * routing bot, a WFM tool) can pick what it wants without parsing. Goes through the MessagePublisher port.
 */
import type { Insight, InsightSink } from '../../analytics/insights/insight.js';
import type { MessagePublisher } from './kafka-publisher.js';

export const INSIGHTS_TOPIC = 'cx.insights';

export function createKafkaInsightPublisher(
  publisher: MessagePublisher,
  options: { topic?: string; closePublisher?: boolean } = {},
): InsightSink {
  const topic = options.topic ?? INSIGHTS_TOPIC;
  return {
    name: 'kafka',
    async publish(insights: readonly Insight[]) {
      await publisher.publish(
        topic,
        insights.map((i) => ({
          key: i.id,
          value: JSON.stringify(i),
          headers: { 'cxpulse-kind': i.kind, 'cxpulse-state': i.state, 'cxpulse-key': i.key },
        })),
      );
    },
    async close() {
      if (options.closePublisher) await publisher.close();
    },
  };
}
