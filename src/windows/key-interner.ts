/**
 * Interns grouping keys without building a string per event.
 *
 * One nested Map level per keyBy dimension, the last level holding the key record: the hot path
 * does one `Map.get` per dimension on the strings the decoder already produced. The text form
 * (`keyId`) and the frozen `key` object are built once, when a key is first seen.
 * A missing (or empty, or non-scalar) dimension value reads as `-`.
 */
import type { CxEvent } from '../events/types.js';

export const MISSING_DIMENSION_VALUE = '-';

export interface KeyRecord<C = unknown> {
  /** Stable text form, `dim=value` pairs sorted by dimension name and joined by `,`; `` with no keyBy. */
  readonly keyId: string;
  readonly key: Readonly<Record<string, string>>;
  /** Dimension values in keyBy order (the path in the nested maps, used to evict). */
  readonly values: readonly string[];
  /** Largest event time seen for this key. */
  lastTs: number;
  /**
   * The key's panes, flat (see pane-store.ts): positions `head…paneIndex.length-1` are live, in
   * ascending pane index. Flat arrays rather than a Map of pane objects: a sparse key has hundreds of
   * retained panes with one or two events each, and per-pane objects cost more than the states.
   */
  paneIndex: number[];
  /**
   * For the rare pane created after the watermark had passed its start (by a late event): pane index →
   * ⌊watermark at creation / paneMs⌋, to tell whether a closed window had counted it. Every other pane
   * counts as seen at its own index; a per-position array for that saved nothing but 8 B a pane.
   */
  lateSeen: Map<number, number> | undefined;
  /** Per position: which indicators have a state in the pane (bit a = indicator a; see pane-store.ts). */
  paneMask: number[];
  /** Per position: where the pane's states start in `states`. */
  paneStart: number[];
  /**
   * The panes' states, packed: for each pane, in position order, per bit of its mask one object
   * state, or the numeric form's slots (numbers) for an indicator kept in numeric form.
   */
  states: unknown[];
  /** First live position. */
  head: number;
  /** One-entry cache: most events of a key hit the pane of its previous event. */
  lastPaneIndex: number;
  lastPos: number;
  /** Early firing bookkeeping: received events since the last early firing. */
  dirty: boolean;
  /** Scratch mark used to deduplicate keys while closing a window. */
  mark: number;
  /** Per window definition, aggregates the engine caches for this key (see window-merger.ts). */
  caches: (C | undefined)[];
}

type Node<C> = Map<string, Node<C> | KeyRecord<C>>;

export function dimensionValue(event: CxEvent, dimension: string): string {
  const v = (event as unknown as Record<string, unknown>)[dimension];
  if (typeof v === 'string') return v === '' ? MISSING_DIMENSION_VALUE : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return MISSING_DIMENSION_VALUE;
}

/** A key with no panes yet: the one place that knows every field a key record starts with. */
export function newKeyRecord<C = unknown>(
  keyId: string,
  key: Readonly<Record<string, string>>,
  values: readonly string[],
): KeyRecord<C> {
  return {
    keyId,
    key,
    values,
    lastTs: -Infinity,
    paneIndex: [],
    lateSeen: undefined,
    paneMask: [],
    paneStart: [],
    states: [],
    head: 0,
    lastPaneIndex: NaN,
    lastPos: -1,
    dirty: false,
    mark: 0,
    caches: [],
  };
}

export class KeyInterner<C = unknown> {
  private readonly root: Node<C> = new Map();
  private readonly live = new Set<KeyRecord<C>>();
  private readonly sortedDims: { name: string; pos: number }[];
  private single: KeyRecord<C> | undefined;

  constructor(
    private readonly dimensions: readonly string[],
    private readonly maxKeys: number,
  ) {
    this.sortedDims = dimensions
      .map((name, pos) => ({ name, pos }))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  get size(): number {
    return this.live.size;
  }

  keys(): IterableIterator<KeyRecord<C>> {
    return this.live.values();
  }

  /** The key of `event`, created on first sight; undefined when creating it would exceed maxKeys. */
  lookup(event: CxEvent): KeyRecord<C> | undefined {
    const dims = this.dimensions;
    const n = dims.length;
    if (n === 0) return this.single ?? this.create([]);
    let node: Node<C> = this.root;
    for (let i = 0; i < n - 1; i++) {
      const next = node.get(dimensionValue(event, dims[i]!)) as Node<C> | undefined;
      if (next === undefined) return this.createFor(event);
      node = next;
    }
    const rec = node.get(dimensionValue(event, dims[n - 1]!)) as KeyRecord<C> | undefined;
    return rec ?? this.createFor(event);
  }

  /** Removes a key; its panes must already be gone. */
  evict(rec: KeyRecord<C>): void {
    if (!this.live.delete(rec)) return;
    if (this.dimensions.length === 0) {
      this.single = undefined;
      return;
    }
    // Walk down remembering the path, then delete bottom-up so empty branches do not pile up.
    const path: Node<C>[] = [this.root];
    for (let i = 0; i < rec.values.length - 1; i++) {
      const next = path[i]!.get(rec.values[i]!) as Node<C> | undefined;
      if (next === undefined) return;
      path.push(next);
    }
    for (let i = rec.values.length - 1; i >= 0; i--) {
      const node = path[i]!;
      node.delete(rec.values[i]!);
      if (node.size > 0 || i === 0) break;
    }
  }

  private createFor(event: CxEvent): KeyRecord<C> | undefined {
    return this.create(this.dimensions.map((d) => dimensionValue(event, d)));
  }

  private create(values: string[]): KeyRecord<C> | undefined {
    if (this.live.size >= this.maxKeys) return undefined;
    const key: Record<string, string> = {};
    for (let i = 0; i < values.length; i++) key[this.dimensions[i]!] = values[i]!;
    const keyId = this.sortedDims.map((d) => `${d.name}=${values[d.pos]!}`).join(',');
    const rec = newKeyRecord<C>(keyId, Object.freeze(key), values);
    this.live.add(rec);
    if (values.length === 0) {
      this.single = rec;
      return rec;
    }
    let node = this.root;
    for (let i = 0; i < values.length - 1; i++) {
      let next = node.get(values[i]!) as Node<C> | undefined;
      if (next === undefined) {
        next = new Map();
        node.set(values[i]!, next);
      }
      node = next;
    }
    node.set(values[values.length - 1]!, rec);
    return rec;
  }
}
