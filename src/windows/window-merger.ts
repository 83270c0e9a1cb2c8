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
import type {
  IndicatorAccumulator,
  IndicatorResult,
  NumericForm,
  SlotSummary,
} from '../indicators/accumulator.js';
import type { KeyRecord } from './key-interner.js';
import type { WindowShape } from './pane-layout.js';
import { DENSE, findPane, lowerBound, unitLayout, type SlotLayout } from './pane-store.js';

/**
 * Per indicator: its state object, or for an indicator kept in numeric form (see pane-store.ts) a
 * number array of its slots; undefined where the indicator saw nothing.
 */
export type Composite = unknown[];

/**
 * A suffix aggregate when every indicator is numeric: all slots in one array (the dense layout,
 * zeros where an indicator saw nothing), one allocation instead of a composite and an array per
 * indicator. Suffix snapshots were the engine's largest garbage after the values themselves.
 */
class FlatSnapshot {
  constructor(readonly slots: number[]) {}
}

export interface BlockCache {
  suffixBlock: number;
  /**
   * suffix[i]: merge of the block's panes from offset i to its end, at offsets where a window starts;
   * a pane index when that is a single pane (its states serve as they are); undefined when those
   * panes are all empty.
   */
  suffix: (Composite | FlatSnapshot | number | undefined)[];
  prefixBlock: number;
  /** Last pane index merged into `prefix`. */
  prefixThrough: number;
  prefix: Composite;
}

export class WindowMerger {
  private readonly stride: number;
  private readonly scratchComposite: Composite;
  /** Per indicator: its numeric form when the panes keep it as numbers (undefined: an object state). */
  private readonly numeric: readonly (NumericForm | undefined)[];
  /** Every indicator in numeric form: suffixes are FlatSnapshots. */
  private readonly allNumeric: boolean;

  constructor(
    private readonly accumulators: readonly IndicatorAccumulator[],
    private readonly layout: SlotLayout = unitLayout(accumulators.length),
  ) {
    this.stride = accumulators.length;
    this.numeric = accumulators.map((acc, a) => (layout.numericWidths[a]! > 0 ? acc.numeric : undefined));
    this.allNumeric = this.numeric.every((n) => n !== undefined);
    this.scratchComposite = this.empty();
    for (let a = 0; a < this.stride; a++)
      if (this.numeric[a] !== undefined) this.scratchComposite[a] = this.fresh(a);
  }

  /** A fresh composite entry for indicator a: a new state object or zeroed numeric slots. */
  private fresh(a: number): unknown {
    const numeric = this.numeric[a];
    if (numeric === undefined) return this.accumulators[a]!.create();
    const slots: number[] = [];
    for (let i = 0; i < numeric.slots; i++) slots.push(0);
    return slots;
  }

  /** The value of indicator a for a composite (a window with no state for it reads as empty). */
  result(into: Composite, a: number): IndicatorResult {
    const numeric = this.numeric[a];
    const state = into[a] ?? this.fresh(a);
    return numeric === undefined ? this.accumulators[a]!.result(state) : numeric.result(state as number[], 0);
  }

  /**
   * The standard summary (accumulator.ts, SlotSummary) of indicator a when it is kept numeric here:
   * its value is then `writeSummary` of its first two slots (an absent state reads as zeros).
   */
  summaryOf(a: number): SlotSummary | undefined {
    return this.numeric[a]?.summary;
  }

  /** Merges composite `from` into `into` (owned by the caller), creating states on demand. */
  mergeInto(into: Composite, from: Composite | undefined): void {
    if (from === undefined) return;
    const accumulators = this.accumulators;
    const numericForms = this.numeric;
    for (let a = 0; a < accumulators.length; a++) {
      const f = from[a];
      if (f === undefined) continue;
      let target = into[a];
      if (target === undefined) into[a] = target = this.fresh(a);
      const numeric = numericForms[a];
      if (numeric === undefined) accumulators[a]!.merge(target, f);
      else numeric.merge(target as number[], 0, f as number[], 0);
    }
  }

  empty(): Composite {
    return new Array<unknown>(this.stride).fill(undefined);
  }

  /**
   * A cleared composite shared by every window value: the caller reads it (result()) before the
   * next window is merged. Object states in it are fresh each time; numeric slots are the same
   * arrays zeroed, since zeros are exactly what a fresh numeric state holds (result() reads an absent
   * numeric state as fresh too), and allocating them per window was most of the engine's garbage.
   */
  private scratch(): Composite {
    const composite = this.scratchComposite;
    const numericForms = this.numeric;
    for (let a = 0; a < composite.length; a++) {
      if (numericForms[a] === undefined) composite[a] = undefined;
      else (composite[a] as number[]).fill(0);
    }
    return composite;
  }

