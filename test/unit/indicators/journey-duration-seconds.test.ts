import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EnrichmentMarks } from '../../../src/indicators/enrichment-marks.js';
import { journeyDurationSeconds } from '../../../src/indicators/journey-duration-seconds.js';
import { JourneyTracker } from '../../../src/indicators/journey-tracker.js';
import { cutsArb, def, eventsArb, run, runSplit, touchpoint, touchpointsOf } from './fixtures.js';
import { expectWithinAccuracy } from './sketch-reference.js';

describe('journey_duration_seconds', () => {
  it('reports p50/p90 of completed journeys in seconds, from the tracker’s durations', () => {
    const marks = new EnrichmentMarks();
    const acc = journeyDurationSeconds(def('journey_duration_seconds'), { marks });
    const events = [];
    for (let j = 1; j <= 10; j++) {
      events.push(touchpoint({ journeyId: `j${j}`, stageIndex: 0, stageCount: 2, ts: 0 }));
      events.push(touchpoint({ journeyId: `j${j}`, stageIndex: 1, stageCount: 2, ts: j * 10_000 }));
    }
    // A failed last stage has a duration but is not a completed journey.
    events.push(touchpoint({ journeyId: 'j11', stageIndex: 0, stageCount: 2, ts: 0 }));
    events.push(
      touchpoint({ journeyId: 'j11', stageIndex: 1, stageCount: 2, ts: 999_000, outcome: 'failure' }),
    );
    new JourneyTracker({ marks }).track(events);
    const result = run(acc, events);
    expect(result.samples).toBe(10);
    expect(Object.keys(result.quantiles ?? {})).toEqual(['p50', 'p90']);
    expectWithinAccuracy(result, [10, 20, 30, 40, 50, 60, 70, 80, 90, 100], { p50: 0.5, p90: 0.9 });
  });

  it('is null without tracked durations', () => {
    const acc = journeyDurationSeconds(def('journey_duration_seconds'), { marks: new EnrichmentMarks() });
    expect(run(acc, [touchpoint({ stageIndex: 1, stageCount: 2 })])).toEqual({ value: null, samples: 0 });
  });

  it('merges exactly and stays within 1 % of the exact quantiles', () => {
    fc.assert(
      fc.property(eventsArb, cutsArb, (raw, cuts) => {
        const events = [...raw].sort((a, b) => a.ts - b.ts);
        const marks = new EnrichmentMarks();
        new JourneyTracker({ marks }).track(events);
        const acc = journeyDurationSeconds(def('journey_duration_seconds'), { marks });
        const whole = run(acc, events);
        expect(runSplit(acc, events, cuts)).toEqual(whole);
        const durations = touchpointsOf(events)
          .filter((e) => e.outcome === 'success' && marks.journeyDurations.has(e))
          .map((e) => marks.journeyDurations.get(e)! / 1000);
        expectWithinAccuracy(whole, durations, { p50: 0.5, p90: 0.9 });
      }),
      { numRuns: 150 },
    );
  });
});
