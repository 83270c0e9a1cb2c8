/**
 * What the funnel counts (funnel_reached, funnel_passed, funnel_lost) need to know about a journey
 * beyond the event in hand: which stages it has already been counted at. Per journeyId, in the order
 * the events are added, it keeps four bit sets of stage indices (reached, passed, failed, lost) and
 * marks each touchpoint.event with what it is the first of:
 *
 * - REACHED: the journey's first event at this stageIndex (any outcome);
 * - PASSED: its first `success` at this stageIndex, unless it was already lost there;
 * - LOST: its first `abandoned` at this stageIndex after a `failure` there, while the stage was
 *   never passed: the customer gave up because the touchpoint failed.
 * A journey is passed or lost at a stage, never both: a stage's outcomes split those who reached it
 * (a `success` after the journey was counted lost, seen when events of one second arrive out of
 * order, does not count it twice).
 *
 * Why the accumulators own it rather than a tracker run before the windows (JourneyTracker): the
 * facts are decided when the engine adds an event, so they follow the indicator's own filter and need
 * no wiring in the pipeline. The funnel indicators built with the same `marks` (one pipeline
 * subscription) and the same parameters share one tracker; without marks each accumulator has its
 * own. Marks are remembered per event object, so adding the same event to several states (the
 * engine never does; tests and the numeric comparison do) counts it the same way every time.
 *
 * Forgetting: a journey whose newest event is more than `maxJourneyMs` older than the newest event
 * seen is forgotten, checked exactly when its next event arrives (it then starts over: a customer
 * who comes back after hours is a new visit); the idle ones are also dropped from the front of the
 * Map as they age, and `maxJourneys` caps the Map (the least recently active journey goes first,
 * counted). Stage indices from 0 to 30 are tracked; events without one, or beyond, are not counted.
 */
import type { IndicatorDefinition } from '../config/pipeline-definition.js';
import type { CxEvent } from '../events/types.js';
import type { EnrichmentMarks } from './enrichment-marks.js';
import { numberParam } from './params.js';

export const FUNNEL_REACHED = 1;
export const FUNNEL_PASSED = 2;
export const FUNNEL_LOST = 4;

export const DEFAULT_FUNNEL_MAX_JOURNEY_MS = 2 * 60 * 60 * 1000;
export const DEFAULT_FUNNEL_MAX_JOURNEYS = 200_000;
/** Bit sets are 32-bit integers; the sign bit is left alone. */
export const MAX_FUNNEL_STAGE_INDEX = 30;

export interface FunnelTrackerOptions {
  maxJourneyMs?: number;
  maxJourneys?: number;
}

export interface FunnelTrackerStats {
  /** Journeys forgotten because they were idle for maxJourneyMs. */
  expired: number;
  /** Journeys forgotten because maxJourneys was reached. */
  evictedForCapacity: number;
}

interface JourneyFacts {
  reached: number;
  passed: number;
  failed: number;
  lost: number;
  /** Newest event time of the journey. */
  lastTs: number;
}

export class FunnelTracker {
  readonly maxJourneyMs: number;
  readonly maxJourneys: number;
  readonly stats: FunnelTrackerStats = { expired: 0, evictedForCapacity: 0 };
  /** In order of last activity (delete + set on every event), so the idle ones are at the front. */
  private readonly journeys = new Map<string, JourneyFacts>();
  private readonly marks = new WeakMap<CxEvent, number>();
  private latestTs = -Infinity;

  constructor(options: FunnelTrackerOptions = {}) {
    this.maxJourneyMs = options.maxJourneyMs ?? DEFAULT_FUNNEL_MAX_JOURNEY_MS;
    this.maxJourneys = options.maxJourneys ?? DEFAULT_FUNNEL_MAX_JOURNEYS;
  }

  /** Options from a funnel indicator's definition (params.maxJourneyMs, params.maxJourneys). */
  static optionsFrom(def: IndicatorDefinition): Required<FunnelTrackerOptions> {
    return {
      maxJourneyMs: numberParam(def, 'maxJourneyMs', DEFAULT_FUNNEL_MAX_JOURNEY_MS),
      maxJourneys: numberParam(def, 'maxJourneys', DEFAULT_FUNNEL_MAX_JOURNEYS),
    };
  }

  get size(): number {
    return this.journeys.size;
  }

  /** The event's marks (FUNNEL_* bits, 0 for none), decided on its first call. */
  observe(event: CxEvent): number {
    if (event.type !== 'touchpoint.event') return 0;
    const known = this.marks.get(event);
    if (known !== undefined) return known;
    const mark = this.decide(event);
    this.marks.set(event, mark);
    return mark;
  }

  private decide(event: CxEvent & { type: 'touchpoint.event' }): number {
    const { stageIndex, journeyId, ts } = event;
    if (stageIndex === undefined || !Number.isInteger(stageIndex)) return 0;
    if (stageIndex < 0 || stageIndex > MAX_FUNNEL_STAGE_INDEX) return 0;
    if (ts > this.latestTs) this.latestTs = ts;
    const horizon = this.latestTs - this.maxJourneyMs;
    let facts = this.journeys.get(journeyId);
    if (facts !== undefined) {
      this.journeys.delete(journeyId);
      if (facts.lastTs < horizon) {
        this.stats.expired++;
        facts = undefined;
      }
    }
    facts ??= { reached: 0, passed: 0, failed: 0, lost: 0, lastTs: ts };
    this.journeys.set(journeyId, facts);
    if (ts > facts.lastTs) facts.lastTs = ts;

    const bit = 1 << stageIndex;
    let mark = 0;
    if ((facts.reached & bit) === 0) {
      facts.reached |= bit;
      mark |= FUNNEL_REACHED;
    }
    if (event.outcome === 'success') {
      if (((facts.passed | facts.lost) & bit) === 0) {
        facts.passed |= bit;
        mark |= FUNNEL_PASSED;
      }
    } else if (event.outcome === 'failure') {
      facts.failed |= bit;
    } else if ((facts.failed & bit) !== 0 && ((facts.passed | facts.lost) & bit) === 0) {
      facts.lost |= bit;
      mark |= FUNNEL_LOST;
    }
    this.forget(horizon);
    return mark;
  }

  /** Drops idle journeys from the front, then the least recently active beyond the cap. */
  private forget(horizon: number): void {
    for (const [journeyId, facts] of this.journeys) {
      if (facts.lastTs >= horizon) break;
      this.journeys.delete(journeyId);
      this.stats.expired++;
    }
    while (this.journeys.size > this.maxJourneys) {
      const oldest = this.journeys.keys().next().value as string;
      this.journeys.delete(oldest);
      this.stats.evictedForCapacity++;
    }
  }
}

const shared = new WeakMap<EnrichmentMarks, Map<string, FunnelTracker>>();

/**
 * The tracker of a funnel indicator: shared by the funnel indicators of one pipeline subscription
 * (same `marks`) with the same parameters, else the accumulator's own.
 */
export function funnelTrackerFor(
  def: IndicatorDefinition,
  marks: EnrichmentMarks | undefined,
): FunnelTracker {
  const options = FunnelTracker.optionsFrom(def);
  if (marks === undefined) return new FunnelTracker(options);
  let trackers = shared.get(marks);
  if (trackers === undefined) {
    trackers = new Map();
    shared.set(marks, trackers);
  }
  const id = `${options.maxJourneyMs}/${options.maxJourneys}`;
  let tracker = trackers.get(id);
  if (tracker === undefined) {
    tracker = new FunnelTracker(options);
    trackers.set(id, tracker);
  }
  return tracker;
}
