/**
 * The rows of rows.ts as RowBinary request bodies, one encoder per table, with the column list it
 * writes. Each column list is the insert's `(…)` list, checked against the table by
 * `insertColumnProblems` at `migrate()`; a unit test decodes every encoder's output by its list.
 *
 * Hand-written per table, not driven by the list: plain property reads on one row shape keep this
 * near 1 µs per `interactions` row, a generic loop with `row[name]` was 2.7 µs (docs/storage.md).
 */
import type { CxEvent } from '../../events/types.js';
import type { IndicatorValue } from '../../windows/indicator-value.js';
import type { Pseudonymise } from './pseudonymiser.js';
import { RowBinaryBuilder, type InsertColumns } from './row-binary.js';
import {
  keyPairsOf,
  list,
  n,
  pairs,
  replacingVersion,
  s,
  type AlertRow,
  type AnyEventFields,
  type DeadLetterRow,
  type IndicatorValueRow,
  type InteractionRow,
} from './rows.js';

const NO_STRINGS: readonly string[] = [];
const NO_NUMBERS: readonly number[] = [];

export interface RowEncoder<Row> {
  columns: InsertColumns;
  /** Rough bytes per row, to size the first buffer. */
  bytesPerRow: number;
  encode(rows: readonly Row[]): Buffer;
}

export const INTERACTION_COLUMNS: InsertColumns = [
  ['id', 'String'],
  ['type', 'String'],
  ['ts_ms', 'UInt64'],
  ['schema_version', 'UInt8'],
  ['region', 'String'],
  ['segment', 'String'],
  ['channel', 'String'],
  ['queue', 'String'],
  ['contact_pseudonym', 'String'],
  ['customer_pseudonym', 'String'],
  ['wait_ms', 'Nullable(Float64)'],
  ['talk_ms', 'Nullable(Float64)'],
  ['hold_ms', 'Nullable(Float64)'],
  ['wrap_ms', 'Nullable(Float64)'],
  ['resolved', 'Nullable(UInt8)'],
  ['agent_id', 'String'],
  ['to_queue', 'String'],
  ['team', 'String'],
  ['agent_queues', 'Array(String)'],
  ['agent_state', 'String'],
  ['csat', 'Nullable(UInt8)'],
  ['nps', 'Nullable(UInt8)'],
  ['ces', 'Nullable(UInt8)'],
  ['comment', 'String'],
  ['tags', 'Array(String)'],
  ['touchpoint', 'String'],
  ['journey', 'String'],
  ['platform', 'String'],
  ['sentiment', 'Nullable(Float64)'],
  ['text', 'String'],
  ['reach', 'Nullable(Float64)'],
  ['journey_id', 'String'],
  ['stage', 'String'],
  ['stage_index', 'Nullable(UInt32)'],
  ['stage_count', 'Nullable(UInt32)'],
  ['outcome', 'String'],
  ['latency_ms', 'Nullable(Float64)'],
  ['error_code', 'String'],
];

export const interactionEncoder: RowEncoder<InteractionRow> = {
  columns: INTERACTION_COLUMNS,
  bytesPerRow: 256,
  encode(rows) {
    const w = new RowBinaryBuilder(rows.length * this.bytesPerRow);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      w.string(r.id);
      w.string(r.type);
      w.uint64(r.ts_ms);
      w.uint8(r.schema_version);
      w.string(r.region);
      w.string(r.segment);
      w.string(r.channel);
      w.string(r.queue);
      w.string(r.contact_pseudonym);
      w.string(r.customer_pseudonym);
      w.nullableFloat64(r.wait_ms);
      w.nullableFloat64(r.talk_ms);
      w.nullableFloat64(r.hold_ms);
      w.nullableFloat64(r.wrap_ms);
      w.nullableUInt8(r.resolved);
      w.string(r.agent_id);
      w.string(r.to_queue);
      w.string(r.team);
      w.stringArray(r.agent_queues);
      w.string(r.agent_state);
      w.nullableUInt8(r.csat);
      w.nullableUInt8(r.nps);
      w.nullableUInt8(r.ces);
      w.string(r.comment);
      w.stringArray(r.tags);
      w.string(r.touchpoint);
      w.string(r.journey);
      w.string(r.platform);
      w.nullableFloat64(r.sentiment);
      w.string(r.text);
      w.nullableFloat64(r.reach);
      w.string(r.journey_id);
      w.string(r.stage);
      w.nullableUInt32(r.stage_index);
      w.nullableUInt32(r.stage_count);
      w.string(r.outcome);
      w.nullableFloat64(r.latency_ms);
      w.string(r.error_code);
    }
    return w.finish();
  },
};

