/** Proactive notifications to Kafka: JSON keyed by id, pipeline and series in headers, through the publisher port. */
import { describe, expect, it } from 'vitest';
import type { MessagePublisher, OutgoingMessage } from '../../../../src/sinks/kafka/kafka-publisher.js';
import {
  createKafkaNotificationPublisher,
  NOTIFICATIONS_TOPIC,
} from '../../../../src/sinks/kafka/notification-publisher.js';
import { notification } from '../../analytics/proactive/fixtures.js';

describe('createKafkaNotificationPublisher', () => {
  it('publishes each notification as JSON under its id, to cx.notifications unless told otherwise', async () => {
    const sent: Array<{ topic: string; messages: OutgoingMessage[] }> = [];
    let closed = 0;
    const port: MessagePublisher = {
      publish: async (topic, messages) => void sent.push({ topic, messages }),
      close: async () => void closed++,
    };
    const sink = createKafkaNotificationPublisher(port);
    await sink.publish([notification(1), notification(2, { series: 'credit' })]);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.topic).toBe(NOTIFICATIONS_TOPIC);
    expect(sent[0]!.messages.map((m) => m.key)).toEqual(['pn-1', 'pn-2']);
    expect(JSON.parse(sent[0]!.messages[0]!.value as string)).toEqual(notification(1));
    expect(sent[0]!.messages[1]!.headers).toEqual({
      'cxpulse-pipeline': 'proactive-care',
      'cxpulse-series': 'credit',
    });
    await sink.close();
    expect(closed).toBe(0);
    const owning = createKafkaNotificationPublisher(port, {
      topic: 'my.notifications',
      closePublisher: true,
    });
    await owning.publish([notification(3)]);
    expect(sent[1]!.topic).toBe('my.notifications');
    await owning.close();
    expect(closed).toBe(1);
  });
});
