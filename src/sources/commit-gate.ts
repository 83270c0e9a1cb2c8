/**
 * Holds a source batch's acknowledgement until what its events produced is stored: its raw events
 * (before it is held here) and the final value of every window its events fall into. Only then may
 * its offsets be committed, so a restart re-reads every event whose windows are not yet safely stored
 * and recomputes them whole, instead of storing windows computed from half their events.
 *
 * The last window (of a definition) that contains event time t starts at floor(t / hop) × hop and
 * ends `size` later; it is final once the pipeline's watermark has passed that end, and stored once the values written up to then are acknowledged by
 * the store. The gate is told those stored watermarks and releases every batch they cover.
 */
import type { CxEvent } from '../events/types.js';

export interface GatedPipeline {
  name: string;
  /** The pipeline's windows (size and hop, ms). */
  windows: ReadonlyArray<{ sizeMs: number; hopMs: number }>;
  /** Event types the pipeline reads; undefined reads all. */
  eventTypes?: readonly string[];
}

interface HeldBatch {
  /** Per pipeline index: event time from which every window holding the batch's events is closed. */
  needs: Float64Array;
  ack: () => void;
}

export class CommitGate {
  private readonly held: HeldBatch[] = [];
  private readonly accepts: Array<((type: string) => boolean) | null>;

  constructor(private readonly pipelines: readonly GatedPipeline[]) {
    this.accepts = pipelines.map((p) =>
      p.eventTypes
        ? (
            (set) => (t: string) =>
              set.has(t)
          )(new Set(p.eventTypes))
        : null,
    );
  }

  /** Registers a batch whose raw events are stored; `ack` runs once its windows are final and stored. */
  hold(events: readonly CxEvent[], ack: () => void): void {
    const needs = new Float64Array(this.pipelines.length).fill(-Infinity);
    for (const e of events) {
      for (let p = 0; p < this.pipelines.length; p++) {
        const accepts = this.accepts[p];
        if (accepts && !accepts(e.type)) continue;
        for (const w of this.pipelines[p]!.windows) {
          const need = Math.floor(e.ts / w.hopMs) * w.hopMs + w.sizeMs;
          if (need > needs[p]!) needs[p] = need;
        }
      }
    }
    this.held.push({ needs, ack });
  }

  /** Stored watermark per pipeline index (values up to it are final and stored): acks what they cover. */
  advance(storedWatermarks: readonly number[]): void {
    let kept = 0;
    for (const batch of this.held) {
      let covered = true;
      for (let p = 0; p < batch.needs.length && covered; p++)
        covered = batch.needs[p]! <= storedWatermarks[p]!;
      if (covered) batch.ack();
      else this.held[kept++] = batch;
    }
    this.held.length = kept;
  }

  /** At shutdown, after the final flush is stored: everything held is covered. */
  releaseAll(): void {
    for (const batch of this.held.splice(0)) batch.ack();
  }

  size(): number {
    return this.held.length;
  }
}
