/**
 * The simulation agenda: future tasks ordered by simulated time, at millisecond resolution.
 *
 * A calendar queue: a ring of one bucket per millisecond covering the next ~65 s, and a binary
 * min-heap for tasks further out (callbacks, surveys, shift plans), which move into the ring as it
 * comes within reach. At 50 000 events/s half a million journeys are in flight; a plain heap of that
 * size cost ~20 cache-missing levels per operation, the ring costs one array push and one read.
 *
 * Order: by millisecond (floor of `t`), then by the order tasks entered their bucket. That order is a
 * pure function of the sequence of `schedule` calls, which is what determinism needs. A task
 * scheduled before the current millisecond runs in the current one.
 */
export interface Timed {
  /** Simulated time, epoch ms (fractions allowed; the agenda orders by whole ms). */
  t: number;
  /** Set by the agenda: insertion order, the tie-breaker in the far heap. */
  seq: number;
}

const RING_BITS = 16;
const RING_SIZE = 1 << RING_BITS;
const RING_MASK = RING_SIZE - 1;

export class Agenda<T extends Timed> {
  private readonly ring: T[][] = Array.from({ length: RING_SIZE }, () => []);
  private readonly far: T[] = [];
  /** The millisecond of the current bucket; every ring task has floor(t) in [cursor, cursor + RING_SIZE). */
  private cursor: number;
  /** Read position in the current bucket. */
  private index = 0;
  private inRing = 0;
  private seq = 0;

  constructor(startMs: number) {
    this.cursor = Math.floor(startMs);
  }

  get size(): number {
    return this.inRing + this.far.length;
  }

  schedule(item: T): void {
    item.seq = this.seq++;
    const ms = Math.floor(item.t);
    if (ms - this.cursor < RING_SIZE) {
      const slot = ms < this.cursor ? this.cursor : ms;
      (this.ring[slot & RING_MASK] as T[]).push(item);
      this.inRing++;
    } else {
      this.pushFar(item);
    }
  }

  /** Millisecond of the next task, or +Infinity when there is none. */
  peekTime(): number {
    return this.advance() ? this.cursor : Number.POSITIVE_INFINITY;
  }

  pop(): T | undefined {
    if (!this.advance()) return undefined;
    this.inRing--;
    return (this.ring[this.cursor & RING_MASK] as T[])[this.index++];
  }

  /** Moves the cursor to the first non-empty bucket; false when the agenda is empty. */
  private advance(): boolean {
    for (;;) {
      const bucket = this.ring[this.cursor & RING_MASK] as T[];
      if (this.index < bucket.length) return true;
      bucket.length = 0;
      this.index = 0;
      if (this.inRing === 0) {
        const next = this.far[0];
        if (next === undefined) return false;
        // Jump over the empty stretch straight to the next far task.
        this.cursor = Math.max(this.cursor + 1, Math.floor(next.t));
      } else {
        this.cursor++;
      }
      this.pullFar();
    }
  }

  /** Moves far tasks that came within the ring's reach into their buckets. */
  private pullFar(): void {
    const limit = this.cursor + RING_SIZE;
    let next = this.far[0];
    while (next !== undefined && Math.floor(next.t) < limit) {
      this.popFar();
      const ms = Math.floor(next.t);
      (this.ring[(ms < this.cursor ? this.cursor : ms) & RING_MASK] as T[]).push(next);
      this.inRing++;
      next = this.far[0];
    }
  }

  private pushFar(item: T): void {
    const heap = this.far;
    let i = heap.length;
    heap.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as T;
      if (p.t < item.t || (p.t === item.t && p.seq < item.seq)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = item;
  }

  private popFar(): void {
    const heap = this.far;
    const last = heap.pop();
    if (last === undefined || heap.length === 0) return;
    const n = heap.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      let child = heap[l] as T;
      if (r < n) {
        const right = heap[r] as T;
        if (right.t < child.t || (right.t === child.t && right.seq < child.seq)) {
          c = r;
          child = right;
        }
      }
      if (last.t < child.t || (last.t === child.t && last.seq < child.seq)) break;
      heap[i] = child;
      i = c;
    }
    heap[i] = last;
  }
}
