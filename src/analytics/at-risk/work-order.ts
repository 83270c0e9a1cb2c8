/**
 * A work order: "this customer had a bad time, team X should call them back". Raised by the at-risk
 * tracker (at-risk-tracker.ts), published to `cx.workorders` and stored in ClickHouse `work_orders`.
 * It never holds the raw customer id, only its keyed pseudonym (the ClickHouse sink's HMAC).
 */
import { createHash } from 'node:crypto';
import type { AtRiskCause } from '../../config/pipeline-definition.js';

export type WorkOrderEvidence = Record<AtRiskCause, number>;

export interface WorkOrder {
  /** Deterministic: the same customer, cause and dedup period give the same id (replays do not duplicate). */
  id: string;
  /** Event time of the event that crossed the threshold, epoch ms. */
  ts: number;
  /** Pipeline whose `atRisk:` section raised it. */
  pipeline: string;
  /** HMAC-SHA256 pseudonym of the customer id (docs/storage.md#pseudonymisation). */
  customer: string;
  segment: string;
  /** The cause that crossed its threshold (the first in AT_RISK_CAUSES order when several did). */
  cause: AtRiskCause;
  /** Every cause that crossed with this event and had not been raised in this period yet. */
  causes: AtRiskCause[];
  /** The segment's threshold of `cause`. */
  threshold: number;
  /** Counts of every cause within the lookback at `ts` (repeatContacts: contacts after the first). */
  evidence: WorkOrderEvidence;
  /** Touchpoint (or contact queue) of the event that crossed; it picks the owner. */
  touchpoint: string;
  ownerTeam: string;
  lookbackMs: number;
  /** Start of the dedup period the work order belongs to, epoch ms (aligned to dedupWindowMs). */
  periodStartMs: number;
}

/** `wo-` + 32 hex of SHA-256 over pipeline, pseudonym, cause and period start. */
export function workOrderId(
  pipeline: string,
  customer: string,
  cause: AtRiskCause,
  periodStartMs: number,
): string {
  const digest = createHash('sha256')
    .update(`${pipeline}\u0000${customer}\u0000${cause}\u0000${periodStartMs}`)
    .digest('hex');
  return `wo-${digest.slice(0, 32)}`;
}

/** Where work orders go (the cx.workorders topic, ClickHouse): the port the app hands them to. */
export interface WorkOrderSink {
  readonly name: string;
  /** Resolves when the work orders are stored or sent; rejects when they could not be. */
  publish(workOrders: readonly WorkOrder[]): Promise<void>;
  close(): Promise<void>;
}
