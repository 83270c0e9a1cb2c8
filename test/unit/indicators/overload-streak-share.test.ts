import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AgentStateTracker } from '../../../src/indicators/agent-state-tracker.js';
import { EnrichmentMarks } from '../../../src/indicators/enrichment-marks.js';
import { overloadStreakShare } from '../../../src/indicators/overload-streak-share.js';
import { CxPulseError } from '../../../src/errors/codes.js';
import { agentTimelineArb, agentTimelineTotals, mostlyInOrder } from './agent-timeline-reference.js';
import { agent, cutsArb, def, expectSameResult, refRatio, run, runSplit } from './fixtures.js';

const minute = 60_000;

describe('overload_streak_share', () => {
  it('counts the logged-in time worked beyond streakMs of unbroken work', () => {
    const marks = new EnrichmentMarks();
    const events = [
      // 'a' works 25 minutes without a free moment: 10 of them past a 15-minute streak.
      agent('a', 'busy', ['q'], 0),
      agent('a', 'wrap', ['q'], 8 * minute),
      agent('a', 'busy', ['q'], 9 * minute),
      agent('a', 'wrap', ['q'], 20 * minute),
      agent('a', 'available', ['q'], 25 * minute),
      // 'b' works as long in total, with a free minute between contacts: never past 15 minutes.
      agent('b', 'busy', ['q'], 0),
      agent('b', 'available', ['q'], 12 * minute),
      agent('b', 'busy', ['q'], 13 * minute),
      agent('b', 'available', ['q'], 26 * minute),
    ];
    new AgentStateTracker({ marks }).track(events);
    const acc = overloadStreakShare(def('overload_streak_share', { streakMs: 15 * minute }), { marks });
    // logged in: a 25 min, b 26 min.
    expect(run(acc, events)).toEqual(refRatio(600, 51 * 60));
  });

  it('rejects a negative streakMs when built', () => {
    expect(() => overloadStreakShare(def('overload_streak_share', { streakMs: -1 }))).toThrow(CxPulseError);
  });

  it('merges any split exactly and equals the timeline stepped one millisecond at a time', () => {
    fc.assert(
      fc.property(
        agentTimelineArb,
        fc.array(fc.nat(), { maxLength: 5 }),
        cutsArb,
        fc.integer({ min: 0, max: 4_000 }),
        fc.integer({ min: 100, max: 8_000 }),
        (raw, late, cuts, streakMs, maxSpanMs) => {
          const events = mostlyInOrder(raw, late);
          const marks = new EnrichmentMarks();
          new AgentStateTracker({ marks, maxSpanMs }).track(events);
          const acc = overloadStreakShare(def('overload_streak_share', { streakMs }), { marks });
          const whole = run(acc, events);
          expect(runSplit(acc, events, cuts)).toEqual(whole);
          const ref = agentTimelineTotals(events, { streakMs, maxSpanMs });
          expectSameResult(whole, refRatio(ref.overStreakMs / 1000, ref.loggedInMs / 1000));
        },
      ),
      { numRuns: 200 },
    );
  });
});
