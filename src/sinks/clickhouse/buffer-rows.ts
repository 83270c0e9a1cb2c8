/**
 * `bufferRows`: gathers chunks of rows into batches of at most `maxRows`, emitted when full or when
 * the oldest buffered row is `maxAgeMs` old, whichever comes first (bufferTime with a size cap, but
 * counting rows, not chunks, and splitting a chunk across batches so that no batch exceeds the cap).
 *
 * Each chunk carries a tag (the writer's ticket for one `write()`); a batch lists which tags it holds
 * rows of and how many, so the writer can tell a caller when all of its rows are stored.
 * Time comes from the scheduler, so marble tests run it in virtual time.
 */
import {
  Observable,
  asyncScheduler,
  type OperatorFunction,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';

export interface RowChunk<T, Tag> {
  rows: readonly T[];
  tag: Tag;
}

export interface RowBatch<T, Tag> {
  rows: T[];
  /** In arrival order; a tag appears once per batch, with the number of its rows in this batch. */
  parts: Array<{ tag: Tag; rows: number }>;
}

export interface BufferRowsOptions {
  maxRows: number;
  maxAgeMs: number;
  scheduler?: SchedulerLike;
}

export function bufferRows<T, Tag>(
  options: BufferRowsOptions,
): OperatorFunction<RowChunk<T, Tag>, RowBatch<T, Tag>> {
  const { maxRows, maxAgeMs } = options;
  if (!(maxRows >= 1)) throw new RangeError('bufferRows: maxRows must be at least 1');
  const scheduler = options.scheduler ?? asyncScheduler;
  return (source) =>
    new Observable<RowBatch<T, Tag>>((subscriber) => {
      let rows: T[] = [];
      let parts: RowBatch<T, Tag>['parts'] = [];
      let timer: Subscription | undefined;

      const emit = () => {
        timer?.unsubscribe();
        timer = undefined;
        if (rows.length === 0) return;
        const batch = { rows, parts };
        rows = [];
        parts = [];
        subscriber.next(batch);
      };

      const subscription = source.subscribe({
        next(chunk) {
          const input = chunk.rows;
          let offset = 0;
          while (offset < input.length) {
            const take = Math.min(maxRows - rows.length, input.length - offset);
            for (let i = 0; i < take; i++) rows.push(input[offset + i]!);
            offset += take;
            const last = parts[parts.length - 1];
            if (last !== undefined && last.tag === chunk.tag) last.rows += take;
            else parts.push({ tag: chunk.tag, rows: take });
            if (rows.length >= maxRows) emit();
          }
          if (rows.length > 0 && timer === undefined) timer = scheduler.schedule(emit, maxAgeMs);
        },
        error(error: unknown) {
          timer?.unsubscribe();
          subscriber.error(error);
        },
        complete() {
          emit();
          subscriber.complete();
        },
      });
      return () => {
        timer?.unsubscribe();
        subscription.unsubscribe();
      };
    });
}
