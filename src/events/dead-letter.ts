/**
 * Why an input did not become an event, and the message that carries it to the dead-letter topic.
 *
 * The reasons are a closed list so that metrics labels, headers and dashboards stay bounded.
 * The Kafka sending is the source's job; this file only shapes the message value and headers.
 */

export const DEAD_LETTER_REASONS = [
  /** Payload larger than the configured limit; checked on the byte length before parsing. */
  'oversized',
  /** Not valid UTF-8 JSON (or an empty / tombstone message). */
  'invalid-json',
  /** A JSON object whose `type` is a string but not a known event type. */
  'unknown-type',
  /** Fails the wire schema: a missing field, a wrong type, a value out of range, a bad ts string. */
  'schema-violation',
  /** Event time too far in the past or the future relative to the decoder's `now`. */
  'timestamp-out-of-range',
  /** Reserved for the window engine: the event arrived after its window closed (beyond allowed lateness). */
  'too-late',
  /** Reserved for the window engine: a dimension exceeded its cardinality limit. */
  'cardinality',
] as const;
export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number];

/** Where the original message came from, so it can be found and replayed. */
export interface DeadLetterSource {
  topic: string;
  partition: number;
  /** Kafka offsets are 64-bit; kafkajs hands them over as strings. */
  offset: string;
}

export interface DeadLetter {
  reason: DeadLetterReason;
  /** Human-readable cause, e.g. `/csat must be <= 5`. */
  detail: string;
  /** The bytes exactly as received. */
  originalBytes: Buffer;
  source: DeadLetterSource;
  /** When the input was dead-lettered, epoch milliseconds. */
  ts: number;
}

/** Header names on a dead-letter message; consumers can filter without parsing the value. */
export const DEAD_LETTER_HEADERS = {
  reason: 'cxpulse-dead-letter-reason',
  sourceTopic: 'cxpulse-source-topic',
  sourcePartition: 'cxpulse-source-partition',
  sourceOffset: 'cxpulse-source-offset',
} as const;

/** Version of the dead-letter message value below; bumped on a breaking change to its shape. */
export const DEAD_LETTER_FORMAT_VERSION = 1;

/**
 * Default cap on the original bytes copied into a dead-letter message. Base64 grows data by 4/3:
 * copying a 1 MB oversized payload whole would itself exceed Kafka's default 1 MB message limit.
 */
export const DEFAULT_DEAD_LETTER_MAX_ORIGINAL_BYTES = 64 * 1024;

/** The JSON value of a dead-letter message (documented in docs/events.md). */
export interface DeadLetterValue {
  v: number;
  reason: DeadLetterReason;
  detail: string;
  source: DeadLetterSource;
  ts: number;
  /** Original bytes, base64; truncated to `maxOriginalBytes` when `originalTruncated`. */
  originalBase64: string;
  originalSize: number;
  originalTruncated: boolean;
}

/** Shaped like a kafkajs `Message` without importing kafkajs. */
export interface DeadLetterMessage {
  value: string;
  headers: Record<string, string>;
  /** Dead-letter time as epoch milliseconds in a string, as kafkajs expects. */
  timestamp: string;
}

export function isDeadLetterReason(value: unknown): value is DeadLetterReason {
  return typeof value === 'string' && (DEAD_LETTER_REASONS as readonly string[]).includes(value);
}

export function toDeadLetterMessage(
  deadLetter: DeadLetter,
  options: { maxOriginalBytes?: number } = {},
): DeadLetterMessage {
  const max = options.maxOriginalBytes ?? DEFAULT_DEAD_LETTER_MAX_ORIGINAL_BYTES;
  const original = deadLetter.originalBytes;
  const truncated = original.length > max;
  const value: DeadLetterValue = {
    v: DEAD_LETTER_FORMAT_VERSION,
    reason: deadLetter.reason,
    detail: deadLetter.detail,
    source: deadLetter.source,
    ts: deadLetter.ts,
    originalBase64: (truncated ? original.subarray(0, max) : original).toString('base64'),
    originalSize: original.length,
    originalTruncated: truncated,
  };
  return {
    value: JSON.stringify(value),
    headers: {
      [DEAD_LETTER_HEADERS.reason]: deadLetter.reason,
      [DEAD_LETTER_HEADERS.sourceTopic]: deadLetter.source.topic,
      [DEAD_LETTER_HEADERS.sourcePartition]: String(deadLetter.source.partition),
      [DEAD_LETTER_HEADERS.sourceOffset]: deadLetter.source.offset,
    },
    timestamp: String(deadLetter.ts),
  };
}