  /** Merges the states of the key's pane at `pos` into `into` (see pane-store.ts for the layout). */
  mergePane(into: Composite, key: KeyRecord<BlockCache>, pos: number): void {
    const mask = key.paneMask[pos]!;
    let slot = key.paneStart[pos]!;
    const states = key.states;
    const accumulators = this.accumulators;
    const numericForms = this.numeric;
    if (mask === DENSE) {
      const offsets = this.layout.denseOffset;
      for (let a = 0; a < accumulators.length; a++) {
        const at = slot + offsets[a]!;
        const numeric = numericForms[a];
        if (numeric === undefined) {
          const f = states[at];
          if (f === undefined) continue;
          let target = into[a];
          if (target === undefined) into[a] = target = this.fresh(a);
          accumulators[a]!.merge(target, f);
        } else {
          // A DENSE pane always holds numeric slots (zeros when empty: merging them changes nothing).
          let target = into[a];
          if (target === undefined) into[a] = target = this.fresh(a);
          numeric.merge(target as number[], 0, states as number[], at);
        }
      }
      return;
    }
    for (let a = 0, m = mask; m !== 0; a++, m >>>= 1) {
      if ((m & 1) === 0) continue;
      let target = into[a];
      if (target === undefined) into[a] = target = this.fresh(a);
      const numeric = numericForms[a];
      if (numeric === undefined) accumulators[a]!.merge(target, states[slot++]);
      else {
        numeric.merge(target as number[], 0, states as number[], slot);
        slot += numeric.slots;
      }
    }
  }

  /** Merges the key's panes with index in [start, end) into `into`; false when it has none there. */
  private mergeRange(key: KeyRecord<BlockCache>, start: number, end: number, into: Composite): boolean {
    const lo = lowerBound(key, start);
    const hi = lowerBound(key, end);
    for (let pos = lo; pos < hi; pos++) this.mergePane(into, key, pos);
    return hi > lo;
  }

  /**
   * Window [start, end) by merging each pane; undefined when the key has no pane there.
   * The composite returned (here and by `blocks`) is only valid until the next call.
   */
  naive(key: KeyRecord<BlockCache>, start: number, end: number): Composite | undefined {
    const into = this.scratch();
    return this.mergeRange(key, start, end, into) ? into : undefined;
  }

  /**
   * Window k of a hopping shape through the block cache. Only for windows below the watermark,
   * and for a key known to have data in the window.
   */
  blocks(key: KeyRecord<BlockCache>, shape: WindowShape, k: number): Composite {
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
      const suffix = cache.suffix[offset];
      if (typeof suffix === 'number') {
        const pos = findPane(key, suffix);
        if (pos >= 0) this.mergePane(into, key, pos);
      } else if (suffix instanceof FlatSnapshot) this.mergeFlat(into, suffix);
      else this.mergeInto(into, suffix);
      cache.suffix[offset] = undefined;
    }
    this.mergeInto(into, this.prefix(key, cache, boundary / size, size, end - 1));
    return into;
  }

  /** Forgets the key's cached aggregates (a late event changed a pane below the watermark). */
  invalidate(key: KeyRecord<BlockCache>): void {
    key.caches.length = 0;
  }

  /** A copy of `running` that later merges leave alone. */
  private snapshot(running: Composite): Composite | FlatSnapshot {
    if (!this.allNumeric) {
      const copy = this.empty();
      this.mergeInto(copy, running);
      return copy;
    }
    const offsets = this.layout.denseOffset;
    const slots = new Array<number>(this.layout.denseWidth).fill(0);
    for (let a = 0; a < running.length; a++) {
      const state = running[a] as number[] | undefined;
      if (state === undefined) continue;
      const at = offsets[a]!;
      for (let i = 0; i < state.length; i++) slots[at + i] = state[i]!;
    }
    return new FlatSnapshot(slots);
  }

  /** Merges a flat snapshot into `into` (whose numeric states are created on demand). */
  private mergeFlat(into: Composite, flat: FlatSnapshot): void {
    const offsets = this.layout.denseOffset;
    const numericForms = this.numeric;
    for (let a = 0; a < numericForms.length; a++) {
      let target = into[a];
      if (target === undefined) into[a] = target = this.fresh(a);
      numericForms[a]!.merge(target as number[], 0, flat.slots, offsets[a]!);
    }
  }

  /** Suffix aggregates of a block, kept only at the offsets where a window starts. */
  private buildSuffix(
    key: KeyRecord<BlockCache>,
    cache: BlockCache,
    block: number,
    shape: WindowShape,
  ): void {
    const size = shape.size;
    const suffix = new Array<Composite | FlatSnapshot | number | undefined>(size).fill(undefined);
    const first = block * size;
    const lo = lowerBound(key, first);
    let pos = lowerBound(key, first + size) - 1;
    let running: Composite | undefined;
    let single = -1;
    for (let i = size - 1; i >= 0; i--) {
      if (pos >= lo && key.paneIndex[pos] === first + i) {
        if (single < 0) single = pos;
        else {
          if (running === undefined) {
            running = this.empty();
            this.mergePane(running, key, single);
          }
          this.mergePane(running, key, pos);
        }
        pos--;
      }
      if ((first + i) % shape.hop !== 0) continue;
      if (running !== undefined) {
        // `running` keeps changing: the window gets a snapshot.
        suffix[i] = this.snapshot(running);
      } else if (single >= 0) {
        // One pane so far: remember which; its states serve as they are (suffixes are only merged from).
        suffix[i] = key.paneIndex[single];
      }
    }
    cache.suffixBlock = block;
    cache.suffix = suffix;
  }

  private prefix(
    key: KeyRecord<BlockCache>,
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
      this.mergeRange(key, from, through + 1, cache.prefix);
      cache.prefixThrough = through;
    }
    return cache.prefix;
  }
}
