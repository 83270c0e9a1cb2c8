/**
 * At-risk customers: per customer, a rolling count of bad experiences over a lookback, in event
 * time; when a count reaches its segment's threshold, one work order (work-order.ts).
 *
 * The record (docs/analytics.md, "At-risk customers" has the formula):
 * - `repeatContacts`: contacts queued after the first (a transfer re-queues the same contact and
 *   counts once); `abandons`; `longWaits` (answered or abandoned after ≥ longWaitMs);
 *   `failedTouchpoints` (touchpoint events with outcome `failure`); `negativeAnswers` (survey csat or
 *   nps at or below their limits, social posts at or below a sentiment).
 * - Time is cut into buckets of lookbackMs / N, aligned to the epoch. The lookback at any moment is
 *   the N newest buckets up to the stream's newest event time (the watermark G, in buckets): counts
 *   are of events whose bucket is in (G − N, G]. So a count covers between lookback − bucket and
 *   lookback of history: that is the approximation, and what lets a customer be a few bytes.
 * - Only an event that adds to a cause can raise it, so a work order always has fresh evidence.
 *   Dedup: at most one work order per customer, cause and aligned period of dedupWindowMs; several
 *   causes crossing on one event make one work order, named after the first in AT_RISK_CAUSES order.
 * - An event whose bucket already left the lookback (≤ G − N) is too late and ignored.
 *
 * Memory: struct-of-arrays, one slot per customer — N × 5 one-byte counters (saturating at 255), the
 * newest bucket (Float64), a 32-bit hash of the last contact id and a segment code: N × 5 + 13
 * bytes — plus one Map entry from the customer id (the string the event already carries) to the
 * slot. Customers are kept in the Map in the order their newest bucket last advanced, so those
 * whose whole record left the lookback are dropped from the front at the end of each batch and their
 * slots reused; past maxCustomers the front one is dropped early (counted). Dedup marks of customers
 * who got a work order live in a small side map until their period can no longer recur.
 *
 * Pure: no I/O, no wall clock, no RxJS. `processBatch` is the whole interface; the operator in
 * at-risk-work-orders.ts wraps it.
 */
import { AT_RISK_CAUSES, type AtRiskCause, type AtRiskDefinition } from '../../config/pipeline-definition.js';
import type { CxEvent } from '../../events/types.js';
import { workOrderId, type WorkOrder, type WorkOrderEvidence } from './work-order.js';

const CAUSES = AT_RISK_CAUSES.length;
const ABANDONS = AT_RISK_CAUSES.indexOf('abandons');
const FAILED = AT_RISK_CAUSES.indexOf('failedTouchpoints');
const NEGATIVE = AT_RISK_CAUSES.indexOf('negativeAnswers');
const LONG_WAITS = AT_RISK_CAUSES.indexOf('longWaits');
const CONTACTS = AT_RISK_CAUSES.indexOf('repeatContacts');
const DISABLED = 0x7fffffff;
const INITIAL_CAPACITY = 1024;
/** Segment codes fit a byte; segments beyond these share the `default` rules. */
const MAX_SEGMENTS = 255;

export interface AtRiskTrackerOptions {
  pipeline: string;
  rules: AtRiskDefinition;
  /** Customer id → pseudonym; the same HMAC as the ClickHouse sink so work orders join with history. */
  pseudonymise: (customerId: string) => string;
}

export interface AtRiskTrackerStats {
  /** Events that added to some customer's record. */
  signals: number;
  /** Signals ignored because their bucket had already left the lookback. */
  tooLate: number;
  /** Customers forgotten because their whole record left the lookback. */
  expired: number;
  /** Customers forgotten early because maxCustomers was reached (their record was lost). */
  evictedForCapacity: number;
  workOrders: number;
}

