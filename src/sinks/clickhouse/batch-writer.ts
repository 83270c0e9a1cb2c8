/**
 * A batched, bounded, retrying writer for one ClickHouse table.
 *
 * - Batching: rows from many `write()` calls are gathered by `bufferRows` into batches of at most
 *   `maxRows`, sent when full or `maxAgeMs` after their first row (time from the scheduler).
 * - Commit rule: `write(rows)` resolves only when every one of ITS rows is stored, so a caller can
 *   acknowledge its input (commit Kafka offsets) then and not before. It rejects if the rows cannot
 *   be stored: the server refused them (not retriable) or the writer was closed before they were.
 * - Retries: a failed insert is retried with the shared retry policy, for ever by default (the rows
 *   are data we promised not to lose); every failed attempt is counted.
 * - Back-pressure: at most `maxBufferedRows` rows are held (buffered or being inserted). A write
 *   that does not fit waits, in order, until stored rows make room, so a slow or absent server
 *   stalls the caller (the Kafka source stops acknowledging and pauses) instead of growing memory
 *   or dropping rows. A single write larger than the bound is let in alone when the writer is empty.
 */
import { Subject, asyncScheduler, from, mergeMap, type SchedulerLike, type Subscription } from 'rxjs';
import { isRetriable } from '../../errors/codes.js';
import { DEFAULT_RETRY_POLICY, withRetry, type RetryPolicy } from '../../errors/retry-policy.js';
import { publish } from '../../observability/instrumentation.js';
import { bufferRows, type RowBatch } from './buffer-rows.js';

/** The port the writer inserts through: one call stores one batch, or throws. */
export type BatchInsert<Row> = (rows: readonly Row[]) => Promise<void>;

/** Batches inserted at the same time unless `maxConcurrentInserts` says otherwise. */
export const DEFAULT_MAX_CONCURRENT_INSERTS: number = 2;

export interface BatchWriterOptions<Row> {
  /** Table name, for metrics labels and messages. */
  table: string;
  insert: BatchInsert<Row>;
  /** Rows per insert at most. Default 10 000 (about 10 ms of event loop to encode as RowBinary). */
  maxRows?: number;
  /** Longest a row waits for its batch to fill. Default 1000 ms. */
  maxAgeMs?: number;
  /** Rows held at most (buffered + being inserted) before writes wait. Default 100 000. */
  maxBufferedRows?: number;
  /**
   * Batches inserted at the same time. Default 2: one encodes while the other is on the wire; on
   * the insert benchmark 2 beat 1 in 8 of 10 paired runs (docs/storage.md, Throughput).
   */
  maxConcurrentInserts?: number;
  /** Default: DEFAULT_RETRY_POLICY with maxRetries Infinity. */
  retryPolicy?: RetryPolicy;
  /** Time for batching and retry delays. Default asyncScheduler. */
  scheduler?: SchedulerLike;
  /** Clock for insert durations (seconds). Default performance.now. */
  clockMs?: () => number;
}

export interface BatchWriter<Row> {
  /** Resolves when all of `rows` are stored; waits first while the buffer is full. */
  write(rows: readonly Row[]): Promise<void>;
  /** Rows accepted and not yet stored. */
  readonly heldRows: number;
  /** Writes waiting for room. */
  readonly waitingWrites: number;
  /**
   * Stops accepting writes, sends what is held and resolves when it is stored. After `timeoutMs`
   * (default 30 s) retries stop and what is still unstored is rejected.
   */
  close(options?: { timeoutMs?: number }): Promise<void>;
}

