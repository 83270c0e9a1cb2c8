/**
 * A key's panes, stored flat in its KeyRecord: sorted pane indices, and the panes' states packed in
 * one array, each pane holding only the states of the indicators that had an event in it.
 *
 * Why: with 10 000 keys and an hour of correction horizon the engine holds about 750 000 key×pane
 * pairs, most with one or two events, i.e. two or three of nine indicator states. A Map entry, a
 * pane object and a states array per pane cost about 150 B before any state (Node 20 has no pointer
 * compression: 8 B a slot), a slot per indicator 72 B; here a pane costs four numbers and one slot
 * per state it has. Panes in a window are a contiguous run of positions, found by binary search;
 * panes leave from the front (oldest first), so removal is a moving `head` with an occasional
 * compaction. A pane's mask says which indicators have a state (bit a for indicator a) and the
 * state of indicator a sits at start + popcount(mask below bit a). With more than 30 indicators
 * (beyond a small-integer mask) every pane keeps a slot per indicator instead (mask DENSE).
 *
 * An indicator with a numeric form (accumulator.ts) keeps its state as `width` numbers in `states`
 * itself instead of one slot holding an object (an object costs 32–48 B; a small integer in an
 * array slot costs nothing beyond the slot, and an array of numbers only stores even fractional ones
 * unboxed; a fraction beside objects is a 16 B heap number). A SlotLayout gives each indicator's width; offsets in a
 * pane are then sums of the widths of the indicators below it in the mask. Without one, every
 * indicator is one slot and the offsets are popcounts.
 */
import type { KeyRecord } from './key-interner.js';

/** Mask of a pane that keeps one slot per indicator. */
export const DENSE = -1;
/** Most indicators a bit mask can describe (bit 30 keeps masks small non-negative integers). */
export const MAX_SPARSE_INDICATORS = 30;
/** Compact when at least this many dead positions lead, and they are at least half the arrays. */
const COMPACT_MIN_DEAD = 16;

export function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** Slots per indicator in a pane, and what a new state's slots hold. */
export class SlotLayout {
  /** Slots of a DENSE pane, and the offset of each indicator in one. */
  readonly denseWidth: number;
  readonly denseOffset: readonly number[];
  /** Initial contents of a DENSE pane: undefined for object states, zeros for numeric ones. */
  private readonly denseInit: readonly (0 | undefined)[];
  /** Sum of widths per byte of a mask: widthTable[b * 256 + v] for bits 8b…8b+7 set as in v. */
  private readonly widthTable: Int32Array;
  readonly unit: boolean;

  /** `widths[a]`: 0 for an object state (one slot), else the numeric form's slot count. */
  constructor(readonly numericWidths: readonly number[]) {
    const widths = numericWidths.map((w) => (w > 0 ? w : 1));
    this.unit = numericWidths.every((w) => w === 0);
    const offsets: number[] = [];
    const init: (0 | undefined)[] = [];
    let at = 0;
    for (let a = 0; a < widths.length; a++) {
      offsets.push(at);
      at += widths[a]!;
      for (let i = 0; i < widths[a]!; i++) init.push(numericWidths[a]! > 0 ? 0 : undefined);
    }
    this.denseWidth = at;
    this.denseOffset = offsets;
    this.denseInit = init;
    const table = new Int32Array(4 * 256);
    for (let b = 0; b < 4; b++) {
      for (let v = 0; v < 256; v++) {
        let sum = 0;
        for (let i = 0; i < 8; i++) if ((v >>> i) & 1) sum += widths[b * 8 + i] ?? 1;
        table[b * 256 + v] = sum;
      }
    }
    this.widthTable = table;
  }

  /** Total slots of the indicators whose bits are set in `mask` (a sparse mask, < 2^31). */
  slotsOf(mask: number): number {
    const t = this.widthTable;
    return (
      t[mask & 0xff]! +
      t[256 + ((mask >>> 8) & 0xff)]! +
      t[512 + ((mask >>> 16) & 0xff)]! +
      t[768 + (mask >>> 24)]!
    );
  }

  /** Appends the initial contents of a DENSE pane to `states` at `start`. */
  initDense(states: unknown[], start: number): void {
    if (start === states.length) for (const v of this.denseInit) states.push(v);
    else states.splice(start, 0, ...this.denseInit);
  }
}

/** One slot per indicator, all object states: the layout when no indicator has a numeric form. */
export function unitLayout(stride: number): SlotLayout {
  return new SlotLayout(new Array<number>(stride).fill(0));
}

export function paneCount(key: KeyRecord): number {
  return key.paneIndex.length - key.head;
}

