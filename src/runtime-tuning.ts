/**
 * Process tuning applied once at start, before the pipelines allocate their state.
 *
 * Why the heap growth is capped: the window engine keeps long-lived state (an hour of panes for
 * every key) while events and emitted values are short-lived garbage. V8's default heap growth lets
 * the old generation reach about twice what the last full GC kept before it collects again, and
 * after that GC the pages stay committed: with 10 000 keys (80 MB live) the process sat at 240–310 MB
 * resident depending on when the last GC fell. Capped at 20 %, it holds 200–220 MB, for about 3 %
 * more time in the memory benchmark (docs/windows.md, Memory; `npm run bench -- pipeline-memory`).
 */
import { setFlagsFromString } from 'node:v8';

/** Sets V8's heap growing factor to 1 + percent/100; 0 leaves V8's heuristics alone. */
export function applyHeapGrowth(percent: number): void {
  if (!Number.isInteger(percent) || percent < 0) {
    throw new RangeError(`heap growth must be a non-negative integer percent, got ${percent}`);
  }
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}
