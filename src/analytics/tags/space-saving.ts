/**
 * Space-Saving (Metwally, Agrawal, El Abbadi, "Efficient computation of frequent and top-k elements
 * in data streams", ICDT 2005): the most frequent items of a stream in at most `capacity` (m)
 * counters, whatever the number of distinct items.
 *
 * Every monitored item has a `count` and an `error`; with f(x) its true frequency:
 *
 *   count(x) − error(x) ≤ f(x) ≤ count(x)          (monitored x)
 *   f(x) ≤ floor                                      (any x not monitored)
 *   error(x) ≤ floor ≤ N / m                          (N = items added, over every merged input)
 *
 * so a tag that occurred more than `floor` times is always in the summary, and no count is off by
 * more than N / m. Adding: a monitored item's counter goes up by one; a new item takes a free
 * counter (error 0), or, when all m are taken, the counter of the smallest count c_min, becoming
 * count c_min + 1 with error c_min, and floor becomes c_min.
 *
 * Merging (`mergeSpaceSaving`, n summaries at once): each item of the union gets
 * count = Σ_j c_j(x) and error = Σ_j e_j(x), where an input that does not monitor x contributes its
 * floor to both (f_j(x) ≤ floor_j there); the m largest counts are kept, and the merged floor is
 * max(Σ_j floor_j, the largest count dropped). Why the bound survives: besides the inequalities
 * above, every summary keeps (A) Σ counts ≤ N and (B) when floor > 0 it is full and every count
 * is ≥ floor. Adding keeps both (N and one count grow by 1; the replaced minimum becomes the floor).
 * Merging keeps (A): of the m counts kept, the a items input j monitors contribute at most
 * N_j − (m − a)·floor_j (its other counters are each ≥ floor_j by (B)), the others floor_j each.
 * Both kept counts and Σ floor_j are ≥ each input's share, so (B) holds; and (A) with (B) give
 * m · floor ≤ N. docs/analytics.md, "Tag rankings", has the same argument for readers.
 *
 * Pure and synchronous. Counters live in a binary min-heap on count, so adding is O(log m) and
 * the replaced counter is the heap's root.
 */

export interface SpaceSavingEntry {
  item: string;
  /** Upper bound of the item's true count. */
  count: number;
  /** Guaranteed overestimate bound: the true count is at least count − error. */
  error: number;
}