export const INDICATOR_VALUE_COLUMNS: InsertColumns = [
  ['pipeline', 'String'],
  ['indicator', 'String'],
  ['window', 'String'],
  ['key_id', 'String'],
  ['key_names', 'Array(String)'],
  ['key_values', 'Array(String)'],
  ['window_start_ms', 'UInt64'],
  ['window_end_ms', 'UInt64'],
  ['value', 'Nullable(Float64)'],
  ['numerator', 'Nullable(Float64)'],
  ['denominator', 'Nullable(Float64)'],
  ['samples', 'Nullable(Float64)'],
  ['quantile_names', 'Array(String)'],
  ['quantile_values', 'Array(Float64)'],
  ['part_names', 'Array(String)'],
  ['part_values', 'Array(Float64)'],
  ['kind', 'String'],
  ['version', 'UInt32'],
  ['replacing_version', 'UInt64'],
  ['written_at_ms', 'UInt64'],
];

export const indicatorValueEncoder: RowEncoder<IndicatorValueRow> = {
  columns: INDICATOR_VALUE_COLUMNS,
  bytesPerRow: 192,
  encode(rows) {
    const w = new RowBinaryBuilder(rows.length * this.bytesPerRow);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      w.string(r.pipeline);
      w.string(r.indicator);
      w.string(r.window);
      w.string(r.key_id);
      w.stringArray(r.key_names);
      w.stringArray(r.key_values);
      w.uint64(r.window_start_ms);
      w.uint64(r.window_end_ms);
      w.nullableFloat64(r.value);
      w.nullableFloat64(r.numerator);
      w.nullableFloat64(r.denominator);
      w.nullableFloat64(r.samples);
      w.stringArray(r.quantile_names);
      w.float64Array(r.quantile_values);
      w.stringArray(r.part_names);
      w.float64Array(r.part_values);
      w.string(r.kind);
      w.uint32(r.version);
      w.uint64(r.replacing_version);
      w.uint64(r.written_at_ms);
    }
    return w.finish();
  },
};

export const ALERT_COLUMNS: InsertColumns = [
  ['id', 'String'],
  ['rule', 'String'],
  ['severity', 'String'],
  ['state', 'String'],
  ['pipeline', 'String'],
  ['indicator', 'String'],
  ['key_id', 'String'],
  ['label_names', 'Array(String)'],
  ['label_values', 'Array(String)'],
  ['summary', 'String'],
  ['value', 'Nullable(Float64)'],
  ['threshold', 'Nullable(Float64)'],
  ['starts_at_ms', 'UInt64'],
  ['ends_at_ms', 'Nullable(UInt64)'],
  ['acknowledged', 'UInt8'],
  ['acknowledged_by', 'String'],
  ['acknowledged_at_ms', 'Nullable(UInt64)'],
  ['updated_at_ms', 'UInt64'],
];

export const alertEncoder: RowEncoder<AlertRow> = {
  columns: ALERT_COLUMNS,
  bytesPerRow: 256,
  encode(rows) {
    const w = new RowBinaryBuilder(rows.length * this.bytesPerRow);
    for (const r of rows) {
      w.string(r.id);
      w.string(r.rule);
      w.string(r.severity);
      w.string(r.state);
      w.string(r.pipeline);
      w.string(r.indicator);
      w.string(r.key_id);
      w.stringArray(r.label_names);
      w.stringArray(r.label_values);
      w.string(r.summary);
      w.nullableFloat64(r.value);
      w.nullableFloat64(r.threshold);
      w.uint64(r.starts_at_ms);
      w.nullableUInt64(r.ends_at_ms);
      w.uint8(r.acknowledged);
      w.string(r.acknowledged_by);
      w.nullableUInt64(r.acknowledged_at_ms);
      w.uint64(r.updated_at_ms);
    }
    return w.finish();
  },
};

export const DEAD_LETTER_COLUMNS: InsertColumns = [
  ['reason', 'String'],
  ['detail', 'String'],
  ['source_topic', 'String'],
  ['source_partition', 'UInt32'],
  ['source_offset', 'String'],
  ['original_base64', 'String'],
  ['original_size', 'UInt32'],
  ['original_truncated', 'UInt8'],
  ['ts_ms', 'UInt64'],
];

export const deadLetterEncoder: RowEncoder<DeadLetterRow> = {
  columns: DEAD_LETTER_COLUMNS,
  bytesPerRow: 1024,
  encode(rows) {
    const w = new RowBinaryBuilder(rows.length * this.bytesPerRow);
    for (const r of rows) {
      w.string(r.reason);
      w.string(r.detail);
      w.string(r.source_topic);
      w.uint32(r.source_partition);
      w.string(r.source_offset);
      w.string(r.original_base64);
      w.uint32(r.original_size);
      w.uint8(r.original_truncated);
      w.uint64(r.ts_ms);
    }
    return w.finish();
  },
};

