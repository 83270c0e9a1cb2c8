/**
 * overload_streak_share — the share of logged-in agent time spent more than `streakMs` into an
 * unbroken run of work (busy and wrap, one contact after another, no available or away between):
 *
 *   Σ over busy/wrap spans of the part beyond streakMs of unbroken work
 *   ÷ Σ ms of available, busy and wrap spans
 *
 * Read it as the share of the team's logged-in agents who, at an average moment of the window, had
 * been working without a single free moment for longer than streakMs (default 30 min). A team at
 * a healthy occupancy has free moments between contacts and stays near 0; a team whose queue never
 * empties works in runs that only a break ends, and climbs towards its occupancy.
 *
 * A span of work that began `b` ms into its run and lasted `d` ms adds
 * max(0, b + d − streakMs) − max(0, b − streakMs). Spans come from AgentStateTracker (which must run
 * before the windows with the same marks), attributed whole to the window of the event that ends
 * them; `away` counts in neither side. numerator / denominator are agent-seconds (beyond the streak /
 * logged in), re-aggregated as Σnumerator ÷ Σdenominator; `samples` = logged-in agent-seconds.
 */
import type { IndicatorDefinition } from '../config/pipeline-definition.js';
import { CxPulseError } from '../errors/codes.js';
import type { IndicatorAccumulator } from './accumulator.js';
import { defaultMarks, type IndicatorContext } from './enrichment-marks.js';
import { numberParam } from './params.js';
import { ratioResult } from './results.js';
import { slotAccumulator } from './slot-accumulator.js';

export const DEFAULT_STREAK_MS = 30 * 60 * 1000;

export function overloadStreakShare(
  def: IndicatorDefinition,
  context: IndicatorContext = {},
): IndicatorAccumulator<number[]> {
  const spans = (context.marks ?? defaultMarks).agentSpans;
  const streakMs = numberParam(def, 'streakMs', DEFAULT_STREAK_MS);
  if (streakMs < 0) {
    throw new CxPulseError(
      'CXP_ERR_PIPELINE_INVALID',
      `indicator ${def.name} (${def.id}): param streakMs must be 0 or more`,
    );
  }
  return slotAccumulator({
    name: def.name,
    eventTypes: ['agent.state'],
    // Whole milliseconds, so sums are exact in any merge order; reported in seconds.
    slots: ['pastStreakMs', 'loggedInMs'],
    add(buf, at, event) {
      const span = spans.get(event);
      if (span === undefined || span.state === 'away') return;
      buf[at + 1]! += span.ms;
      if (span.state === 'available') return;
      const before = span.workedBeforeMs;
      buf[at]! += Math.max(0, before + span.ms - streakMs) - Math.max(0, before - streakMs);
    },
    value: (buf, at) => ratioResult(buf[at]! / 1000, buf[at + 1]! / 1000),
  });
}
