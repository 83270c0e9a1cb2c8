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

  // Both sifts move a hole rather than swapping: each moved counter's position is written once.
  private siftUp(i: number): void {
    const { items, counts, errors, at } = this;
    const item = items[i]!;
    const count = counts[i]!;
    const error = errors[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (counts[parent]! <= count) break;
      this.place(i, items[parent]!, counts[parent]!, errors[parent]!);
      i = parent;
    }
    items[i] = item;
    counts[i] = count;
    errors[i] = error;
    at.set(item, i);
  }

  private siftDown(i: number): void {
    const { items, counts, errors, at } = this;
    const n = counts.length;
    const item = items[i]!;
    const count = counts[i]!;
    const error = errors[i]!;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && counts[right]! < counts[left]! ? right : left;
      if (count <= counts[child]!) break;
      this.place(i, items[child]!, counts[child]!, errors[child]!);
      i = child;
    }
    items[i] = item;
    counts[i] = count;
    errors[i] = error;
    at.set(item, i);
  }

  private place(i: number, item: string, count: number, error: number): void {
    this.items[i] = item;
    this.counts[i] = count;
    this.errors[i] = error;
    this.at.set(item, i);
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
  // Every item starts at Σ floor_j (what inputs that do not monitor it contribute) and each input
  // that monitors it swaps its floor for its own counter. Parallel arrays, no object per item: a
  // window of 60 panes merges thousands of items, on every early firing and every close.
  const index = new Map<string, number>();
  const items: string[] = [];
  const counts: number[] = [];
  const errors: number[] = [];
  for (const s of inputs) {
    const floor = s.floor;
    s.forEachEntry((item, count, error) => {
      let i = index.get(item);
      if (i === undefined) {
        i = items.length;
        index.set(item, i);
        items.push(item);
        counts.push(floors);
        errors.push(floors);
      }
      counts[i]! += count - floor;
      errors[i]! += error - floor;
    });
  }
  const n = items.length;
  const order = Array.from({ length: n }, (_, i) => i);
  let floor = floors;
  if (n > capacity) {
    // Only which m are kept matters here (rankings sort their own top): select, do not sort.
    const before = (a: number, b: number) =>
      counts[b]! - counts[a]! ||
      counts[b]! - errors[b]! - (counts[a]! - errors[a]!) ||
      (items[a]! < items[b]! ? -1 : items[a]! > items[b]! ? 1 : 0);
    selectFirst(order, capacity, before);
    for (let k = capacity; k < n; k++) if (counts[order[k]!]! > floor) floor = counts[order[k]!]!;
    order.length = capacity;
  }
  const entries: SpaceSavingEntry[] = order.map((i) => ({
    item: items[i]!,
    count: counts[i]!,
    error: errors[i]!,
  }));
  return SpaceSaving.fromEntries(capacity, entries, total, floor);
}

/** Rearranges `a` so that its first k elements are the k first by `before` (in no order): quickselect. */
function selectFirst(a: number[], k: number, before: (x: number, y: number) => number): void {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    // Median of three as the pivot, so runs already in order stay linear.
    const mid = (lo + hi) >> 1;
    if (before(a[mid]!, a[lo]!) < 0) swap(a, mid, lo);
    if (before(a[hi]!, a[lo]!) < 0) swap(a, hi, lo);
    if (before(a[hi]!, a[mid]!) < 0) swap(a, hi, mid);
    const pivot = a[mid]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (before(a[i]!, pivot) < 0) i++;
      while (before(pivot, a[j]!) < 0) j--;
      if (i <= j) swap(a, i++, j--);
    }
    if (k - 1 <= j) hi = j;
    else if (k - 1 >= i) lo = i;
    else return;
  }
}

function swap(a: number[], i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}
