import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AgentStateTracker, DEFAULT_MAX_SPAN_MS } from '../../../src/indicators/agent-state-tracker.js';
import { EnrichmentMarks } from '../../../src/indicators/enrichment-marks.js';
import { timeWeightedOccupancy } from '../../../src/indicators/time-weighted-occupancy.js';
import { agentTimelineArb, agentTimelineTotals, mostlyInOrder } from './agent-timeline-reference.js';
import { agent, cutsArb, def, expectSameResult, refRatio, run, runSplit } from './fixtures.js';

const minute = 60_000;

describe('time_weighted_occupancy', () => {
  it('weighs agents by time: one busy all along counts more than one who flips state', () => {
    const marks = new EnrichmentMarks();
    const events = [
      agent('steady', 'busy', ['q'], 0),
      agent('steady', 'wrap', ['q'], 9 * minute),
      agent('flips', 'available', ['q'], 0),
      agent('flips', 'busy', ['q'], 1 * minute),
      agent('flips', 'available', ['q'], 2 * minute),
      agent('flips', 'busy', ['q'], 3 * minute),
      agent('flips', 'available', ['q'], 4 * minute),
      agent('flips', 'away', ['q'], 9 * minute), // the break is in neither side
      agent('flips', 'available', ['q'], 20 * minute),
    ];
    new AgentStateTracker({ marks }).track(events);
    const acc = timeWeightedOccupancy(def('time_weighted_occupancy'), { marks });
    // steady: 9 min of work; flips: 2 min of work in 9 logged in. (9 + 2) / (9 + 9).
    expect(run(acc, events)).toEqual({ value: 11 / 18, numerator: 660, denominator: 1080, samples: 1080 });
  });

  it('is null without spans (no tracker, or only first events)', () => {
    const acc = timeWeightedOccupancy(def('time_weighted_occupancy'), { marks: new EnrichmentMarks() });
    expect(run(acc, [agent('a', 'busy', ['q'], 0), agent('a', 'wrap', ['q'], 5000)]).value).toBeNull();
  });

  it('merges any split exactly and equals the millisecond-by-millisecond timeline', () => {
    fc.assert(
      fc.property(agentTimelineArb, fc.array(fc.nat(), { maxLength: 5 }), cutsArb, (raw, late, cuts) => {
        const events = mostlyInOrder(raw, late);
        const marks = new EnrichmentMarks();
        new AgentStateTracker({ marks }).track(events);
        const acc = timeWeightedOccupancy(def('time_weighted_occupancy'), { marks });
        const whole = run(acc, events);
        expect(runSplit(acc, events, cuts)).toEqual(whole);
        const ref = agentTimelineTotals(events, { streakMs: 0, maxSpanMs: DEFAULT_MAX_SPAN_MS });
        expectSameResult(whole, refRatio(ref.workMs / 1000, ref.loggedInMs / 1000));
      }),
      { numRuns: 150 },
    );
  });
});
