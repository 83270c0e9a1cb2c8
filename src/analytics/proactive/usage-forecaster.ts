/**
 * Proactive care: per series (an entity, or an entity and the value of the section's `series`
 * field), a short-horizon forecast of its consumption from its own recent events, and one
 * proactive notification (proactive-notification.ts) when the forecast says it will run out.
 *
 * Per event of a series, in event time (docs/analytics.md, "Proactive care forecasts", has it all):
 * - its `value` adds to the consumption of its event-time bucket (aligned to the epoch). When an
 *   event of a later bucket arrives, the open bucket is complete: Holt's smoothing takes it
 *   (holt-forecast.ts), and every bucket skipped since as a zero. A series' first bucket is partial
 *   (it was first seen somewhere inside it) and is not smoothed. An event of a bucket already
 *   smoothed is too late: its value is not counted.
 * - idle series end: with W the newest bucket of any event so far and I = expireAfter / bucket, a
 *   series whose open bucket is ≤ W − I is over, and its next event starts it afresh; an event of a
 *   bucket ≤ W − I is too late for any series. Which over series still hold memory (expiry runs at
 *   batch ends) therefore changes nothing that is raised.
 * - its `limit` (what is left) replaces the series' balance when the event is the newest; a rise is
 *   a top-up, which starts a new cycle.
 * - with at least `minHistory` buckets smoothed and a balance above zero: the projection U over the
 *   horizon from the event's time; when U × (1 + margin) ≥ balance, one notification, unless this
 *   cycle already had one.
 *
 * Memory: struct-of-arrays, one slot per series — eight Float64 (open bucket and its sum, level,
 * trend, error variance, balance and its time, cycle start), a Uint16 bucket count and a Uint8 of
 * flags: 67 bytes — plus one Map entry from the series key (the entity id, or series value + NUL +
 * entity id) to the slot. The Map is kept in the order series last advanced a bucket, so series
 * idle for `expireAfter` are dropped from its front at the end of each batch and their slots
 * reused; past `maxSeries` the front one is dropped early (counted).
 *
 * Pure: no I/O, no wall clock, no RxJS. `processBatch` is the whole interface; the operator in
 * proactive-notifications.ts wraps it.
 */
import type { ProactiveCareDefinition } from '../../config/proactive-care-section.js';
import type { CxEvent } from '../../events/types.js';
import {
  bucketsUntilRunOut,
  holtStep,
  projectedUsage,
  runOutProbability,
  type HoltState,
} from './holt-forecast.js';
import { proactiveNotificationId, type ProactiveNotification } from './proactive-notification.js';

const INITIAL_CAPACITY = 1024;
const MAX_BUCKETS_COUNTED = 0xffff;
/** The series' first bucket is partial: not smoothed. */
const PARTIAL = 1;
/** This cycle's notification was raised. */
const NOTIFIED = 2;
/** This cycle ran out (balance ≤ 0) before any notification; counted once. */
const RAN_OUT = 4;
/** A balance was seen. */
const HAS_BALANCE = 8;

export interface UsageForecasterOptions {
  pipeline: string;
  care: ProactiveCareDefinition;
  /** Entity id → pseudonym; the same HMAC as the ClickHouse sink so notifications join with history. */
  pseudonymise: (id: string) => string;
}

export interface UsageForecasterStats {
  /** Events that named an entity and carried a value or a limit. */
  observed: number;
  /** Events without the entity field, or with neither a usable value nor a usable limit. */
  skipped: number;
  /** Events whose bucket had already been smoothed, or was expireAfter behind the newest: ignored. */
  tooLate: number;
  /** Rises of a balance (new cycles). */
  topUps: number;
  /** Series found over (idle for expireAfter) at their next event, before expiry had dropped them. */
  restarted: number;
  /** Series forgotten after expireAfter without events. */
  expired: number;
  /** Series forgotten early because maxSeries was reached. */
  evictedForCapacity: number;
  /** Cycles whose balance reached zero before a notification could be raised (too little history, or no warning in time). */
  ranOutUnnotified: number;
  notifications: number;
}

export class UsageForecaster {
  readonly pipeline: string;
  readonly care: ProactiveCareDefinition;
  readonly stats: UsageForecasterStats = {
    observed: 0,
    skipped: 0,
    tooLate: 0,
    topUps: 0,
    restarted: 0,
    expired: 0,
    evictedForCapacity: 0,
    ranOutUnnotified: 0,
    notifications: 0,
  };
  private readonly bucketMs: number;
  private readonly horizonBuckets: number;
  private readonly idleBuckets: number;
  private readonly alpha: number;
  private readonly beta: number;
  private readonly pseudonymise: (id: string) => string;
  private readonly slotOf = new Map<string, number>();
  private readonly free: number[] = [];
  private capacity = 0;
  private used = 0;
  private openBucket = new Float64Array(0);
  private openSum = new Float64Array(0);
  private level = new Float64Array(0);
  private trend = new Float64Array(0);
  private errorVariance = new Float64Array(0);
  private balance = new Float64Array(0);
  private balanceTs = new Float64Array(0);
  private cycleStart = new Float64Array(0);
  private buckets = new Uint16Array(0);
  private flags = new Uint8Array(0);
  /** Newest bucket of any event seen. */
  private watermark = -Infinity;
  private readonly holt: HoltState = { level: 0, trend: 0, errorVariance: 0, buckets: 0 };

