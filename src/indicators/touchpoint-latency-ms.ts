/**
 * touchpoint_latency_ms — quantiles of latencyMs over all touchpoint.event (any outcome), from a
 * DDSketch (1 % relative accuracy). Quantiles from the definition, default p50/p90/p99;
 * value = the first one.
 */
import type { IndicatorDefinition } from '../config/pipeline-definition.js';
import type { IndicatorAccumulator } from './accumulator.js';
import {
  addToSketch,
  createSketchState,
  mergeSketch,
  quantileLabel,
  readQuantiles,
  sketchResult,
  type SketchState,
} from './quantile-sketch.js';

export const DEFAULT_LATENCY_QUANTILES = [0.5, 0.9, 0.99] as const;

export function touchpointLatencyMs(def: IndicatorDefinition): IndicatorAccumulator<SketchState> {
  const quantiles = readQuantiles(def, DEFAULT_LATENCY_QUANTILES);
  const labels = quantiles.map(quantileLabel);
  return {
    name: def.name,
    eventTypes: ['touchpoint.event'],
    create: createSketchState,
    add(state, event) {
      if (event.type === 'touchpoint.event') addToSketch(state, event.latencyMs);
    },
    merge: mergeSketch,
    result: (state) => sketchResult(state, quantiles, labels),
  };
}
