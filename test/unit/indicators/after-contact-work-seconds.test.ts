import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { afterContactWorkSeconds } from '../../../src/indicators/after-contact-work-seconds.js';
import { AgentStateTracker } from '../../../src/indicators/agent-state-tracker.js';
import { EnrichmentMarks } from '../../../src/indicators/enrichment-marks.js';
import { agentTimelineArb, agentTimelineTotals, mostlyInOrder } from './agent-timeline-reference.js';
import { agent, cutsArb, def, expectSameResult, run, runSplit } from './fixtures.js';

describe('after_contact_work_seconds', () => {
  it('is the mean length of the wrap-ups that end, whatever follows them', () => {
    const marks = new EnrichmentMarks();
    const events = [
      agent('a', 'busy', ['q'], 0),
      agent('a', 'wrap', ['q'], 200_000),
      agent('a', 'busy', ['q'], 230_000), // 30 s, then the next contact
      agent('a', 'wrap', ['q'], 400_000),
      agent('a', 'away', ['q'], 490_000), // 90 s, then a break
      agent('b', 'wrap', ['q'], 0), // still wrapping: not ended, not counted
    ];
    new AgentStateTracker({ marks }).track(events);
    const acc = afterContactWorkSeconds(def('after_contact_work_seconds'), { marks });
    expect(run(acc, events)).toEqual({ value: 60, numerator: 120, denominator: 2, samples: 2 });
  });

  it('merges any split exactly and equals the timeline’s wrap time ÷ wrap-ups', () => {
    fc.assert(
      fc.property(
        agentTimelineArb,
        fc.array(fc.nat(), { maxLength: 5 }),
        cutsArb,
        fc.integer({ min: 100, max: 8_000 }),
        (raw, late, cuts, maxSpanMs) => {
          const events = mostlyInOrder(raw, late);
          const marks = new EnrichmentMarks();
          new AgentStateTracker({ marks, maxSpanMs }).track(events);
          const acc = afterContactWorkSeconds(def('after_contact_work_seconds'), { marks });
          const whole = run(acc, events);
          expect(runSplit(acc, events, cuts)).toEqual(whole);
          const ref = agentTimelineTotals(events, { streakMs: 0, maxSpanMs });
          expectSameResult(whole, {
            value: ref.wrapUps === 0 ? null : ref.wrapMs / ref.wrapUps / 1000,
            numerator: ref.wrapMs / 1000,
            denominator: ref.wrapUps,
            samples: ref.wrapUps,
          });
        },
      ),
      { numRuns: 150 },
    );
  });
});
