/**
 * Pane arithmetic for a pipeline's windows.
 *
 * Time is cut into panes of `paneMs` = gcd of every window size and hop, so every window start and
 * end falls on a pane boundary and a window is a contiguous run of panes. Everything here works in
 * pane indices (pane p covers [p·paneMs, (p+1)·paneMs)); window k of a definition with size S and
 * hop H panes covers panes [k·H, k·H + S).
 */
import type { WindowDefinition } from '../config/pipeline-definition.js';
import { CxPulseError } from '../errors/codes.js';

export interface WindowShape {
  /** Index of the definition in `pipeline.windows`. */
  index: number;
  name: string;
  /** Size in panes. */
  size: number;
  /** Hop in panes. */
  hop: number;
}

export interface PaneLayout {
  paneMs: number;
  windows: WindowShape[];
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

export function paneLayout(windows: readonly WindowDefinition[]): PaneLayout {
  if (windows.length === 0)
    throw new CxPulseError('CXP_ERR_PIPELINE_INVALID', 'a pipeline needs at least one window');
  let paneMs = 0;
  for (const w of windows) {
    if (!Number.isSafeInteger(w.sizeMs) || !Number.isSafeInteger(w.hopMs) || w.sizeMs <= 0 || w.hopMs <= 0) {
      throw new CxPulseError(
        'CXP_ERR_PIPELINE_INVALID',
        `window ${w.name}: size and hop must be positive integers`,
      );
    }
    if (w.hopMs > w.sizeMs) {
      // A hop larger than the size would leave gaps no window covers (a sampling window).
      throw new CxPulseError('CXP_ERR_PIPELINE_INVALID', `window ${w.name}: hop must not exceed size`);
    }
    paneMs = gcd(gcd(paneMs, w.sizeMs), w.hopMs);
  }
  return {
    paneMs,
    windows: windows.map((w, index) => ({
      index,
      name: w.name,
      size: w.sizeMs / paneMs,
      hop: w.hopMs / paneMs,
    })),
  };
}

/** First window index (of this shape) that contains pane p. */
export function firstWindowOf(shape: WindowShape, pane: number): number {
  return Math.ceil((pane - shape.size + 1) / shape.hop);
}

/** Last window index (of this shape) that contains pane p. */
export function lastWindowOf(shape: WindowShape, pane: number): number {
  return Math.floor(pane / shape.hop);
}

/** Window end, in panes (exclusive). */
export function windowEndPane(shape: WindowShape, k: number): number {
  return k * shape.hop + shape.size;
}

/** Smallest end (in panes) of any window, of any shape, that contains pane p. */
export function minEndPane(layout: PaneLayout, pane: number): number {
  let min = Infinity;
  for (const s of layout.windows) min = Math.min(min, windowEndPane(s, firstWindowOf(s, pane)));
  return min;
}

/** Largest end (in panes) of any window, of any shape, that contains pane p. Non-decreasing in p. */
export function maxEndPane(layout: PaneLayout, pane: number): number {
  let max = -Infinity;
  for (const s of layout.windows) max = Math.max(max, windowEndPane(s, lastWindowOf(s, pane)));
  return max;
}