  constructor(options: UsageForecasterOptions) {
    this.pipeline = options.pipeline;
    this.care = options.care;
    this.pseudonymise = options.pseudonymise;
    this.bucketMs = options.care.bucketMs;
    this.horizonBuckets = options.care.horizonMs / options.care.bucketMs;
    this.idleBuckets = options.care.expireAfterMs / options.care.bucketMs;
    if (!Number.isInteger(this.horizonBuckets) || !Number.isInteger(this.idleBuckets) || this.bucketMs <= 0) {
      throw new RangeError('horizon and expireAfter must be whole numbers of buckets');
    }
    this.alpha = options.care.smoothing.level;
    this.beta = options.care.smoothing.trend;
    this.grow(INITIAL_CAPACITY);
  }

  /** Series held. */
  get size(): number {
    return this.slotOf.size;
  }

  /** Appends the notifications a batch raises to `out`, in event order; then forgets idle series. */
  processBatch(events: readonly CxEvent[], out: ProactiveNotification[]): void {
    for (let i = 0; i < events.length; i++) this.observe(events[i]!, out);
    this.expire();
  }

  private observe(event: CxEvent, out: ProactiveNotification[]): void {
    const bucket = Math.floor(event.ts / this.bucketMs);
    if (bucket > this.watermark) this.watermark = bucket;
    const over = this.watermark - this.idleBuckets;
    const fields = event as unknown as Record<string, unknown>;
    const care = this.care;
    const entity = fields[care.entityField];
    const rawValue = fields[care.valueField];
    const rawLimit = fields[care.limitField];
    const value = typeof rawValue === 'number' && rawValue >= 0 && rawValue < Infinity ? rawValue : -1;
    const limit = typeof rawLimit === 'number' && Number.isFinite(rawLimit) ? rawLimit : NaN;
    if (typeof entity !== 'string' || entity === '' || (value < 0 && Number.isNaN(limit))) {
      this.stats.skipped++;
      return;
    }
    if (bucket <= over) {
      this.stats.tooLate++;
      return;
    }
    this.stats.observed++;
    let series = '';
    if (care.seriesField !== undefined) {
      const s = fields[care.seriesField];
      if (typeof s === 'string') series = s;
    }
    const key = series === '' ? entity : `${series}\u0000${entity}`;
    const slot = this.slotFor(key, bucket, event.ts, over);
    if (bucket < this.openBucket[slot]!) {
      // Its bucket was smoothed already; a balance this old is not the newest either.
      this.stats.tooLate++;
      return;
    }
    if (value > 0) this.openSum[slot] = this.openSum[slot]! + value;
    if (!Number.isNaN(limit) && event.ts >= this.balanceTs[slot]!) {
      const flags = this.flags[slot]!;
      if (flags & HAS_BALANCE && limit > this.balance[slot]!) {
        this.stats.topUps++;
        this.cycleStart[slot] = event.ts;
        this.flags[slot] = flags & ~(NOTIFIED | RAN_OUT);
      }
      this.flags[slot] = this.flags[slot]! | HAS_BALANCE;
      this.balance[slot] = limit;
      this.balanceTs[slot] = event.ts;
    }
    this.check(event, slot, series, entity, out);
  }

  private check(event: CxEvent, slot: number, series: string, entity: string, out: ProactiveNotification[]) {
    const flags = this.flags[slot]!;
    if (!(flags & HAS_BALANCE) || flags & (NOTIFIED | RAN_OUT)) return;
    const remaining = this.balance[slot]!;
    if (remaining <= 0) {
      this.flags[slot] = flags | RAN_OUT;
      this.stats.ranOutUnnotified++;
      return;
    }
    const history = this.buckets[slot]!;
    if (history < this.care.minHistory) return;
    const level = this.level[slot]!;
    const trend = this.trend[slot]!;
    const from = (event.ts - this.openBucket[slot]! * this.bucketMs) / this.bucketMs;
    const h = this.horizonBuckets;
    const predicted = projectedUsage(level, trend, from, h);
    if (predicted * (1 + this.care.margin) < remaining) return;

    this.flags[slot] = flags | NOTIFIED;
    this.stats.notifications++;
    const runOut = bucketsUntilRunOut(level, trend, from, remaining, 2 * h);
    const pseudonym = this.pseudonymise(entity);
    const customerId = (event as { customerId?: unknown }).customerId;
    const cycleStartTs = this.cycleStart[slot]!;
    const errorVariance = this.errorVariance[slot]!;
    out.push({
      id: proactiveNotificationId(this.pipeline, pseudonym, series, cycleStartTs),
      ts: event.ts,
      pipeline: this.pipeline,
      entityField: this.care.entityField,
      entity: pseudonym,
      customer: typeof customerId === 'string' && customerId !== '' ? this.pseudonymise(customerId) : '',
      segment: event.segment ?? '',
      series,
      remaining,
      predictedUsage: predicted,
      horizonMs: this.care.horizonMs,
      margin: this.care.margin,
      predictedRunOutTs: runOut === null ? null : Math.round(event.ts + runOut * this.bucketMs),
      runOutProbability: runOutProbability(predicted, remaining, errorVariance, h),
      usageNextBucket: Math.max(0, level + trend),
      bucketMs: this.bucketMs,
      level,
      trend,
      residualSd: Math.sqrt(errorVariance),
      historyBuckets: history,
      cycleStartTs,
    });
  }