interface Ticket {
  pendingRows: number;
  settled: boolean;
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface WaitingWrite<Row> {
  rows: readonly Row[];
  ticket: Ticket;
}

export function createBatchWriter<Row>(options: BatchWriterOptions<Row>): BatchWriter<Row> {
  const { table, insert } = options;
  const maxRows = options.maxRows ?? 10_000;
  const maxBufferedRows = options.maxBufferedRows ?? 100_000;
  const scheduler = options.scheduler ?? asyncScheduler;
  const clockMs = options.clockMs ?? (() => performance.now());
  const policy = options.retryPolicy ?? { ...DEFAULT_RETRY_POLICY, maxRetries: Infinity };
  const stopRetrying = new AbortController();
  // Retry delays on the scheduler too (virtual time in tests); cut short when retries are stopped.
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (stopRetrying.signal.aborted) return resolve();
      const action = scheduler.schedule(() => {
        stopRetrying.signal.removeEventListener('abort', wake);
        resolve();
      }, ms);
      const wake = () => {
        action.unsubscribe();
        resolve();
      };
      stopRetrying.signal.addEventListener('abort', wake, { once: true });
    });

  const chunks = new Subject<{ rows: readonly Row[]; tag: Ticket }>();
  const waiting: WaitingWrite<Row>[] = [];
  let held = 0;
  let closed = false;

  const reportBuffer = () =>
    publish('sink.clickhouse.buffer', { table, rows: held, capacity: maxBufferedRows });

  const admit = (write: WaitingWrite<Row>) => {
    held += write.rows.length;
    chunks.next({ rows: write.rows, tag: write.ticket });
  };

  const fits = (rows: number) => held === 0 || held + rows <= maxBufferedRows;

  const release = (rows: number) => {
    held -= rows;
    // FIFO: a large waiting write is not overtaken by small ones behind it.
    while (waiting.length > 0 && (closed || fits(waiting[0]!.rows.length))) admit(waiting.shift()!);
    reportBuffer();
  };

  const settle = (batch: RowBatch<Row, Ticket>, error?: unknown) => {
    for (const { tag, rows } of batch.parts) {
      tag.pendingRows -= rows;
      if (tag.settled) continue;
      if (error !== undefined) {
        tag.settled = true;
        tag.reject(error);
      } else if (tag.pendingRows === 0) {
        tag.settled = true;
        tag.resolve();
      }
    }
    release(batch.rows.length);
  };

  const store = async (batch: RowBatch<Row, Ticket>): Promise<void> => {
    try {
      let started = 0;
      await withRetry(
        () => {
          started = clockMs();
          return insert(batch.rows);
        },
        {
          policy,
          signal: stopRetrying.signal,
          sleep,
          onRetry: (error) =>
            publish('sink.clickhouse.insert_failed', {
              table,
              rows: batch.rows.length,
              error,
              retriable: true,
            }),
        },
      );
      publish('sink.clickhouse.insert', {
        table,
        rows: batch.rows.length,
        durationSeconds: (clockMs() - started) / 1000,
      });
      settle(batch);
    } catch (error) {
      publish('sink.clickhouse.insert_failed', {
        table,
        rows: batch.rows.length,
        error,
        retriable: isRetriable(error),
      });
      settle(batch, error);
    }
  };

  let finished!: () => void;
  const done = new Promise<void>((resolve) => (finished = resolve));
  const subscription: Subscription = chunks
    .pipe(
      bufferRows<Row, Ticket>({ maxRows, maxAgeMs: options.maxAgeMs ?? 1000, scheduler }),
      mergeMap((batch) => from(store(batch)), options.maxConcurrentInserts ?? DEFAULT_MAX_CONCURRENT_INSERTS),
    )
    .subscribe({ complete: () => finished() });

  return {
    write(rows) {
      if (closed) return Promise.reject(new Error(`clickhouse writer for ${table} is closed`));
      if (rows.length === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const write = { rows, ticket: { pendingRows: rows.length, settled: false, resolve, reject } };
        if (waiting.length === 0 && fits(rows.length)) admit(write);
        else waiting.push(write);
        reportBuffer();
      });
    },
    get heldRows() {
      return held;
    },
    get waitingWrites() {
      return waiting.length;
    },
    async close(closeOptions = {}) {
      if (!closed) {
        closed = true;
        // Closing sends everything already handed to us; the bound no longer matters.
        while (waiting.length > 0) admit(waiting.shift()!);
        chunks.complete();
      }
      const timeoutMs = closeOptions.timeoutMs ?? 30_000;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timedOut = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      });
      await Promise.race([done, timedOut]);
      clearTimeout(timer);
      stopRetrying.abort();
      await done;
      subscription.unsubscribe();
    },
  };
}
