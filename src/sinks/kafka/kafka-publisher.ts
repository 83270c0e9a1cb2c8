/**
 * kafkajs producer behind our publisher port (dead letters, simulator output, later alerts and work
 * orders). Idempotent producer with acks from all in-sync replicas: a dead letter must not be lost.
 */
import { CompressionTypes, Kafka, logLevel, type Producer } from 'kafkajs';
import { CxPulseError } from '../../errors/codes.js';

export interface OutgoingMessage {
  key: string | Buffer | null;
  value: Buffer | string;
  headers?: Record<string, string | Buffer>;
}

export interface MessagePublisher {
  publish(topic: string, messages: OutgoingMessage[]): Promise<void>;
  close(): Promise<void>;
}

export interface KafkaPublisherOptions {
  brokers: string[];
  clientId: string;
  /** LZ4 and friends need extra codecs in kafkajs; gzip is built in. Default none: loopback is fast. */
  compression?: 'none' | 'gzip';
}

/**
 * Kafka refuses a request whose record batch exceeds the broker's message.max.bytes (1 MiB by
 * default), so large publishes go out in chunks of about half that.
 */
const MAX_REQUEST_BYTES = 512 * 1024;

export function chunkBySize(messages: OutgoingMessage[], maxBytes: number): OutgoingMessage[][] {
  const chunks: OutgoingMessage[][] = [];
  let current: OutgoingMessage[] = [];
  let bytes = 0;
  for (const m of messages) {
    const size = (typeof m.value === 'string' ? Buffer.byteLength(m.value) : m.value.length) + 64;
    if (current.length > 0 && bytes + size > maxBytes) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(m);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

export async function createKafkaPublisher(options: KafkaPublisherOptions): Promise<MessagePublisher> {
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    logLevel: logLevel.WARN,
    retry: { initialRetryTime: 300, retries: 8 },
  });
  const producer: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
  });
  try {
    await producer.connect();
  } catch (error) {
    throw new CxPulseError('CXP_ERR_SINK_KAFKA', `cannot connect the Kafka producer: ${String(error)}`, {
      cause: error,
    });
  }
  const compression = options.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;
  return {
    async publish(topic, messages) {
      if (messages.length === 0) return;
      try {
        for (const chunk of chunkBySize(messages, MAX_REQUEST_BYTES)) {
          await producer.send({ topic, messages: chunk, acks: -1, compression });
        }
      } catch (error) {
        throw new CxPulseError('CXP_ERR_SINK_KAFKA', `cannot publish to ${topic}: ${String(error)}`, {
          cause: error,
        });
      }
    },
    async close() {
      await producer.disconnect();
    },
  };
}
