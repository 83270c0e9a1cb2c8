/**
 * From the domain types to the rows the ClickHouse tables take (objects whose keys are
 * the column names of migrations.ts). Pure functions: the writer and the tests share them.
 *
 * Conventions: times stay epoch milliseconds (`*_ms`, UInt64); a field an event type does not have
 * is `null` in a Nullable number column and `''` or `[]` in a string or array column; booleans are
 * 0/1 (18.16 does not read JSON `true` into UInt8). Raw customer and contact ids never leave this
 * file: they become keyed pseudonyms.
 */
import { DEFAULT_DEAD_LETTER_MAX_ORIGINAL_BYTES, type DeadLetter } from '../../events/dead-letter.js';
import type { CxEvent } from '../../events/types.js';
import type { IndicatorValue } from '../../windows/indicator-value.js';
import type { Pseudonymise } from './pseudonymiser.js';

export interface InteractionRow {
  id: string;
  type: string;
  ts_ms: number;
  schema_version: number;
  region: string;
  segment: string;
  channel: string;
  queue: string;
  contact_pseudonym: string;
  customer_pseudonym: string;
  wait_ms: number | null;
  talk_ms: number | null;
  hold_ms: number | null;
  wrap_ms: number | null;
  resolved: number | null;
  agent_id: string;
  to_queue: string;
  team: string;
  agent_queues: string[];
  agent_state: string;
  csat: number | null;
  nps: number | null;
  ces: number | null;
  comment: string;
  tags: string[];
  touchpoint: string;
  journey: string;
  platform: string;
  sentiment: number | null;
  text: string;
  reach: number | null;
  journey_id: string;
  stage: string;
  stage_index: number | null;
  stage_count: number | null;
  outcome: string;
  latency_ms: number | null;
  error_code: string;
}

export interface IndicatorValueRow {
  pipeline: string;
  indicator: string;
  window: string;
  key_id: string;
  key_names: string[];
  key_values: string[];
  window_start_ms: number;
  window_end_ms: number;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  samples: number | null;
  quantile_names: string[];
  quantile_values: number[];
  part_names: string[];
  part_values: number[];
  kind: string;
  version: number;
  replacing_version: number;
  written_at_ms: number;
}

/** What the alerting phase stores about an alert at one point of its lifecycle. */
export interface AlertRecord {
  id: string;
  rule: string;
  severity: string;
  /** e.g. `firing`, `resolved`. */
  state: string;
  pipeline?: string;
  indicator?: string;
  keyId?: string;
  labels?: Readonly<Record<string, string>>;
  summary?: string;
  value?: number | null;
  threshold?: number | null;
  /** Epoch ms. */
  startsAt: number;
  endsAt?: number | null;
  acknowledged?: boolean;
  acknowledgedBy?: string;
  acknowledgedAt?: number | null;
  /** Epoch ms of this change; the newest change of an alert wins in the table. */
  updatedAt: number;
}

export interface AlertRow {
  id: string;
  rule: string;
  severity: string;
  state: string;
  pipeline: string;
  indicator: string;
  key_id: string;
  label_names: string[];
  label_values: string[];
  summary: string;
  value: number | null;
  threshold: number | null;
  starts_at_ms: number;
  ends_at_ms: number | null;
  acknowledged: number;
  acknowledged_by: string;
  acknowledged_at_ms: number | null;
  updated_at_ms: number;
}

export interface DeadLetterRow {
  reason: string;
  detail: string;
  source_topic: string;
  source_partition: number;
  source_offset: string;
  original_base64: string;
  original_size: number;
  original_truncated: number;
  ts_ms: number;
}

const num = (x: number | undefined | null): number | null =>
  x === undefined || x === null || !Number.isFinite(x) ? null : x;
const str = (x: string | undefined): string => x ?? '';
const flag = (x: boolean | undefined): number | null => (x === undefined ? null : x ? 1 : 0);

/** Every field of every event type, optional: one flat view to read the union through. */
export interface AnyEventFields {
  channel?: unknown;
  queue?: unknown;
  contactId?: unknown;
  customerId?: unknown;
  waitMs?: unknown;
  talkMs?: unknown;
  holdMs?: unknown;
  wrapMs?: unknown;
  resolved?: unknown;
  agentId?: unknown;
  toQueue?: unknown;
  team?: unknown;
  queues?: unknown;
  state?: unknown;
  csat?: unknown;
  nps?: unknown;
  ces?: unknown;
  comment?: unknown;
  tags?: unknown;
  touchpoint?: unknown;
  journey?: unknown;
  platform?: unknown;
  sentiment?: unknown;
  text?: unknown;
  reach?: unknown;
  journeyId?: unknown;
  stage?: unknown;
  stageIndex?: unknown;
  stageCount?: unknown;
  outcome?: unknown;
  latencyMs?: unknown;
  errorCode?: unknown;
}

