import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AgentStateTracker } from '../../../src/indicators/agent-state-tracker.js';
import { EnrichmentMarks } from '../../../src/indicators/enrichment-marks.js';
import { agent, agentsOf, cutsArb } from './fixtures.js';
import { agentTimelineArb, mostlyInOrder } from './agent-timeline-reference.js';

const minute = 60_000;

describe('AgentStateTracker', () => {
  it('attaches to each agent.state event the span it ends, with the unbroken work before it', () => {
    const tracker = new AgentStateTracker({ marks: new EnrichmentMarks() });
    const events = [
      agent('a', 'available', ['q'], 0),
      agent('a', 'busy', ['q'], 1 * minute),
      agent('a', 'wrap', ['q'], 5 * minute),
      agent('a', 'busy', ['q'], 6 * minute), // the next contact straight away: the run goes on
      agent('a', 'wrap', ['q'], 10 * minute),
      agent('a', 'available', ['q'], 11 * minute),
      agent('a', 'busy', ['q'], 12 * minute), // a free minute: a new run
    ];
    tracker.track(events);
    expect(events.map((e) => tracker.spanOf(e))).toEqual([
      undefined,
      { state: 'available', ms: 1 * minute, workedBeforeMs: 0 },
      { state: 'busy', ms: 4 * minute, workedBeforeMs: 0 },
      { state: 'wrap', ms: 1 * minute, workedBeforeMs: 4 * minute },
      { state: 'busy', ms: 4 * minute, workedBeforeMs: 5 * minute },
      { state: 'wrap', ms: 1 * minute, workedBeforeMs: 9 * minute },
      { state: 'available', ms: 1 * minute, workedBeforeMs: 0 },
    ]);
  });

  it('keeps agents apart, whatever their team', () => {
    const tracker = new AgentStateTracker({ marks: new EnrichmentMarks() });
    const a = agent('a', 'busy', ['q'], 0);
    const b = agent('b', 'busy', ['q'], 1000);
    const aEnd = agent('a', 'available', ['q'], 5000);
    tracker.track([a, b, aEnd]);
    expect(tracker.spanOf(b)).toBeUndefined();
    expect(tracker.spanOf(aEnd)).toEqual({ state: 'busy', ms: 5000, workedBeforeMs: 0 });
  });

  it('skips an event older than the agent’s last one, and drops spans longer than maxSpanMs', () => {
    const tracker = new AgentStateTracker({ marks: new EnrichmentMarks(), maxSpanMs: 10 * minute });
    const busy = agent('a', 'busy', ['q'], 5 * minute);
    const stale = agent('a', 'available', ['q'], 4 * minute);
    const wrap = agent('a', 'wrap', ['q'], 9 * minute);
    const afterGap = agent('a', 'busy', ['q'], 30 * minute);
    const wrapAgain = agent('a', 'wrap', ['q'], 31 * minute);
    tracker.track([busy, stale, wrap, afterGap, wrapAgain]);
    expect(tracker.spanOf(stale)).toBeUndefined();
    expect(tracker.spanOf(wrap)).toEqual({ state: 'busy', ms: 4 * minute, workedBeforeMs: 0 });
    expect(tracker.spanOf(afterGap)).toBeUndefined();
    // A gap too long to trust ends the run: the work after it starts a new one.
    expect(tracker.spanOf(wrapAgain)).toEqual({ state: 'busy', ms: minute, workedBeforeMs: 0 });
    expect(tracker.stats).toMatchObject({ outOfOrder: 1, tooLong: 1 });
  });

  it('evicts the least recently seen agent at the cap, whose next event then ends no span', () => {
    const tracker = new AgentStateTracker({ marks: new EnrichmentMarks(), maxAgents: 2 });
    tracker.track([agent('a', 'busy', ['q'], 0), agent('b', 'busy', ['q'], 10)]);
    tracker.track([agent('c', 'busy', ['q'], 20)]);
    expect(tracker.size).toBe(2);
    expect(tracker.stats.evictedForCapacity).toBe(1);
    const lateA = agent('a', 'wrap', ['q'], 30);
    tracker.track([lateA]);
    expect(tracker.spanOf(lateA)).toBeUndefined();
  });

  it('forgets agents silent for longer than maxSpanMs', () => {
    const tracker = new AgentStateTracker({ marks: new EnrichmentMarks(), maxSpanMs: minute });
    tracker.track([agent('a', 'busy', ['q'], 0), agent('b', 'busy', ['q'], 10)]);
    tracker.track([agent('c', 'available', ['q'], minute + 5)]);
    expect(tracker.stats.expired).toBe(1);
    expect(tracker.size).toBe(2);
    tracker.track([agent('d', 'available', ['q'], 3 * minute)]);
    expect(tracker.stats.expired).toBe(3);
    expect(tracker.size).toBe(1);
  });

  it('a 0 ms free moment still ends a run (the definition counts states, not their length)', () => {
    const tracker = new AgentStateTracker({ marks: new EnrichmentMarks() });
    const next = agent('a', 'busy', ['q'], 2000);
    tracker.track([agent('a', 'busy', ['q'], 0), agent('a', 'available', ['q'], 2000), next]);
    const end = agent('a', 'wrap', ['q'], 3000);
    tracker.track([end]);
    expect(tracker.spanOf(end)).toEqual({ state: 'busy', ms: 1000, workedBeforeMs: 0 });
    expect(tracker.spanOf(next)).toEqual({ state: 'available', ms: 0, workedBeforeMs: 0 });
  });

  it('gives the same spans whatever the batch cuts, as long as no agent falls silent', () => {
    fc.assert(
      fc.property(agentTimelineArb, fc.array(fc.nat(), { maxLength: 5 }), cutsArb, (raw, late, cuts) => {
        const events = mostlyInOrder(raw, late);
        const whole = new AgentStateTracker({ marks: new EnrichmentMarks() });
        whole.track(events);
        const batched = new AgentStateTracker({ marks: new EnrichmentMarks() });
        const bounds = [...new Set(cuts.map((c) => c % (events.length + 1))), events.length].sort(
          (a, b) => a - b,
        );
        let from = 0;
        for (const b of bounds) {
          batched.track(events.slice(from, b));
          from = b;
        }
        for (const e of agentsOf(events)) expect(batched.spanOf(e)).toEqual(whole.spanOf(e));
      }),
      { numRuns: 150 },
    );
  });
});