  /**
   * The series' slot, its open bucket advanced to `bucket` (the buckets it leaves smoothed); a new
   * slot when the series is unknown or over (its open bucket ≤ `over`). So `bucket` − open bucket
   * < expireAfter / bucket: the zero-filling loop is bounded by the configuration.
   */
  private slotFor(key: string, bucket: number, ts: number, over: number): number {
    let slot = this.slotOf.get(key);
    if (slot !== undefined && this.openBucket[slot]! <= over) {
      this.stats.restarted++;
      this.slotOf.delete(key);
      this.free.push(slot);
      slot = undefined;
    }
    if (slot === undefined) {
      if (this.slotOf.size >= this.care.maxSeries) this.dropFront(true);
      slot = this.free.length > 0 ? this.free.pop()! : this.used++;
      if (slot >= this.capacity) this.grow(this.capacity * 2);
      this.openBucket[slot] = bucket;
      this.openSum[slot] = 0;
      this.level[slot] = 0;
      this.trend[slot] = 0;
      this.errorVariance[slot] = 0;
      this.balance[slot] = 0;
      this.balanceTs[slot] = -Infinity;
      this.cycleStart[slot] = ts;
      this.buckets[slot] = 0;
      this.flags[slot] = PARTIAL;
      this.slotOf.set(key, slot);
      return slot;
    }
    const open = this.openBucket[slot]!;
    if (bucket <= open) return slot;
    const holt = this.holt;
    holt.level = this.level[slot]!;
    holt.trend = this.trend[slot]!;
    holt.errorVariance = this.errorVariance[slot]!;
    holt.buckets = this.buckets[slot]!;
    if (this.flags[slot]! & PARTIAL) this.flags[slot] = this.flags[slot]! & ~PARTIAL;
    else holtStep(holt, this.openSum[slot]!, this.alpha, this.beta);
    for (let b = open + 1; b < bucket; b++) holtStep(holt, 0, this.alpha, this.beta);
    this.level[slot] = holt.level;
    this.trend[slot] = holt.trend;
    this.errorVariance[slot] = holt.errorVariance;
    this.buckets[slot] = Math.min(holt.buckets, MAX_BUCKETS_COUNTED);
    this.openBucket[slot] = bucket;
    this.openSum[slot] = 0;
    // Re-inserted so the Map stays in the order series advanced: expiry walks its front.
    this.slotOf.delete(key);
    this.slotOf.set(key, slot);
    return slot;
  }

  /**
   * Frees the series that are over (open bucket expireAfter or more behind the newest bucket), from
   * the front of the Map: it is in the order series advanced, so those are usually all there; one
   * stuck behind a younger series is freed a little later, and is over all the same.
   */
  expire(): void {
    const horizon = this.watermark - this.idleBuckets;
    while (this.slotOf.size > 0) {
      const first = this.slotOf.entries().next().value!;
      if (this.openBucket[first[1]]! > horizon) break;
      this.dropFront(false);
    }
  }

  private dropFront(forCapacity: boolean): void {
    const first = this.slotOf.entries().next();
    if (first.done) return;
    const [key, slot] = first.value;
    this.slotOf.delete(key);
    this.free.push(slot);
    if (forCapacity) this.stats.evictedForCapacity++;
    else this.stats.expired++;
  }

  private grow(capacity: number): void {
    const f64 = (old: Float64Array) => {
      const next = new Float64Array(capacity);
      next.set(old);
      return next;
    };
    this.openBucket = f64(this.openBucket);
    this.openSum = f64(this.openSum);
    this.level = f64(this.level);
    this.trend = f64(this.trend);
    this.errorVariance = f64(this.errorVariance);
    this.balance = f64(this.balance);
    this.balanceTs = f64(this.balanceTs);
    this.cycleStart = f64(this.cycleStart);
    const buckets = new Uint16Array(capacity);
    buckets.set(this.buckets);
    this.buckets = buckets;
    const flags = new Uint8Array(capacity);
    flags.set(this.flags);
    this.flags = flags;
    this.capacity = capacity;
  }
}