// The decoder has validated types already; these only turn "absent" into the column's empty value.
// Shared with row-encoders.ts, which writes the same row straight from the event.
export const s = (x: unknown): string => (typeof x === 'string' ? x : '');
export const n = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);
export const list = (x: unknown): string[] =>
  Array.isArray(x) ? (x as unknown[]).filter((v): v is string => typeof v === 'string') : [];

/** Hot path (one call per stored event): plain field reads, one object literal, no closures. */
export function interactionRow(event: CxEvent, pseudonymise: Pseudonymise): InteractionRow {
  const e = event as CxEvent & AnyEventFields;
  const contactId = s(e.contactId);
  const customerId = s(e.customerId);
  const isAgent = event.type === 'agent.state';
  return {
    id: event.id,
    type: event.type,
    ts_ms: event.ts,
    schema_version: event.v ?? 1,
    region: str(event.region),
    segment: str(event.segment),
    channel: s(e.channel),
    queue: s(e.queue),
    contact_pseudonym: contactId === '' ? '' : pseudonymise(contactId),
    customer_pseudonym: customerId === '' ? '' : pseudonymise(customerId),
    wait_ms: n(e.waitMs),
    talk_ms: n(e.talkMs),
    hold_ms: n(e.holdMs),
    wrap_ms: n(e.wrapMs),
    resolved: typeof e.resolved === 'boolean' ? flag(e.resolved) : null,
    agent_id: s(e.agentId),
    to_queue: s(e.toQueue),
    team: s(e.team),
    agent_queues: isAgent ? list(e.queues) : [],
    agent_state: isAgent ? s(e.state) : '',
    csat: n(e.csat),
    nps: n(e.nps),
    ces: n(e.ces),
    comment: s(e.comment),
    tags: list(e.tags),
    touchpoint: s(e.touchpoint),
    journey: s(e.journey),
    platform: s(e.platform),
    sentiment: n(e.sentiment),
    text: s(e.text),
    reach: n(e.reach),
    journey_id: s(e.journeyId),
    stage: s(e.stage),
    stage_index: n(e.stageIndex),
    stage_count: n(e.stageCount),
    outcome: s(e.outcome),
    latency_ms: n(e.latencyMs),
    error_code: s(e.errorCode),
  };
}

/**
 * The ReplacingMergeTree version of an indicator value: `version × 2 + (kind ≠ early ? 1 : 0)`.
 *
 * The engine numbers early firings 0, the first final 1 and every correction one more, so
 * `version` alone already orders early < final < correction. The extra bit makes a final or a
 * correction beat an early firing even if one ever carried the same `version` (an early firing
 * after a correction, say), while keeping corrections ordered among themselves. Deterministic:
 * writing the same value again gives the same number, so replays converge on the same row.
 */
export function replacingVersion(value: Pick<IndicatorValue, 'version' | 'kind'>): number {
  return value.version * 2 + (value.kind === 'early' ? 0 : 1);
}

const NO_NAMES: string[] = [];
const NO_NUMBERS: number[] = [];

/** Names sorted, values in the same order; non-finite numbers left out (Array(Float64) has no null). */
export function pairs<V extends string | number>(
  record: Readonly<Record<string, V>> | undefined,
): { names: string[]; values: V[] } {
  if (record === undefined) return { names: NO_NAMES, values: NO_NUMBERS as V[] };
  const names = Object.keys(record);
  if (names.length > 1) names.sort();
  const values: V[] = [];
  let kept = 0;
  for (const name of names) {
    const v = record[name]!;
    if (typeof v === 'number' && !Number.isFinite(v)) continue;
    names[kept++] = name;
    values.push(v);
  }
  names.length = kept;
  return { names, values };
}

/**
 * Key dimensions by keyId: the engine interns keys, so the same few thousand repeat in every
 * window; splitting each once saves most of this function's cost. Bounded like the pseudonyms.
 */
const keyPairs = new Map<string, { names: string[]; values: string[] }>();
const KEY_CACHE_SIZE = 20_000;

