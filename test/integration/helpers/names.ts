/**
 * Unique Kafka topic, consumer group and ClickHouse database names, so tests never see each
 * other's data, even across runs against a long-lived broker.
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';

/**
 * `<prefix>-<current test name>-<random>`, using only characters that are legal in a Kafka topic
 * name and a ClickHouse identifier ([a-zA-Z0-9_]), and short enough for both.
 */
export function uniqueName(prefix = 'test'): string {
  const testName = expect.getState().currentTestName ?? 'outside-test';
  const slug = testName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 60);
  return `${prefix}_${slug}_${randomBytes(5).toString('hex')}`;
}
