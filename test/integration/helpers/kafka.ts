/** Kafka clients for integration tests, pointed at the test run's broker. */
import kafkajs, { type Kafka as KafkaClient } from 'kafkajs';
import { kafkaBrokers } from './services.js';
import { uniqueName } from './names.js';

const { Kafka, logLevel } = kafkajs;

/** A kafkajs client that only logs errors, so expected retries do not flood the test output. */
export function createTestKafka(clientId = 'cxpulse-test'): KafkaClient {
  return new Kafka({ clientId, brokers: kafkaBrokers(), logLevel: logLevel.ERROR });
}

/** Creates a topic with a unique name for the current test and waits until it has leaders. */
export async function createTestTopic(
  kafka: KafkaClient,
  options: { numPartitions?: number; prefix?: string } = {},
): Promise<string> {
  const topic = uniqueName(options.prefix ?? 'topic');
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [{ topic, numPartitions: options.numPartitions ?? 1, replicationFactor: 1 }],
      waitForLeaders: true,
    });
  } finally {
    await admin.disconnect();
  }
  return topic;
}