export class SpaceSaving {
  readonly capacity: number;
  /** Items added (N), over every merged input. */
  total = 0;
  /** Any item not monitored occurred at most this many times (0 until the summary is full). */
  floor = 0;
  private readonly items: string[] = [];
  private readonly counts: number[] = [];
  private readonly errors: number[] = [];
  /** item → heap position */
  private readonly at = new Map<string, number>();

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`space-saving capacity must be a positive integer, got ${capacity}`);
    }
    this.capacity = capacity;
  }

  /** Items monitored (≤ capacity). */
  get size(): number {
    return this.items.length;
  }

  add(item: string): void {
    this.total++;
    const i = this.at.get(item);
    if (i !== undefined) {
      this.counts[i]!++;
      this.siftDown(i);
      return;
    }
    if (this.items.length < this.capacity) {
      const n = this.items.length;
      this.items.push(item);
      this.counts.push(1 + this.floor);
      this.errors.push(this.floor);
      this.at.set(item, n);
      this.siftUp(n);
      return;
    }
    // Full: the smallest counter (the heap's root) is taken over.
    const min = this.counts[0]!;
    this.at.delete(this.items[0]!);
    if (min > this.floor) this.floor = min;
    this.items[0] = item;
    this.counts[0] = min + 1;
    this.errors[0] = min;
    this.at.set(item, 0);
    this.siftDown(0);
  }

  /** Count and error of one item; an item not monitored reads as { count: floor, error: floor }. */
  estimate(item: string): { count: number; error: number; monitored: boolean } {
    const i = this.at.get(item);
    if (i === undefined) return { count: this.floor, error: this.floor, monitored: false };
    return { count: this.counts[i]!, error: this.errors[i]!, monitored: true };
  }

  /** Monitored items by count (highest first), then by guaranteed count, then by name. */
  entries(): SpaceSavingEntry[] {
    const out: SpaceSavingEntry[] = [];
    for (let i = 0; i < this.items.length; i++) {
      out.push({ item: this.items[i]!, count: this.counts[i]!, error: this.errors[i]! });
    }
    return out.sort(compareEntries);
  }

  /** Every counter, in no order (for merging without sorting). */
  forEachEntry(visit: (item: string, count: number, error: number) => void): void {
    for (let i = 0; i < this.items.length; i++) visit(this.items[i]!, this.counts[i]!, this.errors[i]!);
  }

  /** A summary of capacity m holding exactly these counters (used by the merge). */
  static fromEntries(
    capacity: number,
    entries: readonly SpaceSavingEntry[],
    total: number,
    floor: number,
  ): SpaceSaving {
    if (entries.length > capacity) {
      throw new RangeError(`${entries.length} entries do not fit a space-saving summary of ${capacity}`);
    }
    const s = new SpaceSaving(capacity);
    s.total = total;
    s.floor = floor;
    for (const e of entries) {
      s.at.set(e.item, s.items.length);
      s.items.push(e.item);
      s.counts.push(e.count);
      s.errors.push(e.error);
    }
    for (let i = (s.items.length >> 1) - 1; i >= 0; i--) s.siftDown(i);
    return s;
  }

  private siftUp(i: number): void {
    const counts = this.counts;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (counts[parent]! <= counts[i]!) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private siftDown(i: number): void {
    const counts = this.counts;
    const n = counts.length;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) return;
      const right = left + 1;
      const child = right < n && counts[right]! < counts[left]! ? right : left;
      if (counts[i]! <= counts[child]!) return;
      this.swap(i, child);
      i = child;
    }
  }

  private swap(i: number, j: number): void {
    const items = this.items;
    const counts = this.counts;
    const errors = this.errors;
    const item = items[i]!;
    items[i] = items[j]!;
    items[j] = item;
    const count = counts[i]!;
    counts[i] = counts[j]!;
    counts[j] = count;
    const error = errors[i]!;
    errors[i] = errors[j]!;
    errors[j] = error;
    this.at.set(items[i]!, i);
    this.at.set(items[j]!, j);
  }
}

export function compareEntries(a: SpaceSavingEntry, b: SpaceSavingEntry): number {
  return (
    b.count - a.count ||
    b.count - b.error - (a.count - a.error) ||
    (a.item < b.item ? -1 : a.item > b.item ? 1 : 0)
  );
}

/**
 * The n-way merge described at the top of this file, into a fresh summary of `capacity` counters
 * (every input must have the same capacity). The inputs are left unchanged; empty ones are fine.
 */
export function mergeSpaceSaving(inputs: readonly SpaceSaving[], capacity: number): SpaceSaving {
  let floors = 0;
  let total = 0;
  for (const s of inputs) {
    // The bound N / m needs every input to have had the same m counters.
    if (s.capacity !== capacity) {
      throw new RangeError(`cannot merge a summary of ${s.capacity} counters into one of ${capacity}`);
    }
    floors += s.floor;
    total += s.total;
  }
  // Start every item at Σ floor_j (what inputs that do not monitor it contribute) and swap in each
  // input's own counter where it has one.
  const merged = new Map<string, { count: number; error: number }>();
  for (const s of inputs) {
    const floor = s.floor;
    s.forEachEntry((item, count, error) => {
      let e = merged.get(item);
      if (e === undefined) merged.set(item, (e = { count: floors, error: floors }));
      e.count += count - floor;
      e.error += error - floor;
    });
  }
  const entries: SpaceSavingEntry[] = [];
  for (const [item, e] of merged) entries.push({ item, count: e.count, error: e.error });
  let floor = floors;
  if (entries.length > capacity) {
    entries.sort(compareEntries);
    floor = Math.max(floor, entries[capacity]!.count);
    entries.length = capacity;
  }
  return SpaceSaving.fromEntries(capacity, entries, total, floor);
}
