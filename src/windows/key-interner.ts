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

export interface KeyRecord<P, C = unknown> {
  /** Stable text form, `dim=value` pairs sorted by dimension name and joined by `,`; `` with no keyBy. */
  readonly keyId: string;
  readonly key: Readonly<Record<string, string>>;
  /** Dimension values in keyBy order (the path in the nested maps, used to evict). */
  readonly values: readonly string[];
  /** Largest event time seen for this key. */
  lastTs: number;
  /** Pane index → pane of this key. */
  readonly panes: Map<number, P>;
  /** One-entry cache in front of `panes`: most events of a key hit the pane of its previous event. */
  lastPaneIndex: number;
  lastPane: P | undefined;
  /** Early firing bookkeeping: panes changed since the last early firing. */
  dirty: boolean;
  dirtyLo: number;
  dirtyHi: number;
  /** Scratch mark used to deduplicate keys while closing a window. */
  mark: number;
  /** Per window definition, aggregates the engine caches for this key (see window-merger.ts). */
  caches: (C | undefined)[];
}

type Node<P, C> = Map<string, Node<P, C> | KeyRecord<P, C>>;

export function dimensionValue(event: CxEvent, dimension: string): string {
  const v = (event as unknown as Record<string, unknown>)[dimension];
  if (typeof v === 'string') return v === '' ? MISSING_DIMENSION_VALUE : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return MISSING_DIMENSION_VALUE;
}

export class KeyInterner<P, C = unknown> {
  private readonly root: Node<P, C> = new Map();
  private readonly live = new Set<KeyRecord<P, C>>();
  private readonly sortedDims: { name: string; pos: number }[];
  private single: KeyRecord<P, C> | undefined;

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

  keys(): IterableIterator<KeyRecord<P, C>> {
    return this.live.values();
  }

  /** The key of `event`, created on first sight; undefined when creating it would exceed maxKeys. */
  lookup(event: CxEvent): KeyRecord<P, C> | undefined {
    const dims = this.dimensions;
    const n = dims.length;
    if (n === 0) return this.single ?? this.create([]);
    let node: Node<P, C> = this.root;
    for (let i = 0; i < n - 1; i++) {
      const next = node.get(dimensionValue(event, dims[i]!)) as Node<P, C> | undefined;
      if (next === undefined) return this.createFor(event);
      node = next;
    }
    const rec = node.get(dimensionValue(event, dims[n - 1]!)) as KeyRecord<P, C> | undefined;
    return rec ?? this.createFor(event);
  }

  /** Removes a key; its panes must already be gone. */
  evict(rec: KeyRecord<P, C>): void {
    if (!this.live.delete(rec)) return;
    if (this.dimensions.length === 0) {
      this.single = undefined;
      return;
    }
    // Walk down remembering the path, then delete bottom-up so empty branches do not pile up.
    const path: Node<P, C>[] = [this.root];
    for (let i = 0; i < rec.values.length - 1; i++) {
      const next = path[i]!.get(rec.values[i]!) as Node<P, C> | undefined;
      if (next === undefined) return;
      path.push(next);
    }
    for (let i = rec.values.length - 1; i >= 0; i--) {
      const node = path[i]!;
      node.delete(rec.values[i]!);
      if (node.size > 0 || i === 0) break;
    }
  }

  private createFor(event: CxEvent): KeyRecord<P, C> | undefined {
    return this.create(this.dimensions.map((d) => dimensionValue(event, d)));
  }

  private create(values: string[]): KeyRecord<P, C> | undefined {
    if (this.live.size >= this.maxKeys) return undefined;
    const key: Record<string, string> = {};
    for (let i = 0; i < values.length; i++) key[this.dimensions[i]!] = values[i]!;
    const rec: KeyRecord<P, C> = {
      keyId: this.sortedDims.map((d) => `${d.name}=${values[d.pos]!}`).join(','),
      key: Object.freeze(key),
      values,
      lastTs: -Infinity,
      panes: new Map(),
      lastPaneIndex: NaN,
      lastPane: undefined,
      dirty: false,
      dirtyLo: 0,
      dirtyHi: 0,
      mark: 0,
      caches: [],
    };
    this.live.add(rec);
    if (values.length === 0) {
      this.single = rec;
      return rec;
    }
    let node = this.root;
    for (let i = 0; i < values.length - 1; i++) {
      let next = node.get(values[i]!) as Node<P, C> | undefined;
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
