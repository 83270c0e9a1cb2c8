/**
 * The recent at-risk work orders for the live side (the WebSocket `workOrder` message, the snapshot,
 * `GET /api/work-orders`). Bounded: the wallboard shows what just happened, ClickHouse `work_orders`
 * holds the history.
 *
 * The wire form copies named fields (see WireWorkOrder). `customer` is already the keyed pseudonym
 * (work-order.ts).
 */
import type { WorkOrder } from '../analytics/at-risk/work-order.js';

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

export class WorkOrderFeed {
  /** Newest `ts` first. */
  private orders: WireWorkOrder[] = [];
  private readonly listeners = new Set<(order: WireWorkOrder) => void>();

  constructor(readonly limit = DEFAULT_RECENT_WORK_ORDERS) {}

  /**
   * Adds work orders as the tracker raises them. A replay raises the same id again (work-order.ts):
   * it replaces the kept one rather than showing twice. Listeners hear every added order, even one
   * too old to be kept, in the order given.
   */
  add(orders: readonly WorkOrder[]): void {
    for (const order of orders) {
      const wire = toWireWorkOrder(order);
      const at = this.orders.findIndex((o) => o.id === wire.id);
      if (at >= 0) this.orders.splice(at, 1);
      // Usually at the front: work orders come in event-time order within a pipeline.
      let i = 0;
      while (i < this.orders.length && this.orders[i]!.ts > wire.ts) i++;
      this.orders.splice(i, 0, wire);
      if (this.orders.length > this.limit) this.orders.length = this.limit;
      for (const l of this.listeners) l(wire);
    }
  }

  /** The kept work orders, newest first. */
  recent(): WireWorkOrder[] {
    return [...this.orders];
  }

  onAdd(listener: (order: WireWorkOrder) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
