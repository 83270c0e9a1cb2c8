import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TouchpointEvent } from '../../../src/events/types.js';
import { EnrichmentMarks } from '../../../src/indicators/enrichment-marks.js';
import { JourneyTracker } from '../../../src/indicators/journey-tracker.js';
import { cutsArb, touchpoint, touchpointArb } from './fixtures.js';

const stage = (
  journeyId: string,
  stageIndex: number,
  ts: number,
  outcome: TouchpointEvent['outcome'] = 'success',
) => touchpoint({ journeyId, stageIndex, stageCount: 3, ts, outcome });

/** Duration a last-stage event should get: ts − earliest stage-0 since the journey's previous success. */
function referenceDurations(events: readonly TouchpointEvent[]): (number | undefined)[] {
  return events.map((e, i) => {
    if (e.stageIndex === undefined || e.stageCount === undefined || e.stageIndex !== e.stageCount - 1)
      return undefined;
    let from = 0;
    for (let k = 0; k < i; k++) {
      const p = events[k]!;
      const pIsLast =
        p.stageIndex !== undefined && p.stageCount !== undefined && p.stageIndex === p.stageCount - 1;
      if (p.journeyId === e.journeyId && pIsLast && p.outcome === 'success') from = k + 1;
    }
    const starts = events.slice(from, i + 1).filter((p) => p.journeyId === e.journeyId && p.stageIndex === 0);
    if (starts.length === 0) return undefined;
    return e.ts - Math.min(...starts.map((p) => p.ts));
  });
}

describe('JourneyTracker', () => {
  it('attaches last-stage ts − first stage-0 ts to the last stage', () => {
    const tracker = new JourneyTracker({ marks: new EnrichmentMarks() });
    const events = [stage('a', 0, 1000), stage('a', 0, 1500), stage('a', 1, 3000), stage('a', 2, 9000)];
    tracker.track(events);
    expect(events.map((e) => tracker.durationOf(e))).toEqual([undefined, undefined, undefined, 8000]);
    expect(tracker.size).toBe(0);
  });

  it('keeps the start after a failed last stage so the retry gets the full duration', () => {
    const tracker = new JourneyTracker({ marks: new EnrichmentMarks() });
    const failed = stage('a', 2, 2000, 'failure');
    const retried = stage('a', 2, 5000);
    tracker.track([stage('a', 0, 0), failed, retried]);
    expect(tracker.durationOf(failed)).toBe(2000);
    expect(tracker.durationOf(retried)).toBe(5000);
  });

  it('counts last stages whose start it never saw', () => {
    const tracker = new JourneyTracker({ marks: new EnrichmentMarks() });
    const orphan = stage('x', 2, 10);
    tracker.track([orphan]);
    expect(tracker.durationOf(orphan)).toBeUndefined();
    expect(tracker.stats.unknownStart).toBe(1);
  });

  it('is bounded by age and by count', () => {
    const byAge = new JourneyTracker({ maxJourneyMs: 1000, marks: new EnrichmentMarks() });
    byAge.track([stage('a', 0, 0), stage('b', 0, 500), stage('c', 0, 1200)]);
    expect(byAge.size).toBe(2);
    expect(byAge.stats.expired).toBe(1);
    const byCount = new JourneyTracker({ maxJourneys: 1, marks: new EnrichmentMarks() });
    byCount.track([stage('a', 0, 0), stage('b', 0, 1)]);
    expect(byCount.size).toBe(1);
    expect(byCount.stats.evictedForCapacity).toBe(1);
  });

  it('matches the brute-force durations on time-ordered events, whatever the batching', () => {
    fc.assert(
      fc.property(fc.array(touchpointArb, { maxLength: 80 }), cutsArb, (raw, cuts) => {
        const events = [...raw].sort((a, b) => a.ts - b.ts);
        const tracker = new JourneyTracker({ marks: new EnrichmentMarks() });
        const bounds = [...new Set(cuts.map((c) => c % (events.length + 1))), events.length].sort(
          (a, b) => a - b,
        );
        let start = 0;
        for (const b of bounds) {
          tracker.track(events.slice(start, b));
          start = b;
        }
        expect(events.map((e) => tracker.durationOf(e))).toEqual(referenceDurations(events));
      }),
      { numRuns: 200 },
    );
  });
});
