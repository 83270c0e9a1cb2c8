/**
 * The recent proactive notifications for the live side (the WebSocket `proactiveNotification`
 * message, the snapshot, `GET /api/proactive-notifications`). Bounded: the wallboard shows what
 * was just raised, ClickHouse `proactive_notifications` holds the history. Entity and customer are
 * already keyed pseudonyms (proactive-notification.ts).
 */
import type { ProactiveNotification } from '../analytics/proactive/proactive-notification.js';

/**
 * The same fields as ProactiveNotification, copied one by one in toWireProactiveNotification: a
 * field added to ProactiveNotification fails to compile there until someone decides whether
 * viewers may see it.
 */
export type WireProactiveNotification = ProactiveNotification;

export function toWireProactiveNotification(n: ProactiveNotification): WireProactiveNotification {
  return {
    id: n.id,
    ts: n.ts,
    pipeline: n.pipeline,
    entityField: n.entityField,
    entity: n.entity,
    customer: n.customer,
    segment: n.segment,
    series: n.series,
    remaining: n.remaining,
    predictedUsage: n.predictedUsage,
    horizonMs: n.horizonMs,
    margin: n.margin,
    predictedRunOutTs: n.predictedRunOutTs,
    runOutProbability: n.runOutProbability,
    usageNextBucket: n.usageNextBucket,
    bucketMs: n.bucketMs,
    level: n.level,
    trend: n.trend,
    residualSd: n.residualSd,
    historyBuckets: n.historyBuckets,
    cycleStartTs: n.cycleStartTs,
  };
}

export const DEFAULT_RECENT_PROACTIVE_NOTIFICATIONS = 50;

export class ProactiveNotificationFeed {
  /** Newest `ts` first. */
  private notifications: WireProactiveNotification[] = [];
  private readonly listeners = new Set<(notification: WireProactiveNotification) => void>();

  constructor(readonly limit = DEFAULT_RECENT_PROACTIVE_NOTIFICATIONS) {}

  /**
   * Adds notifications as the forecasters raise them. A replay raises the same id again: it
   * replaces the kept one rather than showing twice. Listeners hear every added one, even one too
   * old to be kept, in the order given.
   */
  add(notifications: readonly ProactiveNotification[]): void {
    for (const notification of notifications) {
      const wire = toWireProactiveNotification(notification);
      const at = this.notifications.findIndex((n) => n.id === wire.id);
      if (at >= 0) this.notifications.splice(at, 1);
      let i = 0;
      while (i < this.notifications.length && this.notifications[i]!.ts > wire.ts) i++;
      this.notifications.splice(i, 0, wire);
      if (this.notifications.length > this.limit) this.notifications.length = this.limit;
      for (const l of this.listeners) l(wire);
    }
  }

  /** The kept notifications, newest first. */
  recent(): WireProactiveNotification[] {
    return [...this.notifications];
  }

  onAdd(listener: (notification: WireProactiveNotification) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