export function keyPairsOf(value: Pick<IndicatorValue, 'key' | 'keyId'>): {
  names: string[];
  values: string[];
} {
  let cached = keyPairs.get(value.keyId);
  if (cached === undefined) {
    cached = pairs(value.key);
    if (keyPairs.size >= KEY_CACHE_SIZE) keyPairs.clear();
    keyPairs.set(value.keyId, cached);
  }
  return cached;
}

export function indicatorValueRow(value: IndicatorValue, writtenAtMs: number): IndicatorValueRow {
  const key = keyPairsOf(value);
  const quantiles = pairs(value.quantiles);
  const parts = pairs(value.parts);
  return {
    pipeline: value.pipeline,
    indicator: value.indicator,
    window: value.window,
    key_id: value.keyId,
    key_names: key.names,
    key_values: key.values,
    window_start_ms: value.windowStart,
    window_end_ms: value.windowEnd,
    value: num(value.value),
    numerator: num(value.numerator),
    denominator: num(value.denominator),
    samples: num(value.samples),
    quantile_names: quantiles.names,
    quantile_values: quantiles.values,
    part_names: parts.names,
    part_values: parts.values,
    kind: value.kind,
    version: value.version,
    replacing_version: replacingVersion(value),
    written_at_ms: writtenAtMs,
  };
}

export function alertRow(alert: AlertRecord): AlertRow {
  const labels = pairs(alert.labels);
  return {
    id: alert.id,
    rule: alert.rule,
    severity: alert.severity,
    state: alert.state,
    pipeline: str(alert.pipeline),
    indicator: str(alert.indicator),
    key_id: str(alert.keyId),
    label_names: labels.names,
    label_values: labels.values,
    summary: str(alert.summary),
    value: num(alert.value),
    threshold: num(alert.threshold),
    starts_at_ms: alert.startsAt,
    ends_at_ms: num(alert.endsAt),
    acknowledged: alert.acknowledged ? 1 : 0,
    acknowledged_by: str(alert.acknowledgedBy),
    acknowledged_at_ms: num(alert.acknowledgedAt),
    updated_at_ms: alert.updatedAt,
  };
}

// `"customerId": "…"` (or contactId, customer_id, contact_id, any case) with a string or bare value.
const IDENTIFIER_FIELD = /("(?:customer|contact)_?id"\s*:\s*)("(?:[^"\\]|\\.)*"|[^\s,}\]]+)/gi;

/**
 * The original bytes of a dead letter with customer and contact ids replaced by their pseudonyms.
 * Works on the bytes as latin1 so that everything else, invalid UTF-8 included, stays byte for
 * byte; the dead letter may be malformed JSON, hence a pattern and not a parser.
 */
export function scrubIdentifiers(original: Buffer, pseudonymise: Pseudonymise): Buffer {
  const text = original.toString('latin1');
  IDENTIFIER_FIELD.lastIndex = 0;
  if (!IDENTIFIER_FIELD.test(text)) return original;
  IDENTIFIER_FIELD.lastIndex = 0;
  const scrubbed = text.replace(IDENTIFIER_FIELD, (_, prefix: string, raw: string) => {
    let id = raw;
    if (raw.startsWith('"')) {
      const utf8 = Buffer.from(raw, 'latin1').toString('utf8');
      try {
        id = JSON.parse(utf8) as string;
      } catch {
        id = utf8.slice(1, -1);
      }
    }
    return `${prefix}"${pseudonymise(id)}"`;
  });
  return Buffer.from(scrubbed, 'latin1');
}

export function deadLetterRow(
  deadLetter: DeadLetter,
  pseudonymise: Pseudonymise,
  maxOriginalBytes = DEFAULT_DEAD_LETTER_MAX_ORIGINAL_BYTES,
): DeadLetterRow {
  // Scrub before truncating: a cut through an id would leave a raw prefix the pattern cannot see.
  const scrubbed = scrubIdentifiers(deadLetter.originalBytes, pseudonymise);
  const truncated = scrubbed.length > maxOriginalBytes;
  return {
    reason: deadLetter.reason,
    detail: deadLetter.detail,
    source_topic: deadLetter.source.topic,
    source_partition: deadLetter.source.partition,
    source_offset: deadLetter.source.offset,
    original_base64: (truncated ? scrubbed.subarray(0, maxOriginalBytes) : scrubbed).toString('base64'),
    original_size: deadLetter.originalBytes.length,
    original_truncated: truncated ? 1 : 0,
    ts_ms: deadLetter.ts,
  };
}
