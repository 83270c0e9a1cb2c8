/**
 * Merges a key's panes into window states.
 *
 * A composite is one state per indicator (undefined where the indicator saw nothing). Pane
 * composites are never modified: windows are merged into fresh composites.
 *
 * Naive: a window merges each of its panes. That is size/hop merges per pane for a hopping window
 * (30 for 5m/10s, 90 per 15 panes for 15m/1m), which would dominate the engine's cost.
 *
 * Blocks (for the finals of hopping windows, which close in order): time is cut into blocks of
 * `size` panes. A window that does not start on a block boundary b spans two blocks, and its value is
 * suffix(previous block, from its start) ⊕ prefix(block of b, through its end). Per key and
 * window definition we keep the suffixes of one block and a running prefix of the next, each built
 * once, so a window costs two merges and each pane a few, whatever the ratio size/hop.
 * The cache holds only panes below the watermark, which change only through late events: the
 * engine calls `invalidate` for those, and corrections use the naive path.
 */
import type { IndicatorAccumulator } from '../indicators/accumulator.js';
import type { KeyRecord } from './key-interner.js';
import type { WindowShape } from './pane-layout.js';

export type Composite = unknown[];

export interface PaneStates {
  readonly index: number;
  readonly states: Composite;
}

export interface BlockCache {
  suffixBlock: number;
  /**
   * suffix[i]: merge of the block's panes from offset i to its end, at offsets where a window starts;
   * undefined when those panes are all empty.
   */
  suffix: (Composite | undefined)[];
  prefixBlock: number;
  /** Last pane index merged into `prefix`. */
  prefixThrough: number;
  prefix: Composite;
}

export class WindowMerger<P extends PaneStates> {
  constructor(private readonly accumulators: readonly IndicatorAccumulator[]) {
    this.scratchComposite = this.empty();
  }

  /** Merges `from` into `into` (owned by the caller), creating states on demand. */
  mergeInto(into: Composite, from: Composite | undefined): void {
    if (from === undefined) return;
    const accumulators = this.accumulators;
    for (let a = 0; a < accumulators.length; a++) {
      const f = from[a];
      if (f === undefined) continue;
      const acc = accumulators[a]!;
      let target = into[a];
      if (target === undefined) into[a] = target = acc.create();
      acc.merge(target, f);
    }
  }

  private readonly scratchComposite: Composite;

  empty(): Composite {
    return new Array<unknown>(this.accumulators.length).fill(undefined);
  }

  /**
   * A cleared composite shared by every window value: the caller reads it (result()) before the
   * next window is merged, and the states in it are fresh each time, so only the array is reused.
   */
  private scratch(): Composite {
    return this.scratchComposite.fill(undefined);
  }

  /** The key's panes in [start, end), in any order. */
  panesIn(key: KeyRecord<P, BlockCache>, start: number, end: number): P[] {
    const panes: P[] = [];
    if (key.panes.size < end - start) {
      for (const pane of key.panes.values()) if (pane.index >= start && pane.index < end) panes.push(pane);
    } else {
      for (let p = start; p < end; p++) {
        const pane = key.panes.get(p);
        if (pane !== undefined) panes.push(pane);
      }
    }
    return panes;
  }

  /**
   * Window [start, end) by merging each pane; undefined when the key has no pane there.
   * The composite returned (here and by `blocks`) is only valid until the next call.
   */
  naive(key: KeyRecord<P, BlockCache>, start: number, end: number): Composite | undefined {
    const panes = this.panesIn(key, start, end);
    if (panes.length === 0) return undefined;
    const into = this.scratch();
    for (const pane of panes) this.mergeInto(into, pane.states);
    return into;
  }

  /**
   * Window k of a hopping shape through the block cache. Only for windows below the watermark,
   * and for a key known to have data in the window.
   */
  blocks(key: KeyRecord<P, BlockCache>, shape: WindowShape, k: number): Composite {
    const size = shape.size;
    const start = k * shape.hop;
    const end = start + size;
    const boundary = Math.ceil(start / size) * size;
    const cache = (key.caches[shape.index] ??= {
      suffixBlock: NaN,
      suffix: [],
      prefixBlock: NaN,
      prefixThrough: NaN,
      prefix: [],
    });
    const into = this.scratch();
    if (boundary > start) {
      const block = boundary / size - 1;
      if (cache.suffixBlock !== block) this.buildSuffix(key, cache, block, shape);
      // Each start offset serves exactly one window: let it go as soon as it is used.
      const offset = start - block * size;
      this.mergeInto(into, cache.suffix[offset]);
      cache.suffix[offset] = undefined;
    }
    this.mergeInto(into, this.prefix(key, cache, boundary / size, size, end - 1));
    return into;
  }

  /** Forgets the key's cached aggregates (a late event changed a pane below the watermark). */
  invalidate(key: KeyRecord<P, BlockCache>): void {
    key.caches.length = 0;
  }

  /** Suffix aggregates of a block, kept only at the offsets where a window starts. */
  private buildSuffix(
    key: KeyRecord<P, BlockCache>,
    cache: BlockCache,
    block: number,
    shape: WindowShape,
  ): void {
    const size = shape.size;
    const suffix = new Array<Composite | undefined>(size).fill(undefined);
    const first = block * size;
    let running: Composite | undefined;
    let single: Composite | undefined;
    for (let i = size - 1; i >= 0; i--) {
      const pane = key.panes.get(first + i);
      if (pane !== undefined) {
        if (single === undefined) single = pane.states;
        else {
          if (running === undefined) {
            running = this.empty();
            this.mergeInto(running, single);
          }
          this.mergeInto(running, pane.states);
        }
      }
      if ((first + i) % shape.hop !== 0) continue;
      if (running !== undefined) {
        // `running` keeps changing: the window gets a snapshot.
        const snapshot = this.empty();
        this.mergeInto(snapshot, running);
        suffix[i] = snapshot;
      } else {
        // One pane so far: its states serve as they are (suffixes are only ever merged from).
        suffix[i] = single;
      }
    }
    cache.suffixBlock = block;
    cache.suffix = suffix;
  }

  private prefix(
    key: KeyRecord<P, BlockCache>,
    cache: BlockCache,
    block: number,
    size: number,
    through: number,
  ): Composite {
    if (cache.prefixBlock !== block || cache.prefixThrough > through) {
      cache.prefixBlock = block;
      cache.prefixThrough = block * size - 1;
      cache.prefix = this.empty();
    }
    const from = cache.prefixThrough + 1;
    if (through >= from) {
      for (const pane of this.panesIn(key, from, through + 1)) this.mergeInto(cache.prefix, pane.states);
      cache.prefixThrough = through;
    }
    return cache.prefix;
  }
}
