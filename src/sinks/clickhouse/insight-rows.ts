/**
 * Insights (src/analytics/insights) as `insights` RowBinary, with the column list the insert names
 * (checked against the table at migrate(), like every other table's encoder). `details` is the
 * kind's typed details as JSON: ClickHouse 18.16 reads its flat fields with visitParamExtract*.
 */
import type { Insight } from '../../analytics/insights/insight.js';
import { RowBinaryBuilder, type InsertColumns } from './row-binary.js';
import type { RowEncoder } from './row-encoders.js';

export const INSIGHT_COLUMNS: InsertColumns = [
  ['id', 'String'],
  ['pipeline', 'String'],
  ['kind', 'String'],
  ['insight_key', 'String'],
  ['state', 'String'],
  ['ts_ms', 'UInt64'],
  ['window_start_ms', 'UInt64'],
  ['window_end_ms', 'UInt64'],
  ['summary', 'String'],
  ['subject', 'String'],
  ['value', 'Nullable(Float64)'],
  ['details', 'String'],
  ['written_at_ms', 'UInt64'],
];

/** An insight and when the sink wrote it. */
export interface InsightRow {
  insight: Insight;
  writtenAtMs: number;
}

export const insightEncoder: RowEncoder<InsightRow> = {
  columns: INSIGHT_COLUMNS,
  bytesPerRow: 1024,
  encode(rows) {
    const w = new RowBinaryBuilder(rows.length * this.bytesPerRow);
    for (const { insight: i, writtenAtMs } of rows) {
      w.string(i.id);
      w.string(i.pipeline);
      w.string(i.kind);
      w.string(i.key);
      w.string(i.state);
      w.uint64(i.ts);
      w.uint64(i.windowStart);
      w.uint64(i.windowEnd);
      w.string(i.summary);
      w.string(i.subject);
      w.nullableFloat64(i.value !== null && Number.isFinite(i.value) ? i.value : null);
      w.string(JSON.stringify(i.details));
      w.uint64(writtenAtMs);
    }
    return w.finish();
  },
};
