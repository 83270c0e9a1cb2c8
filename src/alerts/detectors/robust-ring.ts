/**
 * A fixed-capacity ring of the most recent values with median and MAD on demand. Capacity is small
 * (tens), so sorting a copy per query is cheaper and simpler than an order-statistics tree.
 */
export class RobustRing {
  private readonly values: Float64Array;
  private readonly scratch: Float64Array;
  private next = 0;
  private filled = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`capacity must be ≥ 1, got ${capacity}`);
    this.values = new Float64Array(capacity);
    this.scratch = new Float64Array(capacity);
  }

  get size(): number {
    return this.filled;
  }

  push(value: number): void {
    this.values[this.next] = value;
    this.next = (this.next + 1) % this.capacity;
    if (this.filled < this.capacity) this.filled++;
  }

  /** Median and median absolute deviation (raw, not scaled to σ) of the values held. */
  medianAndMad(): { median: number; mad: number } {
    const n = this.filled;
    const s = this.scratch.subarray(0, n);
    s.set(this.values.subarray(0, n));
    s.sort();
    const median = middle(s);
    for (let i = 0; i < n; i++) s[i] = Math.abs(s[i]! - median);
    s.sort();
    return { median, mad: middle(s) };
  }
}

function middle(sorted: Float64Array): number {
  const n = sorted.length;
  const h = n >> 1;
  return n % 2 === 1 ? sorted[h]! : (sorted[h - 1]! + sorted[h]!) / 2;
}
