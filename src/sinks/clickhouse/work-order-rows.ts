/**
 * Work orders (src/analytics/at-risk) as `work_orders` RowBinary, with the column list the insert
 * names (checked against the table at migrate(), like every other table's encoder).
 */
import type { WorkOrder } from '../../analytics/at-risk/work-order.js';
import { RowBinaryBuilder, type InsertColumns } from './row-binary.js';
import type { RowEncoder } from './row-encoders.js';

export const WORK_ORDER_COLUMNS: InsertColumns = [
  ['id', 'String'],
  ['pipeline', 'String'],
  ['customer_pseudonym', 'String'],
  ['segment', 'String'],
  ['cause', 'String'],
  ['causes', 'Array(String)'],
  ['threshold', 'UInt32'],
  ['abandons', 'UInt32'],
  ['failed_touchpoints', 'UInt32'],
  ['negative_answers', 'UInt32'],
  ['long_waits', 'UInt32'],
  ['repeat_contacts', 'UInt32'],
  ['touchpoint', 'String'],
  ['owner_team', 'String'],
  ['lookback_ms', 'UInt64'],
  ['ts_ms', 'UInt64'],
  ['period_start_ms', 'UInt64'],
  ['written_at_ms', 'UInt64'],
];

/** A work order and when the sink wrote it. */
export interface WorkOrderRow {
  workOrder: WorkOrder;
  writtenAtMs: number;
}

export const workOrderEncoder: RowEncoder<WorkOrderRow> = {
  columns: WORK_ORDER_COLUMNS,
  bytesPerRow: 256,
  encode(rows) {
    const w = new RowBinaryBuilder(rows.length * this.bytesPerRow);
    for (const { workOrder: o, writtenAtMs } of rows) {
      w.string(o.id);
      w.string(o.pipeline);
      w.string(o.customer);
      w.string(o.segment);
      w.string(o.cause);
      w.stringArray(o.causes);
      w.uint32(o.threshold);
      w.uint32(o.evidence.abandons);
      w.uint32(o.evidence.failedTouchpoints);
      w.uint32(o.evidence.negativeAnswers);
      w.uint32(o.evidence.longWaits);
      w.uint32(o.evidence.repeatContacts);
      w.string(o.touchpoint);
      w.string(o.ownerTeam);
      w.uint64(o.lookbackMs);
      w.uint64(o.ts);
      w.uint64(o.periodStartMs);
      w.uint64(writtenAtMs);
    }
    return w.finish();
  },
};