export class AtRiskTracker {
  readonly pipeline: string;
  readonly rules: AtRiskDefinition;
  readonly bucketMs: number;
  readonly stats: AtRiskTrackerStats = {
    signals: 0,
    tooLate: 0,
    expired: 0,
    evictedForCapacity: 0,
    workOrders: 0,
  };
  private readonly n: number;
  private readonly stride: number;
  private readonly pseudonymise: (customerId: string) => string;
  private readonly slotOf = new Map<string, number>();
  private readonly free: number[] = [];
  private capacity = 0;
  private used = 0;
  private counts = new Uint8Array(0);
  private newest = new Float64Array(0);
  private contactHash = new Int32Array(0);
  private segmentCode = new Uint8Array(0);
  /** Watermark in buckets: the newest bucket of any event seen. */
  private watermark = -Infinity;
  private readonly segmentNames: string[] = ['default'];
  private readonly segmentByName = new Map<string, number>([['default', 0]]);
  /** Thresholds per segment code, CAUSES per segment; DISABLED when a cause is not raised. */
  private thresholds: number[] = [];
  /** customer id → [period, mask, period, mask, …] of causes raised per dedup period. */
  private readonly raised = new Map<string, number[]>();
  private readonly touched: number[] = [];

  constructor(options: AtRiskTrackerOptions) {
    this.pipeline = options.pipeline;
    this.rules = options.rules;
    this.pseudonymise = options.pseudonymise;
    this.n = options.rules.buckets;
    this.bucketMs = options.rules.lookbackMs / options.rules.buckets;
    if (!Number.isInteger(this.bucketMs) || this.bucketMs <= 0) {
      throw new RangeError(`lookback ${options.rules.lookbackMs} ms does not split into ${this.n} buckets`);
    }
    this.stride = this.n * CAUSES;
    this.thresholds = this.thresholdsOf('default');
    for (const segment of Object.keys(options.rules.thresholds))
      if (segment !== 'default') this.codeOf(segment);
    this.grow(INITIAL_CAPACITY);
  }

  /** Customers held. */
  get size(): number {
    return this.slotOf.size;
  }

  /** Customers with dedup marks held (those who got a work order in a period that may recur). */
  get raisedSize(): number {
    return this.raised.size;
  }

  /** Appends the work orders a batch raises to `out`, in event order; then expires idle customers. */
  processBatch(events: readonly CxEvent[], out: WorkOrder[]): void {
    for (let i = 0; i < events.length; i++) this.observe(events[i]!, out);
    this.expire();
  }

  private observe(event: CxEvent, out: WorkOrder[]): void {
    const bucket = Math.floor(event.ts / this.bucketMs);
    if (bucket > this.watermark) this.watermark = bucket;
    const e = event as CxEvent & {
      customerId?: string;
      contactId?: string;
      waitMs?: number;
      outcome?: string;
      csat?: number;
      nps?: number;
      sentiment?: number;
    };
    const customer = e.customerId;
    if (customer === undefined) return;
    const touched = this.touched;
    touched.length = 0;
    switch (event.type) {
      case 'contact.queued':
        touched.push(CONTACTS);
        break;
      case 'contact.abandoned':
        touched.push(ABANDONS);
        if (e.waitMs !== undefined && e.waitMs >= this.rules.longWaitMs) touched.push(LONG_WAITS);
        break;
      case 'contact.answered':
        if (e.waitMs !== undefined && e.waitMs >= this.rules.longWaitMs) touched.push(LONG_WAITS);
        break;
      case 'touchpoint.event':
        if (e.outcome === 'failure') touched.push(FAILED);
        break;
      case 'survey.response': {
        const negative = this.rules.negative;
        if (
          (e.csat !== undefined && e.csat <= negative.csatAtMost) ||
          (e.nps !== undefined && e.nps <= negative.npsAtMost)
        ) {
          touched.push(NEGATIVE);
        }
        break;
      }
      case 'feedback.social':
        if (e.sentiment !== undefined && e.sentiment <= this.rules.negative.sentimentAtMost)
          touched.push(NEGATIVE);
        break;
      default:
        break;
    }
    if (touched.length === 0) return;
    const n = this.n;
    if (bucket <= this.watermark - n) {
      this.stats.tooLate++;
      return;
    }
    this.stats.signals++;
    const slot = this.slotFor(customer, bucket);
    if (event.segment !== undefined) this.segmentCode[slot] = this.codeOf(event.segment);
    const ring = slot * this.stride + (((bucket % n) + n) % n) * CAUSES;
    const counts = this.counts;
    let crossed = 0;
    const segment = this.segmentCode[slot]!;
    for (let t = 0; t < touched.length; t++) {
      const cause = touched[t]!;
      if (cause === CONTACTS) {
        const hash = contactHash(e.contactId ?? '');
        if (hash === this.contactHash[slot]) continue;
        this.contactHash[slot] = hash;
      }
      if (counts[ring + cause]! < 255) counts[ring + cause]!++;
      const threshold = this.thresholds[segment * CAUSES + cause]!;
      if (threshold !== DISABLED && this.windowCount(slot, cause) >= threshold) crossed |= 1 << cause;
    }
    if (crossed !== 0) this.raise(event, customer, slot, crossed, out);
  }

