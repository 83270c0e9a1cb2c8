import { describe, expect, it } from 'vitest';
import {
  DEAD_LETTER_HEADERS,
  DEAD_LETTER_REASONS,
  isDeadLetterReason,
  toDeadLetterMessage,
  type DeadLetter,
  type DeadLetterValue,
} from '../../../src/events/dead-letter.js';

const deadLetter = (originalBytes: Buffer): DeadLetter => ({
  reason: 'schema-violation',
  detail: '/csat must be <= 5',
  originalBytes,
  source: { topic: 'cx.events', partition: 2, offset: '12345678901234' },
  ts: 1_736_942_400_000,
});

describe('dead-letter reasons', () => {
  it('lists the decoder reasons and the two reserved for the window engine', () => {
    expect(DEAD_LETTER_REASONS).toEqual([
      'oversized',
      'invalid-json',
      'unknown-type',
      'schema-violation',
      'timestamp-out-of-range',
      'too-late',
      'cardinality',
    ]);
    expect(isDeadLetterReason('too-late')).toBe(true);
    expect(isDeadLetterReason('late')).toBe(false);
    expect(isDeadLetterReason(3)).toBe(false);
  });
});

describe('toDeadLetterMessage', () => {
  it('carries reason, detail, source and the original bytes in base64, with headers', () => {
    const original = Buffer.from([0x7b, 0x22, 0xff, 0x00, 0x7d]); // not even UTF-8: bytes must survive
    const message = toDeadLetterMessage(deadLetter(original));
    const value = JSON.parse(message.value) as DeadLetterValue;
    expect(value).toEqual({
      v: 1,
      reason: 'schema-violation',
      detail: '/csat must be <= 5',
      source: { topic: 'cx.events', partition: 2, offset: '12345678901234' },
      ts: 1_736_942_400_000,
      originalBase64: original.toString('base64'),
      originalSize: 5,
      originalTruncated: false,
    });
    expect(Buffer.from(value.originalBase64, 'base64').equals(original)).toBe(true);
    expect(message.headers).toEqual({
      [DEAD_LETTER_HEADERS.reason]: 'schema-violation',
      [DEAD_LETTER_HEADERS.sourceTopic]: 'cx.events',
      [DEAD_LETTER_HEADERS.sourcePartition]: '2',
      [DEAD_LETTER_HEADERS.sourceOffset]: '12345678901234',
    });
    expect(message.timestamp).toBe('1736942400000');
  });

  it('truncates the copied original beyond the limit and says so', () => {
    const original = Buffer.alloc(1000, 'a');
    const value = JSON.parse(
      toDeadLetterMessage(deadLetter(original), { maxOriginalBytes: 100 }).value,
    ) as DeadLetterValue;
    expect(Buffer.from(value.originalBase64, 'base64').length).toBe(100);
    expect(value.originalSize).toBe(1000);
    expect(value.originalTruncated).toBe(true);
  });
});
