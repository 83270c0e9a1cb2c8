/**
 * Enrichment run before the window engine, in event-time order: remembers when each journeyId
 * started (ts of its first stageIndex 0 event) and attaches the end-to-end duration
 * (last-stage ts − start ts) to last-stage events (stageIndex === stageCount − 1), for
 * journey_duration_seconds (see enrichment-marks.ts).
 *
 * A journey is forgotten when its last stage succeeds, when it started more than `maxJourneyMs`
 * before the latest event time, or when the `maxJourneys` cap evicts the oldest start (counted).
 * A failed last stage keeps the start, so a successful retry still gets its full duration.
 * A last stage whose start was never seen (before the process started, expired, evicted, or
 * arriving out of order before its start) gets no duration.
 */
import type { IndicatorDefinition } from '../config/pipeline-definition.js';
import type { CxEvent } from '../events/types.js';
import { defaultMarks, type EnrichmentMarks } from './enrichment-marks.js';
import { numberParam } from './params.js';

export const DEFAULT_MAX_JOURNEY_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_MAX_JOURNEYS = 200_000;

export interface JourneyTrackerOptions {
  /** Journeys open longer than this are forgotten. Default 24 h. */
  maxJourneyMs?: number;
  /** Cap on open journeys remembered. Default 200 000. */
  maxJourneys?: number;
  marks?: EnrichmentMarks;
}

export interface JourneyTrackerStats {
  evictedForCapacity: number;
  expired: number;
  /** Last-stage events that got no duration because their start was unknown. */
  unknownStart: number;
}

export class JourneyTracker {
  readonly maxJourneyMs: number;
  readonly maxJourneys: number;
  readonly marks: EnrichmentMarks;
  readonly stats: JourneyTrackerStats = { evictedForCapacity: 0, expired: 0, unknownStart: 0 };
  private readonly startTs = new Map<string, number>();
  private latestTs = -Infinity;

  constructor(options: JourneyTrackerOptions = {}) {
    this.maxJourneyMs = options.maxJourneyMs ?? DEFAULT_MAX_JOURNEY_MS;
    this.maxJourneys = options.maxJourneys ?? DEFAULT_MAX_JOURNEYS;
    this.marks = options.marks ?? defaultMarks;
  }

  /** Options from a journey_duration_seconds definition (params.maxJourneyMs, params.maxJourneys). */
  static optionsFrom(def: IndicatorDefinition, marks?: EnrichmentMarks): JourneyTrackerOptions {
    return {
      maxJourneyMs: numberParam(def, 'maxJourneyMs', DEFAULT_MAX_JOURNEY_MS),
      maxJourneys: numberParam(def, 'maxJourneys', DEFAULT_MAX_JOURNEYS),
      ...(marks ? { marks } : {}),
    };
  }

  get size(): number {
    return this.startTs.size;
  }

  /** Tracks a batch (in order), then forgets journeys older than maxJourneyMs. */
  track(events: readonly CxEvent[]): void {
    for (let i = 0; i < events.length; i++) this.observe(events[i]!);
    this.expire();
  }

  /** Looks at one event; returns the duration attached to it, if any. */
  observe(event: CxEvent): number | undefined {
    if (event.type !== 'touchpoint.event') return undefined;
    const { journeyId, stageIndex, stageCount, ts } = event;
    if (stageIndex === undefined) return undefined;
    if (ts > this.latestTs) this.latestTs = ts;
    if (stageIndex === 0) {
      const known = this.startTs.get(journeyId);
      if (known === undefined) {
        this.startTs.set(journeyId, ts);
        if (this.startTs.size > this.maxJourneys) this.evictOldest();
      } else if (ts < known) {
        this.startTs.set(journeyId, ts);
      }
    }
    if (stageCount === undefined || stageIndex !== stageCount - 1) return undefined;
    const start = this.startTs.get(journeyId);
    if (start === undefined || ts < start) {
      this.stats.unknownStart++;
      return undefined;
    }
    const duration = ts - start;
    this.marks.journeyDurations.set(event, duration);
    if (event.outcome === 'success') this.startTs.delete(journeyId);
    return duration;
  }

  durationOf(event: CxEvent): number | undefined {
    return this.marks.journeyDurations.get(event);
  }

  expire(): void {
    const horizon = this.latestTs - this.maxJourneyMs;
    for (const [journeyId, ts] of this.startTs) {
      if (ts >= horizon) break;
      this.startTs.delete(journeyId);
      this.stats.expired++;
    }
  }

  private evictOldest(): void {
    const oldest = this.startTs.keys().next();
    if (oldest.done) return;
    this.startTs.delete(oldest.value);
    this.stats.evictedForCapacity++;
  }
}
