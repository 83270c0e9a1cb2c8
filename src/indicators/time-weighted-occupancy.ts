/**
 * time_weighted_occupancy — the share of logged-in agent time spent on contacts:
 *
 *   Σ ms of busy and wrap spans ÷ Σ ms of available, busy and wrap spans
 *
 * over the agent state spans that end in the window (AgentStateTracker attaches each span to the
 * agent.state event that ends it, and must run before the windows with the same marks). `away`
 * (breaks, logged out) is in neither side. Unlike the windowed `occupancy`, which counts state
 * changes, this weighs each agent by time: one agent busy all window counts as much as one who
 * flips state every minute. numerator / denominator are agent-seconds (worked / logged in), so a
 * longer period re-aggregates as Σnumerator ÷ Σdenominator; `samples` = logged-in agent-seconds.
 */
import type { IndicatorDefinition } from '../config/pipeline-definition.js';
import type { IndicatorAccumulator } from './accumulator.js';
import { defaultMarks, type IndicatorContext } from './enrichment-marks.js';
import { ratioResult } from './results.js';
import { slotAccumulator } from './slot-accumulator.js';

export function timeWeightedOccupancy(
  def: IndicatorDefinition,
  context: IndicatorContext = {},
): IndicatorAccumulator<number[]> {
  const spans = (context.marks ?? defaultMarks).agentSpans;
  return slotAccumulator({
    name: def.name,
    eventTypes: ['agent.state'],
    // Whole milliseconds, so sums are exact in any merge order; reported in seconds.
    slots: ['workMs', 'loggedInMs'],
    add(buf, at, event) {
      const span = spans.get(event);
      if (span === undefined || span.state === 'away') return;
      buf[at + 1]! += span.ms;
      if (span.state !== 'available') buf[at]! += span.ms;
    },
    value: (buf, at) => ratioResult(buf[at]! / 1000, buf[at + 1]! / 1000),
  });
}
