/**
 * Bytes → validated `CxEvent`, or the reason it is not one.
 *
 * Order matters for cost and for the reason reported: size (before any parsing) → JSON → object →
 * known `type` → the shape's compiled schema → `ts` normalised to epoch ms → `ts` within bounds.
 *
 * Hot-path notes (see bench/decode.bench.ts): one `toString('utf8')` per message, no `Date.parse`
 * when `ts` is already a number, no result object per event inside `decodeBatch`, and the parsed
 * object itself becomes the event (only `ts` is rewritten when it was an ISO string). Unknown extra
 * fields stay on the object (see schema.ts for why they are tolerated).
 */
import { isUtf8 } from 'node:buffer';
import { DEAD_LETTER_REASONS, type DeadLetter, type DeadLetterReason } from './dead-letter.js';
import { EVENT_SHAPE_BY_TYPE, type EventShape } from './schema.js';
import { EVENT_TYPES, type CxEvent, type EventType } from './types.js';
import {
  validateAccountUsage,
  validateAgentState,
  validateContact,
  validateSocialFeedback,
  validateSurveyResponse,
  validateTouchpoint,
  type CompiledValidator,
  type ValidationError,
} from './generated/validators.js';

export const DEFAULT_MAX_EVENT_BYTES = 64 * 1024;
export const DEFAULT_MAX_PAST_MS = 7 * 24 * 60 * 60 * 1000;
export const DEFAULT_MAX_FUTURE_MS = 5 * 60 * 1000;

export interface DecodeLimits {
  /** Largest accepted payload in bytes (UTF-8), checked before parsing. Default 64 KiB. */
  maxBytes?: number;
  /** Oldest accepted event time, as a distance before `now`. Default 7 days; `Infinity` disables. */
  maxPastMs?: number;
  /** Newest accepted event time, as a distance after `now`. Default 5 minutes; `Infinity` disables. */
  maxFutureMs?: number;
}

export interface DecodeOptions extends DecodeLimits {
  /** The time the ts bounds are measured from, epoch ms. Default `Date.now()`. */
  now?: number;
}

export type DecodeResult =
  { ok: true; event: CxEvent } | { ok: false; reason: DeadLetterReason; detail: string };

export type EventBytes = Buffer | Uint8Array | string;

/** One input message; kafkajs' `KafkaMessage` fits this shape. */
export interface RawEventMessage {
  /** `null` is a Kafka tombstone; it is dead-lettered as `invalid-json`. */
  value: EventBytes | null;
  offset?: string;
  partition?: number;
  topic?: string;
}

export interface DecodeBatchOptions extends DecodeLimits {
  /** Source coordinates for dead letters when the messages do not carry them (a kafkajs batch). */
  topic?: string;
  partition?: number;
}

export interface DecodedBatch {
  /** Valid events in input order. */
  events: CxEvent[];
  deadLetters: DeadLetter[];
  /** Valid events per type in this batch (every type present, zero when absent). */
  countsByType: Record<EventType, number>;
  /** Dead letters per reason in this batch (every reason present, zero when absent). */
  deadLettersByReason: Record<DeadLetterReason, number>;
}

const VALIDATOR_BY_SHAPE: Record<EventShape, CompiledValidator> = {
  contact: validateContact,
  agentState: validateAgentState,
  surveyResponse: validateSurveyResponse,
  socialFeedback: validateSocialFeedback,
  touchpoint: validateTouchpoint,
  accountUsage: validateAccountUsage,
};

interface TypeEntry {
  validate: CompiledValidator;
  /** Position in EVENT_TYPES, for per-batch counting in an array. */
  index: number;
}

const TYPE_ENTRIES = new Map<string, TypeEntry>(
  EVENT_TYPES.map((type, index) => [
    type,
    { validate: VALIDATOR_BY_SHAPE[EVENT_SHAPE_BY_TYPE[type]], index },
  ]),
);

/** Longest slice of user input echoed into a detail message. */
const DETAIL_ECHO_MAX = 64;

// Why a decode failed. Module-level rather than a result object per call so the batch loop
// allocates nothing for valid events; safe because decoding is synchronous and never re-entered.
let failReason: DeadLetterReason = 'invalid-json';
let failDetail = '';
/** EVENT_TYPES index of the last event decodeOne returned, so the batch counts without a second lookup. */
let decodedTypeIndex = 0;

function fail(reason: DeadLetterReason, detail: string): undefined {
  failReason = reason;
  failDetail = detail;
  return undefined;
}