/** First live position whose pane index is ≥ `index` (the end of the arrays when none is). */
export function lowerBound(key: KeyRecord, index: number): number {
  const panes = key.paneIndex;
  let lo = key.head;
  let hi = panes.length;
  // Most lookups are for the newest pane or beyond.
  if (hi === lo || panes[hi - 1]! < index) return hi;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (panes[mid]! < index) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** ⌊watermark / paneMs⌋ when the pane at `pos` was created, or its own index if that was later. */
export function paneSeen(key: KeyRecord, pos: number): number {
  const index = key.paneIndex[pos]!;
  return key.lateSeen?.get(index) ?? index;
}

/** Position of pane `index`, or -1. */
export function findPane(key: KeyRecord, index: number): number {
  const pos = lowerBound(key, index);
  return key.paneIndex[pos] === index ? pos : -1;
}

/** End (exclusive) in `states` of the pane at `pos`. */
export function paneEnd(key: KeyRecord, pos: number): number {
  return pos + 1 < key.paneStart.length ? key.paneStart[pos + 1]! : key.states.length;
}

/**
 * Slot in `key.states` of indicator a's state in the pane at `pos`; -1 when it has none
 * (in a DENSE pane the slot always exists and may hold undefined).
 */
export function stateSlot(key: KeyRecord, pos: number, a: number, layout?: SlotLayout): number {
  const mask = key.paneMask[pos]!;
  if (mask === DENSE) return key.paneStart[pos]! + (layout ? layout.denseOffset[a]! : a);
  const bit = 1 << a;
  if ((mask & bit) === 0) return -1;
  return key.paneStart[pos]! + (layout ? layout.slotsOf(mask & (bit - 1)) : popcount(mask & (bit - 1)));
}

/** Gives indicator a (which has none yet) a state in the sparse pane at `pos`. */
export function addState(key: KeyRecord, pos: number, a: number, state: unknown, layout?: SlotLayout): void {
  const mask = key.paneMask[pos]!;
  const bit = 1 << a;
  const below = mask & (bit - 1);
  const at = key.paneStart[pos]! + (layout ? layout.slotsOf(below) : popcount(below));
  if (at === key.states.length) key.states.push(state);
  else key.states.splice(at, 0, state);
  key.paneMask[pos] = mask | bit;
  // Usually the newest pane, the last one: nothing to shift.
  const starts = key.paneStart;
  for (let p = pos + 1; p < starts.length; p++) starts[p]!++;
}

/**
 * Gives numeric indicator a (which has none yet) `width` zero slots in the sparse pane at `pos`;
 * returns the first slot.
 */
export function addNumericState(
  key: KeyRecord,
  pos: number,
  a: number,
  width: number,
  layout: SlotLayout,
): number {
  const mask = key.paneMask[pos]!;
  const bit = 1 << a;
  const at = key.paneStart[pos]! + layout.slotsOf(mask & (bit - 1));
  const states = key.states;
  if (at === states.length) for (let i = 0; i < width; i++) states.push(0);
  else if (width === 1) states.splice(at, 0, 0);
  else states.splice(at, 0, ...new Array<number>(width).fill(0));
  key.paneMask[pos] = mask | bit;
  const starts = key.paneStart;
  for (let p = pos + 1; p < starts.length; p++) starts[p]! += width;
  return at;
}

/** Inserts an empty pane at its sorted place; returns its position. `stride` > 30 makes it DENSE. */
export function insertPane(
  key: KeyRecord,
  index: number,
  seen: number,
  stride: number,
  layout?: SlotLayout,
): number {
  const pos = lowerBound(key, index);
  const dense = stride > MAX_SPARSE_INDICATORS;
  if (seen > index) (key.lateSeen ??= new Map()).set(index, seen);
  const length = key.paneIndex.length;
  const start = pos === length ? key.states.length : key.paneStart[pos]!;
  if (pos === length) {
    key.paneIndex.push(index);
    key.paneMask.push(dense ? DENSE : 0);
    key.paneStart.push(start);
  } else {
    key.paneIndex.splice(pos, 0, index);
    key.paneMask.splice(pos, 0, dense ? DENSE : 0);
    key.paneStart.splice(pos, 0, start);
    if (key.lastPos >= pos) key.lastPos++;
  }
  if (dense) {
    const width = layout ? layout.denseWidth : stride;
    if (layout) layout.initDense(key.states, start);
    else if (start === key.states.length) for (let a = 0; a < stride; a++) key.states.push(undefined);
    else key.states.splice(start, 0, ...new Array<undefined>(stride).fill(undefined));
    const starts = key.paneStart;
    for (let p = pos + 1; p < starts.length; p++) starts[p]! += width;
  }
  return pos;
}

/** Removes pane `index` (normally the oldest); its states are released. */
export function removePane(key: KeyRecord, index: number): void {
  const pos = findPane(key, index);
  if (pos < 0) return;
  key.lateSeen?.delete(index);
  if (key.lastPaneIndex === index) {
    key.lastPaneIndex = NaN;
    key.lastPos = -1;
  }
  const start = key.paneStart[pos]!;
  const end = paneEnd(key, pos);
  if (pos !== key.head) {
    key.paneIndex.splice(pos, 1);
    key.paneMask.splice(pos, 1);
    key.paneStart.splice(pos, 1);
    key.states.splice(start, end - start);
    const starts = key.paneStart;
    for (let p = pos; p < starts.length; p++) starts[p]! -= end - start;
    if (key.lastPos > pos) key.lastPos--;
    return;
  }
  // 0 rather than undefined: it releases object states just as well, and keeps an array that holds
  // only numeric states an array of unboxed numbers.
  key.states.fill(0, start, end);
  const head = ++key.head;
  const length = key.paneIndex.length;
  if (head === length) {
    // Empty: let the arrays go (a key without panes may be evicted or sit idle for long).
    key.paneIndex = [];
    key.lateSeen = undefined;
    key.paneMask = [];
    key.paneStart = [];
    key.states = [];
    key.head = 0;
    key.lastPaneIndex = NaN;
    key.lastPos = -1;
  } else if (head >= COMPACT_MIN_DEAD && head * 2 >= length) {
    const offset = key.paneStart[head]!;
    dropFront(key.paneIndex, head);
    dropFront(key.paneMask, head);
    dropFront(key.paneStart, head);
    for (let p = 0; p < key.paneStart.length; p++) key.paneStart[p]! -= offset;
    dropFront(key.states, offset);
    key.head = 0;
    if (key.lastPos >= 0) key.lastPos -= head;
  }
}

/**
 * Removes the first `n` entries in place. A `slice` copy per array and compaction left the old copies
 * as garbage in the old generation, which grew more fragmented (docs/windows.md, Memory).
 */
function dropFront(array: unknown[], n: number): void {
  array.copyWithin(0, n);
  array.length -= n;
}
