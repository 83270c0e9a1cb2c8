/**
 * The funnel of a journey, one stage per key (keyBy journey, stageIndex, stage, touchpoint): how
 * many journeys reached, passed and were lost at the stage in the window, each journey counted once
 * per stage (FunnelTracker decides which event is its first of each). By event time of that event.
 *
 * - funnel_reached: journeys whose first event at the stage falls in the window.
 * - funnel_passed: journeys whose first `success` at the stage falls in the window (unless already
 *   lost there); at the last stage, the journeys completed.
 * - funnel_lost: journeys that gave up at the stage after it failed for them (an `abandoned` after a
 *   `failure` there, the stage never passed).
 *
 * Conversion and drop-off are ratios of two stages' counts, so they are computed where the stages
 * meet (the wallboard's funnel, the Grafana dashboard; docs/analytics.md): conversion of stage i =
 * reached(i + 1) ÷ reached(i), of the last stage passed ÷ reached.
 */
import type { IndicatorDefinition } from '../config/pipeline-definition.js';
import type { IndicatorAccumulator } from './accumulator.js';
import type { IndicatorContext } from './enrichment-marks.js';
import { FUNNEL_LOST, FUNNEL_PASSED, FUNNEL_REACHED, funnelTrackerFor } from './funnel-tracker.js';
import { countResult, type CountState } from './results.js';

function funnelCount(
  def: IndicatorDefinition,
  context: IndicatorContext,
  flag: number,
): IndicatorAccumulator<CountState> {
  const tracker = funnelTrackerFor(def, context.marks);
  return {
    name: def.name,
    eventTypes: ['touchpoint.event'],
    create: () => ({ n: 0 }),
    add(state, event) {
      if ((tracker.observe(event) & flag) !== 0) state.n++;
    },
    merge(into, from) {
      into.n += from.n;
    },
    result: (state) => countResult(state.n),
  };
}

export function funnelReached(def: IndicatorDefinition, context: IndicatorContext = {}) {
  return funnelCount(def, context, FUNNEL_REACHED);
}

export function funnelPassed(def: IndicatorDefinition, context: IndicatorContext = {}) {
  return funnelCount(def, context, FUNNEL_PASSED);
}

export function funnelLost(def: IndicatorDefinition, context: IndicatorContext = {}) {
  return funnelCount(def, context, FUNNEL_LOST);
}