function byteLengthOver(input: EventBytes, maxBytes: number): number | undefined {
  if (typeof input !== 'string') return input.byteLength > maxBytes ? input.byteLength : undefined;
  // Every UTF-16 code unit encodes to at least one UTF-8 byte and at most three, so the exact
  // (linear-time) count is needed only between those two bounds.
  if (input.length > maxBytes) return input.length;
  if (input.length * 3 <= maxBytes) return undefined;
  const bytes = Buffer.byteLength(input, 'utf8');
  return bytes > maxBytes ? bytes : undefined;
}

function toText(input: Buffer | Uint8Array): string {
  return Buffer.isBuffer(input)
    ? input.toString('utf8')
    : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8');
}

function echo(value: string): string {
  return JSON.stringify(value.length > DETAIL_ECHO_MAX ? `${value.slice(0, DETAIL_ECHO_MAX)}…` : value);
}

/** `/csat must be <= 5`, `/queue is required`, `/ must have at least one of csat, nps, ces`. */
export function describeValidationError(errors: readonly ValidationError[] | null | undefined): string {
  const last = errors?.[errors.length - 1];
  if (last === undefined) return 'schema violation';
  const path = last.instancePath === '' ? '/' : last.instancePath;
  switch (last.keyword) {
    case 'required':
      return `${last.instancePath}/${String(last.params.missingProperty)} is required`;
    case 'anyOf': {
      // allErrors is off, yet ajv keeps each failed branch's error before the anyOf one.
      const missing = errors!
        .filter((e) => e.keyword === 'required' && e.instancePath === last.instancePath)
        .map((e) => String(e.params.missingProperty));
      return missing.length > 0
        ? `${path} must have at least one of ${missing.join(', ')}`
        : `${path} ${last.message ?? 'must match a schema in anyOf'}`;
    }
    case 'enum':
      return `${path} must be one of ${(last.params.allowedValues as unknown[]).join(', ')}`;
    case 'const':
      return `${path} must be ${String(last.params.allowedValue)}`;
    case 'pattern':
      return path === '/ts'
        ? '/ts must be an ISO-8601 date-time with zone'
        : `${path} must match ${last.params.pattern}`;
    default:
      return `${path} ${last.message ?? `fails ${last.keyword}`}`;
  }
}

/**
 * Strict ISO-8601 → epoch ms, for a string the schema pattern already accepted (so the layout is
 * fixed: `YYYY-MM-DDTHH:MM:SS[.f]Z|±HH:MM`). `Date.parse` rolls 30 February over into March, so days
 * past 28 are checked against the month. Returns NaN when the date does not exist.
 */
export function parseIsoTimestamp(value: string): number {
  const ms = Date.parse(value);
  const day = (value.charCodeAt(8) - 48) * 10 + (value.charCodeAt(9) - 48);
  if (day > 28) {
    const year = Number(value.slice(0, 4));
    const month = Number(value.slice(5, 7));
    // Day 0 of the next month is the last day of this one.
    const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
    if (day > daysInMonth) return NaN;
  }
  return ms;
}

function formatDistance(ms: number): string {
  const abs = Math.abs(ms);
  if (abs >= 86_400_000) return `${(abs / 86_400_000).toFixed(1)} days`;
  if (abs >= 3_600_000) return `${(abs / 3_600_000).toFixed(1)} hours`;
  if (abs >= 60_000) return `${(abs / 60_000).toFixed(1)} minutes`;
  return `${(abs / 1000).toFixed(1)} seconds`;
}

/**
 * The shared core. Returns the event, or `undefined` with `failReason`/`failDetail` set.
 * `earliest`/`latest` are the accepted ts bounds, precomputed once per call or batch.
 */
