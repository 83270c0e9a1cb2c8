/**
 * Mergeable quantile state for the latency and duration indicators: a DDSketch with 1 % relative
 * accuracy (every reported quantile is within 1 % of the true value at that rank). Merging two
 * sketches adds bucket counts, so a merged sketch equals the sketch of all values exactly.
 * The sketch is created on the first value: most panes of most keys never see one.
 */
import { DDSketch } from '@datadog/sketches-js';
import type { IndicatorDefinition } from '../config/pipeline-definition.js';
import { CxPulseError } from '../errors/codes.js';
import type { IndicatorResult } from './accumulator.js';

export const SKETCH_RELATIVE_ACCURACY = 0.01;

export interface SketchState {
  sketch: DDSketch | null;
}

/** 0.5 → `p50`, 0.99 → `p99`, 0.999 → `p99.9`. */
export function quantileLabel(q: number): string {
  return `p${Number((q * 100).toPrecision(10))}`;
}

export function readQuantiles(def: IndicatorDefinition, fallback: readonly number[]): readonly number[] {
  const qs = def.quantiles && def.quantiles.length > 0 ? def.quantiles : fallback;
  for (const q of qs) {
    if (!(q >= 0 && q <= 1)) {
      throw new CxPulseError(
        'CXP_ERR_PIPELINE_INVALID',
        `indicator ${def.name}: quantile ${q} is not in 0..1`,
      );
    }
  }
  return qs;
}

export function createSketchState(): SketchState {
  return { sketch: null };
}

/** Negative values (clock skew) are recorded as 0: DDSketch would need a second store for them. */
export function addToSketch(state: SketchState, value: number): void {
  if (!Number.isFinite(value)) return;
  if (state.sketch === null) state.sketch = new DDSketch({ relativeAccuracy: SKETCH_RELATIVE_ACCURACY });
  state.sketch.accept(value > 0 ? value : 0);
}

export function mergeSketch(into: SketchState, from: SketchState): void {
  if (from.sketch === null || from.sketch.count === 0) return;
  // Never adopt `from.sketch`: the window engine merges one pane into several windows and keeps
  // adding to the pane afterwards, so sharing the object would leak later values into closed windows.
  into.sketch ??= new DDSketch({ relativeAccuracy: SKETCH_RELATIVE_ACCURACY });
  into.sketch.merge(from.sketch);
}

/** value = the first requested quantile; quantiles = all of them; samples = count. */
export function sketchResult(
  state: SketchState,
  quantiles: readonly number[],
  labels: readonly string[],
): IndicatorResult {
  const sketch = state.sketch;
  if (sketch === null || sketch.count === 0) return { value: null, samples: 0 };
  const out: Record<string, number> = {};
  for (let i = 0; i < quantiles.length; i++) out[labels[i]!] = sketch.getValueAtQuantile(quantiles[i]!);
  return { value: out[labels[0]!] ?? null, samples: sketch.count, quantiles: out };
}