/**
 * Events straight to `interactions` RowBinary, without an `InteractionRow` per event: the same
 * columns and values as `interactionEncoder.encode(events.map((e) => interactionRow(e, p)))` (a
 * unit test holds the two equal), at about half the cost, and done at insert time, so mapping
 * overlaps the other insert in flight instead of running in `writeEvents`.
 */
export function encodeInteractionEvents(events: readonly CxEvent[], pseudonymise: Pseudonymise): Buffer {
  const w = new RowBinaryBuilder(events.length * interactionEncoder.bytesPerRow);
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!;
    const e = event as CxEvent & AnyEventFields;
    const isAgent = event.type === 'agent.state';
    w.string(event.id);
    w.string(event.type);
    w.uint64(event.ts);
    w.uint8(event.v ?? 1);
    w.string(event.region ?? '');
    w.string(event.segment ?? '');
    w.string(s(e.channel));
    w.string(s(e.queue));
    const contactId = s(e.contactId);
    w.string(contactId === '' ? '' : pseudonymise(contactId));
    const customerId = s(e.customerId);
    w.string(customerId === '' ? '' : pseudonymise(customerId));
    w.nullableFloat64(n(e.waitMs));
    w.nullableFloat64(n(e.talkMs));
    w.nullableFloat64(n(e.holdMs));
    w.nullableFloat64(n(e.wrapMs));
    w.nullableUInt8(typeof e.resolved === 'boolean' ? (e.resolved ? 1 : 0) : null);
    w.string(s(e.agentId));
    w.string(s(e.toQueue));
    w.string(s(e.team));
    w.stringArray(isAgent ? list(e.queues) : NO_STRINGS);
    w.string(isAgent ? s(e.state) : '');
    w.nullableUInt8(n(e.csat));
    w.nullableUInt8(n(e.nps));
    w.nullableUInt8(n(e.ces));
    w.string(s(e.comment));
    w.stringArray(list(e.tags));
    w.string(s(e.touchpoint));
    w.string(s(e.journey));
    w.string(s(e.platform));
    w.nullableFloat64(n(e.sentiment));
    w.string(s(e.text));
    w.nullableFloat64(n(e.reach));
    w.string(s(e.journeyId));
    w.string(s(e.stage));
    w.nullableUInt32(n(e.stageIndex));
    w.nullableUInt32(n(e.stageCount));
    w.string(s(e.outcome));
    w.nullableFloat64(n(e.latencyMs));
    w.string(s(e.errorCode));
  }
  return w.finish();
}

/**
 * Indicator values straight to `indicator_values` RowBinary, without an `IndicatorValueRow` each:
 * the same bytes as `indicatorValueEncoder.encode(values.map((v) => indicatorValueRow(v, writtenAtMs)))`
 * (a unit test holds the two equal). Row objects made at write time live until their batch is
 * stored, so they outlive the young generation and cost a copy at every collection; the sink with
 * rows ran at half the writer's rate on the insert benchmark.
 */
export function encodeIndicatorValues(values: readonly IndicatorValue[], writtenAtMs: number): Buffer {
  const w = new RowBinaryBuilder(values.length * indicatorValueEncoder.bytesPerRow);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const key = keyPairsOf(v);
    w.string(v.pipeline);
    w.string(v.indicator);
    w.string(v.window);
    w.string(v.keyId);
    w.stringArray(key.names);
    w.stringArray(key.values);
    w.uint64(v.windowStart);
    w.uint64(v.windowEnd);
    w.nullableFloat64(v.value ?? null);
    w.nullableFloat64(v.numerator ?? null);
    w.nullableFloat64(v.denominator ?? null);
    w.nullableFloat64(v.samples ?? null);
    if (v.quantiles === undefined) {
      w.stringArray(NO_STRINGS);
      w.float64Array(NO_NUMBERS);
    } else {
      const quantiles = pairs(v.quantiles);
      w.stringArray(quantiles.names);
      w.float64Array(quantiles.values);
    }
    if (v.parts === undefined) {
      w.stringArray(NO_STRINGS);
      w.float64Array(NO_NUMBERS);
    } else {
      const parts = pairs(v.parts);
      w.stringArray(parts.names);
      w.float64Array(parts.values);
    }
    w.string(v.kind);
    w.uint32(v.version);
    w.uint64(replacingVersion(v));
    w.uint64(writtenAtMs);
  }
  return w.finish();
}
