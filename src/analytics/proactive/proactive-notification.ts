/**
 * A proactive notification: "this account will run out of its data within the week, tell them
 * now". Raised by the usage forecaster (usage-forecaster.ts) before the entity runs out, published
 * to `cx.notifications`, stored in ClickHouse `proactive_notifications` and shown on the wallboard.
 * It never holds the raw entity or customer id, only their keyed pseudonyms (the ClickHouse sink's
 * HMAC), so it joins with the stored interactions.
 */
import { createHash } from 'node:crypto';

export interface ProactiveNotification {
  /** Deterministic: the same series and cycle give the same id (a replay does not duplicate). */
  id: string;
  /** Event time of the event whose forecast crossed, epoch ms. */
  ts: number;
  /** Pipeline whose `proactiveCare:` section raised it. */
  pipeline: string;
  /** The event field naming the entity (the section's `entity`, e.g. `accountId`). */
  entityField: string;
  /** HMAC-SHA256 pseudonym of the entity id. */
  entity: string;
  /** Pseudonym of the event's `customerId`; empty when it has none. */
  customer: string;
  /** The event's segment; empty when it has none. */
  segment: string;
  /** Value of the section's `series` field (e.g. the metric `data-mb`); empty without one. */
  series: string;
  /** What the entity has left (the section's `limit` field, newest in event time). */
  remaining: number;
  /** Projected consumption over the horizon from `ts`. */
  predictedUsage: number;
  horizonMs: number;
  margin: number;
  /** When the projection reaches `remaining`, epoch ms; null when not within twice the horizon. */
  predictedRunOutTs: number | null;
  /** P(consumption over the horizon ≥ remaining) under normal one-step errors (docs/analytics.md). */
  runOutProbability: number;
  /** Projected consumption of the next bucket (Holt's level + trend, at least 0). */
  usageNextBucket: number;
  bucketMs: number;
  /** Holt's level and trend per bucket, and the smoothed root-mean-square one-step error. */
  level: number;
  trend: number;
  residualSd: number;
  /** Complete buckets the forecast rests on. */
  historyBuckets: number;
  /** Start of the cycle (first event of the series, or its last top-up), epoch ms. */
  cycleStartTs: number;
}

/** `pn-` + 32 hex of SHA-256 over pipeline, entity pseudonym, series and cycle start. */
export function proactiveNotificationId(
  pipeline: string,
  entity: string,
  series: string,
  cycleStartTs: number,
): string {
  const digest = createHash('sha256')
    .update(`${pipeline}\u0000${entity}\u0000${series}\u0000${cycleStartTs}`)
    .digest('hex');
  return `pn-${digest.slice(0, 32)}`;
}

/** Where proactive notifications go (the cx.notifications topic, ClickHouse): the port the app hands them to. */
export interface ProactiveNotificationSink {
  readonly name: string;
  /** Resolves when the notifications are stored or sent; rejects when they could not be. */
  publish(notifications: readonly ProactiveNotification[]): Promise<void>;
  close(): Promise<void>;
}