  /** Count of one cause in the lookback, as the work order reports it. */
  private windowCount(slot: number, cause: number): number {
    const n = this.n;
    const newest = this.newest[slot]!;
    const from = Math.max(newest - n + 1, this.watermark - n + 1);
    let sum = 0;
    const base = slot * this.stride + cause;
    for (let b = from; b <= newest; b++) sum += this.counts[base + (((b % n) + n) % n) * CAUSES]!;
    return cause === CONTACTS ? Math.max(0, sum - 1) : sum;
  }

  private raise(event: CxEvent, customer: string, slot: number, crossed: number, out: WorkOrder[]): void {
    const dedupMs = this.rules.dedupWindowMs;
    const period = Math.floor(event.ts / dedupMs);
    let marks = this.raised.get(customer);
    let at = -1;
    if (marks !== undefined) {
      for (let i = 0; i < marks.length; i += 2) if (marks[i] === period) at = i;
    }
    const already = at >= 0 ? marks![at + 1]! : 0;
    const fresh = crossed & ~already;
    if (fresh === 0) return;
    if (marks === undefined) this.raised.set(customer, (marks = []));
    if (at >= 0) marks[at + 1] = already | fresh;
    else marks.push(period, fresh);

    const causes: AtRiskCause[] = [];
    for (let c = 0; c < CAUSES; c++) if (fresh & (1 << c)) causes.push(AT_RISK_CAUSES[c]!);
    const cause = causes[0]!;
    const evidence = {} as WorkOrderEvidence;
    for (let c = 0; c < CAUSES; c++) evidence[AT_RISK_CAUSES[c]!] = this.windowCount(slot, c);
    const segmentCode = this.segmentCode[slot]!;
    const segment = event.segment ?? this.segmentNames[segmentCode]!;
    const e = event as { touchpoint?: string; queue?: string; channel?: string };
    const touchpoint = e.touchpoint ?? e.queue ?? e.channel ?? '';
    const owners = this.rules.owners;
    const pseudonym = this.pseudonymise(customer);
    const periodStartMs = period * dedupMs;
    this.stats.workOrders++;
    out.push({
      id: workOrderId(this.pipeline, pseudonym, cause, periodStartMs),
      ts: event.ts,
      pipeline: this.pipeline,
      customer: pseudonym,
      segment,
      cause,
      causes,
      threshold: this.thresholds[segmentCode * CAUSES + AT_RISK_CAUSES.indexOf(cause)]!,
      evidence,
      touchpoint,
      ownerTeam: Object.hasOwn(owners, touchpoint) ? owners[touchpoint]! : owners.default,
      lookbackMs: this.rules.lookbackMs,
      periodStartMs,
    });
  }

