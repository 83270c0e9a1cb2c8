/** Insights to Kafka: JSON keyed by id, kind, state and key in headers, through the publisher port. */
import { describe, expect, it } from 'vitest';
import type { MessagePublisher, OutgoingMessage } from '../../../../src/sinks/kafka/kafka-publisher.js';
import {
  createKafkaInsightPublisher,
  INSIGHTS_TOPIC,
} from '../../../../src/sinks/kafka/insight-publisher.js';
import { diversion, driverReport } from '../../analytics/insights/fixtures.js';

describe('createKafkaInsightPublisher', () => {
  it('publishes each insight as JSON under its id, to cx.insights unless told otherwise', async () => {
    const sent: Array<{ topic: string; messages: OutgoingMessage[] }> = [];
    let closed = 0;
    const port: MessagePublisher = {
      publish: async (topic, messages) => void sent.push({ topic, messages }),
      close: async () => void closed++,
    };
    const sink = createKafkaInsightPublisher(port);
    await sink.publish([diversion(), driverReport()]);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.topic).toBe(INSIGHTS_TOPIC);
    expect(sent[0]!.messages.map((m) => m.key)).toEqual(['in-diversion-1', 'in-drivers-1']);
    expect(JSON.parse(sent[0]!.messages[0]!.value as string)).toEqual(diversion());
    expect(sent[0]!.messages[1]!.headers).toEqual({
      'cxpulse-kind': 'driver-analysis',
      'cxpulse-state': 'report',
      'cxpulse-key': 'csat',
    });
    await sink.close();
    expect(closed).toBe(0);
    const owning = createKafkaInsightPublisher(port, { topic: 'my.insights', closePublisher: true });
    await owning.publish([diversion()]);
    expect(sent[1]!.topic).toBe('my.insights');
    await owning.close();
    expect(closed).toBe(1);
  });
});
