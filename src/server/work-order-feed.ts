/**
 * The recent at-risk work orders for the live side (the WebSocket `workOrder` message, the snapshot,
 * `GET /api/work-orders`). Bounded: the wallboard shows what just happened, ClickHouse `work_orders`
 * holds the history.
 *
 * The wire form copies named fields (see WireWorkOrder). `customer` is already the keyed pseudonym
 * (work-order.ts).
 */
import type { WorkOrder } from '../analytics/at-risk/work-order.js';
import { RecentFeed } from './recent-feed.js';

/**
 * The same fields as WorkOrder, copied one by one in toWireWorkOrder: a field added to WorkOrder
 * fails to compile there until someone decides whether viewers may see it.
 */
export type WireWorkOrder = WorkOrder;

export function toWireWorkOrder(o: WorkOrder): WireWorkOrder {
  return {
    id: o.id,
    ts: o.ts,
    pipeline: o.pipeline,
    customer: o.customer,
    segment: o.segment,
    cause: o.cause,
    causes: [...o.causes],
    threshold: o.threshold,
    evidence: { ...o.evidence },
    touchpoint: o.touchpoint,
    ownerTeam: o.ownerTeam,
    lookbackMs: o.lookbackMs,
    periodStartMs: o.periodStartMs,
  };
}

export const DEFAULT_RECENT_WORK_ORDERS = 50;

export class WorkOrderFeed extends RecentFeed<WorkOrder, WireWorkOrder> {
  constructor(limit = DEFAULT_RECENT_WORK_ORDERS) {
    super(limit, toWireWorkOrder);
  }
}
