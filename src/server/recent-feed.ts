/**
 * A bounded list of the most recent items for the live side (work orders, proactive notifications,
 * insights): newest `ts` first, the wallboard's view of what was just raised while ClickHouse keeps
 * the history. An item that replaces a kept one (by default: the same id, as a replay raises it
 * again) takes its place rather than showing twice. Listeners hear every added item, even one too
 * old to be kept, in the order given.
 */
export class RecentFeed<I, W extends { id: string; ts: number }> {
  /** Newest `ts` first. */
  private items: W[] = [];
  private readonly listeners = new Set<(item: W) => void>();

  constructor(
    readonly limit: number,
    /** The wire form: what viewers may see of an item. */
    private readonly toWire: (item: I) => W,
    /** Whether `added` replaces the kept item `kept`. */
    private readonly replaces: (kept: W, added: W) => boolean = (kept, added) => kept.id === added.id,
  ) {}

  add(items: readonly I[]): void {
    for (const item of items) {
      const wire = this.toWire(item);
      this.items = this.items.filter((kept) => !this.replaces(kept, wire));
      // Usually at the front: items come in event-time order within a pipeline.
      let at = 0;
      while (at < this.items.length && this.items[at]!.ts > wire.ts) at++;
      this.items.splice(at, 0, wire);
      if (this.items.length > this.limit) this.items.length = this.limit;
      for (const l of this.listeners) l(wire);
    }
  }

  /** The kept items, newest first. */
  recent(): W[] {
    return [...this.items];
  }

  onAdd(listener: (item: W) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
