/**
 * Sends dead letters to the `cx.deadletter` topic. A dead letter is data we promised not to lose, so
 * a failed publish is retried with the shared policy until it succeeds or the sink is closed; the
 * source batch stays unacknowledged meanwhile, its offsets uncommitted, and the source pauses
 * fetching once enough batches wait: back-pressure instead of loss.
 */
import { toDeadLetterMessage, type DeadLetter } from '../../events/dead-letter.js';
import { withRetry, type RetryPolicy, DEFAULT_RETRY_POLICY } from '../../errors/retry-policy.js';
import { publish as instrument } from '../../observability/instrumentation.js';
import type { MessagePublisher } from './kafka-publisher.js';

export interface DeadLetterSink {
  publish(deadLetters: DeadLetter[]): Promise<void>;
  close(): Promise<void>;
}

export function createKafkaDeadLetterSink(
  publisher: MessagePublisher,
  options: { topic: string; retryPolicy?: RetryPolicy },
): DeadLetterSink {
  const closing = new AbortController();
  const policy = { ...(options.retryPolicy ?? DEFAULT_RETRY_POLICY), maxRetries: Infinity };
  return {
    async publish(deadLetters) {
      if (deadLetters.length === 0) return;
      const messages = deadLetters.map((d) => {
        const m = toDeadLetterMessage(d);
        // Same partition key as the original message's position, so one bad partition stays together.
        return { key: `${d.source.topic}:${d.source.partition}`, value: m.value, headers: m.headers };
      });
      await withRetry(() => publisher.publish(options.topic, messages), {
        policy,
        signal: closing.signal,
        onRetry: (error) => instrument('sink.kafka.dead_letter_failed', { error, messages: messages.length }),
      });
    },
    async close() {
      closing.abort();
    },
  };
}

/** For the embedded demo and tests without Kafka: keeps dead letters in a bounded ring and hands them to a logger. */
export function createMemoryDeadLetterSink(
  options: { capacity?: number; onDeadLetter?: (d: DeadLetter) => void } = {},
): DeadLetterSink & { recent(): DeadLetter[] } {
  const capacity = options.capacity ?? 1000;
  const ring: DeadLetter[] = [];
  return {
    async publish(deadLetters) {
      for (const d of deadLetters) {
        options.onDeadLetter?.(d);
        ring.push(d);
        if (ring.length > capacity) ring.shift();
      }
    },
    async close() {},
    recent: () => [...ring],
  };
}

/** Sends every dead letter to all sinks (the Kafka topic and the ClickHouse table); done when all are. */
export function fanOutDeadLetters(...sinks: DeadLetterSink[]): DeadLetterSink {
  return {
    async publish(deadLetters) {
      await Promise.all(sinks.map((s) => s.publish(deadLetters)));
    },
    async close() {
      await Promise.all(sinks.map((s) => s.close()));
    },
  };
}
