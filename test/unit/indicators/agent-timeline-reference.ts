/**
 * Brute force for the agent-span indicators: every agent's timeline walked one millisecond at a
 * time. No code shared with AgentStateTracker or the accumulators; what the two must agree on is
 * only the definition:
 *
 * - per agent, events count in arrival order, except one older than the agent's last counted one;
 * - between two consecutive counted events the agent is in the first one's state; a gap longer than
 *   maxSpanMs is unknown time (in no total) and ends any run of work;
 * - a run of work is consecutive busy/wrap time; any available or away interval ends it, even one of
 *   0 ms;
 * - a wrap-up is a wrap interval that another counted event ends within maxSpanMs.
 */
import fc from 'fast-check';
import type { AgentStateEvent, CxEvent } from '../../../src/events/types.js';
import { agent, eventArb } from './fixtures.js';

export interface AgentTimelineTotals {
  /** ms busy or wrap */
  workMs: number;
  /** ms available, busy or wrap */
  loggedInMs: number;
  /** ms of work at least `streakMs` into a run of work */
  overStreakMs: number;
  wrapMs: number;
  wrapUps: number;
}

export function agentTimelineTotals(
  events: readonly CxEvent[],
  options: { streakMs: number; maxSpanMs: number },
): AgentTimelineTotals {
  const totals: AgentTimelineTotals = { workMs: 0, loggedInMs: 0, overStreakMs: 0, wrapMs: 0, wrapUps: 0 };
  const byAgent = new Map<string, AgentStateEvent[]>();
  for (const e of events) {
    if (e.type !== 'agent.state') continue;
    const counted = byAgent.get(e.agentId) ?? [];
    const last = counted[counted.length - 1];
    if (last !== undefined && e.ts < last.ts) continue;
    counted.push(e);
    byAgent.set(e.agentId, counted);
  }
  for (const counted of byAgent.values()) {
    let workedSoFar = 0; // ms of the current run of work, stepped one ms at a time
    for (let k = 0; k + 1 < counted.length; k++) {
      const from = counted[k]!;
      const to = counted[k + 1]!;
      const work = from.state === 'busy' || from.state === 'wrap';
      if (to.ts - from.ts > options.maxSpanMs || !work) workedSoFar = 0;
      if (to.ts - from.ts > options.maxSpanMs) continue;
      if (from.state === 'wrap') {
        totals.wrapUps++;
        totals.wrapMs += to.ts - from.ts;
      }
      for (let t = from.ts; t < to.ts; t++) {
        if (from.state === 'away') continue;
        totals.loggedInMs++;
        if (!work) continue;
        totals.workMs++;
        if (workedSoFar >= options.streakMs) totals.overStreakMs++;
        workedSoFar++;
      }
    }
  }
  return totals;
}

/**
 * agent.state events of three agents at millisecond times, out of order now and then, with runs of
 * work and ties, mixed with every other event type.
 */
export const agentTimelineArb: fc.Arbitrary<CxEvent[]> = fc.array(
  fc.oneof({ weight: 4, arbitrary: agentStepArb() }, { weight: 1, arbitrary: eventArb }),
  { maxLength: 120 },
);

function agentStepArb(): fc.Arbitrary<CxEvent> {
  return fc
    .record({
      agentId: fc.constantFrom('a1', 'a2', 'a3'),
      // Work twice as often as not, so runs of several contacts are common.
      state: fc.constantFrom<AgentStateEvent['state']>('busy', 'wrap', 'busy', 'wrap', 'available', 'away'),
      ts: fc.integer({ min: 0, max: 6_000 }),
    })
    .map((r) => agent(r.agentId, r.state, ['q'], r.ts));
}

/** Sorted by ts (stable), except that a few events are moved later than their time: disorder. */
export function mostlyInOrder(events: readonly CxEvent[], late: readonly number[]): CxEvent[] {
  const sorted = [...events].sort((a, b) => a.ts - b.ts);
  for (const i of late) {
    if (sorted.length < 2) break;
    const [moved] = sorted.splice(i % sorted.length, 1);
    sorted.push(moved!);
  }
  return sorted;
}
