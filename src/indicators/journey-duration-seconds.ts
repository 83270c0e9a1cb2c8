/**
 * journey_duration_seconds — quantiles (default p50/p90) of end-to-end duration, in seconds, of
 * journeys completed in the window: successful last-stage touchpoint.events that JourneyTracker
 * gave a duration (it must run before the windows with the same marks). DDSketch, 1 % relative
 * accuracy; value = the first quantile.
 */
import type { IndicatorDefinition } from '../config/pipeline-definition.js';
import type { IndicatorAccumulator } from './accumulator.js';
import { defaultMarks, type IndicatorContext } from './enrichment-marks.js';
import {
  addToSketch,
  createSketchState,
  mergeSketch,
  quantileLabel,
  readQuantiles,
  sketchResult,
  type SketchState,
} from './quantile-sketch.js';

export const DEFAULT_DURATION_QUANTILES = [0.5, 0.9] as const;

export function journeyDurationSeconds(
  def: IndicatorDefinition,
  context: IndicatorContext = {},
): IndicatorAccumulator<SketchState> {
  const durations = (context.marks ?? defaultMarks).journeyDurations;
  const quantiles = readQuantiles(def, DEFAULT_DURATION_QUANTILES);
  const labels = quantiles.map(quantileLabel);
  return {
    name: def.name,
    eventTypes: ['touchpoint.event'],
    create: createSketchState,
    add(state, event) {
      if (event.type !== 'touchpoint.event' || event.outcome !== 'success') return;
      if (event.stageCount === undefined || event.stageIndex !== event.stageCount - 1) return;
      const ms = durations.get(event);
      if (ms !== undefined) addToSketch(state, ms / 1000);
    },
    merge: mergeSketch,
    result: (state) => sketchResult(state, quantiles, labels),
  };
}
