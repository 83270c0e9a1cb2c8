/**
 * Enrichment run before the window engine, in event-time order: marks a contact.queued event as a
 * repeat when the same customerId queued another contact at most `lookbackMs` earlier (any queue,
 * any channel). The repeat_contact_rate accumulator reads the mark (see enrichment-marks.ts).
 *
 * Memory is bounded: one number per customer seen within the lookback, at most `maxCustomers`.
 * Entries are kept in last-contact order (delete + set), so expiring the oldest is a walk from the
 * front of the Map. When the cap is hit the least recently seen customer is evicted and counted:
 * that customer's next contact can no longer be recognised as a repeat.
 * An event older than the customer's last contact (out of order) is never a repeat: the later
 * contact was the one that came back.
 */
import type { IndicatorDefinition } from '../config/pipeline-definition.js';
import type { CxEvent } from '../events/types.js';
import { defaultMarks, type EnrichmentMarks } from './enrichment-marks.js';
import { numberParam } from './params.js';

export const DEFAULT_REPEAT_LOOKBACK_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_REPEAT_MAX_CUSTOMERS = 500_000;

export interface RepeatContactTrackerOptions {
  /** How far back another contact makes this one a repeat. Default 24 h. */
  lookbackMs?: number;
  /** Cap on remembered customers. Default 500 000. */
  maxCustomers?: number;
  marks?: EnrichmentMarks;
}

export interface RepeatContactTrackerStats {
  /** Customers forgotten because the cap was reached (possible missed repeats). */
  evictedForCapacity: number;
  /** Customers forgotten because their last contact left the lookback. */
  expired: number;
}

export class RepeatContactTracker {
  readonly lookbackMs: number;
  readonly maxCustomers: number;
  readonly marks: EnrichmentMarks;
  readonly stats: RepeatContactTrackerStats = { evictedForCapacity: 0, expired: 0 };
  private readonly lastContactTs = new Map<string, number>();
  private latestTs = -Infinity;

  constructor(options: RepeatContactTrackerOptions = {}) {
    this.lookbackMs = options.lookbackMs ?? DEFAULT_REPEAT_LOOKBACK_MS;
    this.maxCustomers = options.maxCustomers ?? DEFAULT_REPEAT_MAX_CUSTOMERS;
    this.marks = options.marks ?? defaultMarks;
  }

  /** Options from a repeat_contact_rate definition (params.lookbackMs, params.maxCustomers). */
  static optionsFrom(def: IndicatorDefinition, marks?: EnrichmentMarks): RepeatContactTrackerOptions {
    return {
      lookbackMs: numberParam(def, 'lookbackMs', DEFAULT_REPEAT_LOOKBACK_MS),
      maxCustomers: numberParam(def, 'maxCustomers', DEFAULT_REPEAT_MAX_CUSTOMERS),
      ...(marks ? { marks } : {}),
    };
  }

  get size(): number {
    return this.lastContactTs.size;
  }

  /** Marks the repeats in a batch (in order) and then forgets customers outside the lookback. */
  markRepeats(events: readonly CxEvent[]): void {
    for (let i = 0; i < events.length; i++) this.observe(events[i]!);
    this.expire();
  }

  /** Looks at one event; returns true when it was marked as a repeat. */
  observe(event: CxEvent): boolean {
    if (event.type !== 'contact.queued' || event.customerId === undefined) return false;
    const ts = event.ts;
    if (ts > this.latestTs) this.latestTs = ts;
    const customer = event.customerId;
    const previous = this.lastContactTs.get(customer);
    let repeat = false;
    if (previous === undefined) {
      this.lastContactTs.set(customer, ts);
      if (this.lastContactTs.size > this.maxCustomers) this.evictOldest();
    } else {
      const gap = ts - previous;
      repeat = gap >= 0 && gap <= this.lookbackMs;
      // Re-insert so the Map stays in last-contact order for expiry.
      this.lastContactTs.delete(customer);
      this.lastContactTs.set(customer, gap > 0 ? ts : previous);
    }
    if (repeat) this.marks.repeats.add(event);
    return repeat;
  }

  isRepeat(event: CxEvent): boolean {
    return this.marks.repeats.has(event);
  }

  /** Forgets customers whose last contact is older than the lookback from the latest event time. */
  expire(): void {
    const horizon = this.latestTs - this.lookbackMs;
    for (const [customer, ts] of this.lastContactTs) {
      if (ts >= horizon) break;
      this.lastContactTs.delete(customer);
      this.stats.expired++;
    }
  }

  private evictOldest(): void {
    const oldest = this.lastContactTs.keys().next();
    if (oldest.done) return;
    this.lastContactTs.delete(oldest.value);
    this.stats.evictedForCapacity++;
  }
}
