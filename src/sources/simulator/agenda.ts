/**
 * The simulation agenda: a binary min-heap of future tasks ordered by simulated time.
 *
 * Ties are broken by scheduling order (`seq`) so that two tasks at the same instant always run in
 * the same order, which the determinism of the whole stream depends on. Tasks carry their own `t`
 * and `seq` so the heap stores them without a wrapper object.
 */
export interface Timed {
  t: number;
  seq: number;
}

export class Agenda<T extends Timed> {
  private readonly heap: T[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  /** Time of the earliest task, or +Infinity when the agenda is empty. */
  peekTime(): number {
    const top = this.heap[0];
    return top === undefined ? Number.POSITIVE_INFINITY : top.t;
  }

  schedule(item: T): void {
    item.seq = this.seq++;
    const heap = this.heap;
    const t = item.t;
    let i = heap.length;
    heap.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as T;
      if (p.t < t || (p.t === t && p.seq < item.seq)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = item;
  }

  pop(): T | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
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
    return top;
  }
}
