/**
 * The port every event source implements (Kafka, the in-process simulator, replay files).
 * Downstream code sees batches of raw messages and acknowledges each batch once everything it
 * produced has been handled; only then may the source commit the batch's offsets.
 */
import type { Observable } from 'rxjs';

/** Shaped like a kafkajs message so the adapter passes them through without copying. */
export interface SourceMessage {
  /** Kafka offsets are 64-bit; kept as decimal text like kafkajs does. */
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
}

export interface SourceBatch {
  topic: string;
  partition: number;
  messages: SourceMessage[];
  /** Messages still behind this batch in its partition when it was fetched. */
  lag: number;
  /**
   * Marks the batch handled. Idempotent. Offsets are committed once this batch and every batch before
   * it in the same partition are acknowledged. Implies release().
   */
  ack(): void;
  /**
   * Says the batch no longer holds memory downstream (its events are processed and stored) while its
   * offsets stay uncommitted, e.g. until the windows it fed are final and stored. Frees its place
   * for back-pressure; idempotent.
   */
  release(): void;
}

export interface EventSource {
  /** Hot stream of batches; subscribe once. Completes when the source is stopped. */
  readonly batches$: Observable<SourceBatch>;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** True once connected and assigned (or, for in-process sources, running). */
  isReady(): boolean;
  /** Batches handed downstream and neither released nor acknowledged: what back-pressure counts. */
  inFlight(): number;
}