function decodeOne(input: EventBytes, maxBytes: number, now: number, earliest: number, latest: number) {
  const oversize = byteLengthOver(input, maxBytes);
  if (oversize !== undefined) return fail('oversized', `payload is ${oversize} bytes, limit ${maxBytes}`);

  // Node would silently turn malformed UTF-8 into U+FFFD, corrupting ids; reject instead (~25 ns).
  if (typeof input !== 'string' && !isUtf8(input)) return fail('invalid-json', 'payload is not valid UTF-8');
  const text = typeof input === 'string' ? input : toText(input);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return fail('invalid-json', text.length === 0 ? 'empty payload' : (err as Error).message);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return fail(
      'schema-violation',
      `/ must be object, got ${Array.isArray(parsed) ? 'array' : parsed === null ? 'null' : typeof parsed}`,
    );
  }

  const record = parsed as { type?: unknown; ts?: unknown };
  const type = record.type;
  if (typeof type !== 'string') {
    return fail('schema-violation', type === undefined ? '/type is required' : '/type must be string');
  }
  const entry = TYPE_ENTRIES.get(type);
  if (entry === undefined) return fail('unknown-type', `unknown event type ${echo(type)}`);

  if (!entry.validate(record)) {
    return fail('schema-violation', describeValidationError(entry.validate.errors));
  }

  let ts = record.ts as number | string;
  if (typeof ts === 'string') {
    const ms = parseIsoTimestamp(ts);
    if (Number.isNaN(ms)) return fail('schema-violation', `/ts is not a valid date-time: ${echo(ts)}`);
    record.ts = ts = ms;
  }
  if (ts < earliest) {
    return fail(
      'timestamp-out-of-range',
      `ts ${ts} is ${formatDistance(now - ts)} before now (limit ${formatDistance(now - earliest)})`,
    );
  }
  if (ts > latest) {
    return fail(
      'timestamp-out-of-range',
      `ts ${ts} is ${formatDistance(ts - now)} after now (limit ${formatDistance(latest - now)})`,
    );
  }
  decodedTypeIndex = entry.index;
  return record as CxEvent;
}

/** Decode one payload. For many messages at once use `decodeBatch`, which allocates less. */
export function decodeEvent(bytes: EventBytes, options: DecodeOptions = {}): DecodeResult {
  const now = options.now ?? Date.now();
  const event = decodeOne(
    bytes,
    options.maxBytes ?? DEFAULT_MAX_EVENT_BYTES,
    now,
    now - (options.maxPastMs ?? DEFAULT_MAX_PAST_MS),
    now + (options.maxFutureMs ?? DEFAULT_MAX_FUTURE_MS),
  );
  return event === undefined ? { ok: false, reason: failReason, detail: failDetail } : { ok: true, event };
}

function toBuffer(input: EventBytes): Buffer {
  // A copy: the original may be a view into a larger fetch buffer we should not keep alive.
  return typeof input === 'string' ? Buffer.from(input, 'utf8') : Buffer.from(input);
}

/**
 * Decode a batch (a Kafka fetch batch, a replay chunk). The hot path: metrics are meant to be
 * counted from the per-batch counts, not per event.
 */
export function decodeBatch(
  messages: readonly RawEventMessage[],
  now: number,
  options: DecodeBatchOptions = {},
): DecodedBatch {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_EVENT_BYTES;
  const earliest = now - (options.maxPastMs ?? DEFAULT_MAX_PAST_MS);
  const latest = now + (options.maxFutureMs ?? DEFAULT_MAX_FUTURE_MS);
  const events: CxEvent[] = [];
  const deadLetters: DeadLetter[] = [];
  const typeCounts = new Array<number>(EVENT_TYPES.length).fill(0);
  const reasonCounts = new Array<number>(DEAD_LETTER_REASONS.length).fill(0);

  for (let i = 0; i < messages.length; i++) {
    const message = messages[i]!;
    const value = message.value;
    const event =
      value === null
        ? fail('invalid-json', 'empty message value (tombstone)')
        : decodeOne(value, maxBytes, now, earliest, latest);
    if (event !== undefined) {
      events.push(event);
      typeCounts[decodedTypeIndex]!++;
      continue;
    }
    reasonCounts[DEAD_LETTER_REASONS.indexOf(failReason)]!++;
    deadLetters.push({
      reason: failReason,
      detail: failDetail,
      originalBytes: value === null ? Buffer.alloc(0) : toBuffer(value),
      source: {
        topic: message.topic ?? options.topic ?? '',
        partition: message.partition ?? options.partition ?? -1,
        offset: message.offset ?? '',
      },
      ts: now,
    });
  }

  const countsByType = {} as Record<EventType, number>;
  for (let t = 0; t < EVENT_TYPES.length; t++) countsByType[EVENT_TYPES[t]!] = typeCounts[t]!;
  const deadLettersByReason = {} as Record<DeadLetterReason, number>;
  for (let r = 0; r < DEAD_LETTER_REASONS.length; r++)
    deadLettersByReason[DEAD_LETTER_REASONS[r]!] = reasonCounts[r]!;
  return { events, deadLetters, countsByType, deadLettersByReason };
}