  /** The customer's slot with its ring advanced to `bucket`; a new one when unknown. */
  private slotFor(customer: string, bucket: number): number {
    let slot = this.slotOf.get(customer);
    if (slot === undefined) {
      if (this.slotOf.size >= this.rules.maxCustomers) this.dropFront(true);
      slot = this.free.length > 0 ? this.free.pop()! : this.used++;
      if (slot >= this.capacity) this.grow(this.capacity * 2);
      this.newest[slot] = bucket;
      this.contactHash[slot] = 0;
      this.segmentCode[slot] = 0;
      this.slotOf.set(customer, slot);
      return slot;
    }
    const newest = this.newest[slot]!;
    if (bucket > newest) {
      const n = this.n;
      const base = slot * this.stride;
      const clear = Math.min(bucket - newest, n);
      for (let b = newest + 1; b <= newest + clear; b++) {
        this.counts.fill(0, base + (b % n) * CAUSES, base + (b % n) * CAUSES + CAUSES);
      }
      this.newest[slot] = bucket;
      // Re-inserted so the Map stays in the order newest buckets advanced: expiry walks its front.
      this.slotOf.delete(customer);
      this.slotOf.set(customer, slot);
    }
    return slot;
  }

  /** Drops customers whose newest bucket left the lookback, and dedup marks that cannot recur. */
  expire(): void {
    const horizon = this.watermark - this.n;
    while (this.slotOf.size > 0) {
      const first = this.slotOf.entries().next().value!;
      if (this.newest[first[1]]! > horizon) break;
      this.dropFront(false);
    }
    if (this.raised.size === 0) return;
    // Every event still accepted has a bucket > horizon, so its period is at least this one.
    const oldestPeriod = Math.floor(((horizon + 1) * this.bucketMs) / this.rules.dedupWindowMs);
    for (const [customer, marks] of this.raised) {
      let kept = 0;
      for (let i = 0; i < marks.length; i += 2) {
        if (marks[i]! >= oldestPeriod) {
          marks[kept++] = marks[i]!;
          marks[kept++] = marks[i + 1]!;
        }
      }
      if (kept === 0) this.raised.delete(customer);
      else marks.length = kept;
    }
  }

  private dropFront(forCapacity: boolean): void {
    const first = this.slotOf.entries().next();
    if (first.done) return;
    const [customer, slot] = first.value;
    this.slotOf.delete(customer);
    this.counts.fill(0, slot * this.stride, (slot + 1) * this.stride);
    this.free.push(slot);
    if (forCapacity) this.stats.evictedForCapacity++;
    else this.stats.expired++;
  }

  private grow(capacity: number): void {
    const counts = new Uint8Array(capacity * this.stride);
    counts.set(this.counts);
    this.counts = counts;
    const newest = new Float64Array(capacity);
    newest.set(this.newest);
    this.newest = newest;
    const hashes = new Int32Array(capacity);
    hashes.set(this.contactHash);
    this.contactHash = hashes;
    const segments = new Uint8Array(capacity);
    segments.set(this.segmentCode);
    this.segmentCode = segments;
    this.capacity = capacity;
  }

  private codeOf(segment: string): number {
    const known = this.segmentByName.get(segment);
    if (known !== undefined) return known;
    if (this.segmentNames.length >= MAX_SEGMENTS) return 0;
    const code = this.segmentNames.length;
    this.segmentNames.push(segment);
    this.segmentByName.set(segment, code);
    this.thresholds = this.thresholds.concat(this.thresholdsOf(segment));
    return code;
  }

  private thresholdsOf(segment: string): number[] {
    const base = this.rules.thresholds.default;
    const own = Object.hasOwn(this.rules.thresholds, segment) ? this.rules.thresholds[segment]! : {};
    return AT_RISK_CAUSES.map((cause) => own[cause] ?? base[cause] ?? DISABLED);
  }
}

/** FNV-1a of the contact id, never 0 (0 means "no contact yet"). */
function contactHash(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 1;
}
