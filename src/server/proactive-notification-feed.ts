/**
 * The recent proactive notifications for the live side (the WebSocket `proactiveNotification`
 * message, the snapshot, `GET /api/proactive-notifications`). Bounded: the wallboard shows what
 * was just raised, ClickHouse `proactive_notifications` holds the history. Entity and customer are
 * already keyed pseudonyms (proactive-notification.ts).
 */
import type { ProactiveNotification } from '../analytics/proactive/proactive-notification.js';
import { RecentFeed } from './recent-feed.js';

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

export class ProactiveNotificationFeed extends RecentFeed<ProactiveNotification, WireProactiveNotification> {
  constructor(limit = DEFAULT_RECENT_PROACTIVE_NOTIFICATIONS) {
    super(limit, toWireProactiveNotification);
  }
}
