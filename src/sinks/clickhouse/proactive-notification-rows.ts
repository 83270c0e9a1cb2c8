/**
 * Proactive notifications (src/analytics/proactive) as `proactive_notifications` RowBinary, with
 * the column list the insert names (checked against the table at migrate(), like every other
 * table's encoder).
 */
import type { ProactiveNotification } from '../../analytics/proactive/proactive-notification.js';
import { RowBinaryBuilder, type InsertColumns } from './row-binary.js';
import type { RowEncoder } from './row-encoders.js';

export const PROACTIVE_NOTIFICATION_COLUMNS: InsertColumns = [
  ['id', 'String'],
  ['pipeline', 'String'],
  ['entity_field', 'String'],
  ['entity_pseudonym', 'String'],
  ['customer_pseudonym', 'String'],
  ['segment', 'String'],
  ['series', 'String'],
  ['remaining', 'Float64'],
  ['predicted_usage', 'Float64'],
  ['horizon_ms', 'UInt64'],
  ['margin', 'Float64'],
  ['predicted_run_out_ms', 'Nullable(UInt64)'],
  ['run_out_probability', 'Float64'],
  ['usage_next_bucket', 'Float64'],
  ['bucket_ms', 'UInt64'],
  ['level', 'Float64'],
  ['trend', 'Float64'],
  ['residual_sd', 'Float64'],
  ['history_buckets', 'UInt32'],
  ['ts_ms', 'UInt64'],
  ['cycle_start_ms', 'UInt64'],
  ['written_at_ms', 'UInt64'],
];

/** A notification and when the sink wrote it. */
export interface ProactiveNotificationRow {
  notification: ProactiveNotification;
  writtenAtMs: number;
}

export const proactiveNotificationEncoder: RowEncoder<ProactiveNotificationRow> = {
  columns: PROACTIVE_NOTIFICATION_COLUMNS,
  bytesPerRow: 320,
  encode(rows) {
    const w = new RowBinaryBuilder(rows.length * this.bytesPerRow);
    for (const { notification: n, writtenAtMs } of rows) {
      w.string(n.id);
      w.string(n.pipeline);
      w.string(n.entityField);
      w.string(n.entity);
      w.string(n.customer);
      w.string(n.segment);
      w.string(n.series);
      w.float64(n.remaining);
      w.float64(n.predictedUsage);
      w.uint64(n.horizonMs);
      w.float64(n.margin);
      w.nullableUInt64(n.predictedRunOutTs);
      w.float64(n.runOutProbability);
      w.float64(n.usageNextBucket);
      w.uint64(n.bucketMs);
      w.float64(n.level);
      w.float64(n.trend);
      w.float64(n.residualSd);
      w.uint32(n.historyBuckets);
      w.uint64(n.ts);
      w.uint64(n.cycleStartTs);
      w.uint64(writtenAtMs);
    }
    return w.finish();
  },
};
