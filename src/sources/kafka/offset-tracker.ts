/**
 * Tracks which fetched batches downstream has acknowledged and which offsets may be committed.
 *
 * Batches of one partition may be acknowledged out of order (sinks flush at different times), but a
 * commit says "everything before this offset is done", so we only commit up to the first batch that
 * is still open.
 */
interface PendingBatch {
  /** Offset after the batch's last message: what Kafka wants committed. */
  nextOffset: bigint;
  acked: boolean;
}

export interface CommitOffset {
  topic: string;
  partition: number;
  offset: string;
}

export class OffsetTracker {
  private readonly partitions = new Map<
    string,
    { topic: string; partition: number; pending: PendingBatch[] }
  >();
  private readonly ready = new Map<string, CommitOffset>();
  private open = 0;

  /** Registers a fetched batch; returns the callback that acknowledges it (idempotent). */
  track(topic: string, partition: number, lastOffset: string): () => void {
    const id = `${topic}\u0000${partition}`;
    let entry = this.partitions.get(id);
    if (!entry) {
      entry = { topic, partition, pending: [] };
      this.partitions.set(id, entry);
    }
    const batch: PendingBatch = { nextOffset: BigInt(lastOffset) + 1n, acked: false };
    entry.pending.push(batch);
    this.open++;
    const owner = entry;
    return () => {
      if (batch.acked) return;
      batch.acked = true;
      this.open--;
      let committable: PendingBatch | undefined;
      while (owner.pending.length > 0 && owner.pending[0]!.acked) committable = owner.pending.shift();
      if (committable) {
        this.ready.set(id, {
          topic: owner.topic,
          partition: owner.partition,
          offset: committable.nextOffset.toString(),
        });
      }
    };
  }

  /** Batches registered and not yet acknowledged. */
  inFlight(): number {
    return this.open;
  }

  /** Offsets that became committable since the last call. */
  takeCommittable(): CommitOffset[] {
    if (this.ready.size === 0) return [];
    const out = [...this.ready.values()];
    this.ready.clear();
    return out;
  }

  /** Forgets partitions this consumer no longer owns (after a rebalance); their batches will be re-read. */
  forget(keep: (topic: string, partition: number) => boolean): void {
    for (const [id, entry] of this.partitions) {
      if (keep(entry.topic, entry.partition)) continue;
      for (const batch of entry.pending) {
        if (batch.acked) continue;
        // Marked acked so that a late ack from downstream neither counts twice nor commits.
        batch.acked = true;
        this.open--;
      }
      this.partitions.delete(id);
      this.ready.delete(id);
    }
  }
}
