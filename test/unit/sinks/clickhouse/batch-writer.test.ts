/**
 * The writer's batching, commit rule, retries and back-pressure, in virtual time. The inserter is
 * the writer's port; a fake one stands in for ClickHouse here because the thing under test is the
 * batching around it (the real server is in test/integration/sinks/clickhouse).
 */
import { VirtualAction, VirtualTimeScheduler } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { CxPulseError } from '../../../../src/errors/codes.js';
import { subscribe, type InstrumentationEvents } from '../../../../src/observability/instrumentation.js';
import { createBatchWriter, type BatchWriterOptions } from '../../../../src/sinks/clickhouse/batch-writer.js';

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function virtualClock() {
  const scheduler = new VirtualTimeScheduler(VirtualAction, Infinity);
  let now = 0;
  return {
    scheduler,
    /** Moves virtual time forward, running what falls due, and lets promises settle in between. */
    async advance(ms: number) {
      now += ms;
      scheduler.maxFrames = now;
      scheduler.flush();
      await settle();
    },
  };
}

interface Deferred {
  rows: readonly number[];
  resolve: () => void;
  reject: (e: unknown) => void;
}

/** An inserter whose calls stay pending until the test resolves or rejects them. */
function manualInserter() {
  const calls: Deferred[] = [];
  const insert = (rows: readonly number[]) =>
    new Promise<void>((resolve, reject) => calls.push({ rows: [...rows], resolve, reject }));
  return { calls, insert };
}

function track<T>(promise: Promise<T>) {
  const state = { done: false, error: undefined as unknown };
  promise.then(
    () => (state.done = true),
    (e: unknown) => (state.error = e),
  );
  return state;
}

const rows = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

let unsubscribers: Array<() => void> = [];
afterEach(() => {
  for (const u of unsubscribers) u();
  unsubscribers = [];
});

function record<N extends keyof InstrumentationEvents>(name: N): InstrumentationEvents[N][] {
  const seen: InstrumentationEvents[N][] = [];
  unsubscribers.push(subscribe(name, (p) => seen.push(p)));
  return seen;
}

function writer(extra: Partial<BatchWriterOptions<number>> & Pick<BatchWriterOptions<number>, 'insert'>) {
  return createBatchWriter<number>({
    table: 'unit_table',
    maxRows: 3,
    maxAgeMs: 100,
    maxBufferedRows: 100,
    maxConcurrentInserts: 1,
    retryPolicy: { initialDelayMs: 10, maxDelayMs: 10, factor: 1, jitter: 0, maxRetries: Infinity },
    ...extra,
  });
}

describe('createBatchWriter', () => {
  it('sends full batches at once and the rest when it is maxAgeMs old', async () => {
    const clock = virtualClock();
    const inserted: number[][] = [];
    const w = writer({ scheduler: clock.scheduler, insert: async (r) => void inserted.push([...r]) });
    const write = track(w.write(rows(0, 7)));
    await settle();
    expect(inserted).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    expect(write.done).toBe(false);
    await clock.advance(99);
    expect(inserted).toHaveLength(2);
    await clock.advance(1);
    expect(inserted[2]).toEqual([6]);
    expect(write.done).toBe(true);
    await w.close({ timeoutMs: 100 });
  });

  it('resolves a write only when all of its rows are stored, batch-mates included', async () => {
    const clock = virtualClock();
    const ins = manualInserter();
    const w = writer({ scheduler: clock.scheduler, insert: ins.insert });
    const a = track(w.write([1, 2]));
    const b = track(w.write([3, 4]));
    await settle();
    expect(ins.calls.map((c) => c.rows)).toEqual([[1, 2, 3]]);
    ins.calls[0]!.resolve();
    await settle();
    expect(a.done).toBe(true);
    expect(b.done).toBe(false);
    await clock.advance(100);
    expect(ins.calls[1]!.rows).toEqual([4]);
    ins.calls[1]!.resolve();
    await settle();
    expect(b.done).toBe(true);
  });

  it('retries a failed insert with the retry policy on the scheduler and counts each failure', async () => {
    const clock = virtualClock();
    const failures = record('sink.clickhouse.insert_failed');
    const stored = record('sink.clickhouse.insert');
    let attempts = 0;
    const w = writer({
      scheduler: clock.scheduler,
      insert: async () => {
        attempts++;
        if (attempts <= 2) throw new CxPulseError('CXP_ERR_SINK_CLICKHOUSE', 'connection refused');
      },
    });
    const write = track(w.write([1, 2, 3]));
    await settle();
    expect(attempts).toBe(1);
    await clock.advance(10);
    expect(attempts).toBe(2);
    expect(write.done).toBe(false);
    await clock.advance(10);
    expect(attempts).toBe(3);
    expect(write.done).toBe(true);
    expect(failures.map((f) => [f.table, f.rows, f.retriable])).toEqual([
      ['unit_table', 3, true],
      ['unit_table', 3, true],
    ]);
    expect(stored.map((s) => [s.table, s.rows])).toEqual([['unit_table', 3]]);
  });

  it('rejects the writes of a batch the server refuses, and frees their room', async () => {
    const clock = virtualClock();
    const w = writer({
      scheduler: clock.scheduler,
      insert: async () => {
        throw new CxPulseError('CXP_ERR_SINK_CLICKHOUSE_REJECTED', 'Cannot parse input');
      },
    });
    await expect(w.write([1, 2, 3])).rejects.toThrow(/Cannot parse input/);
    expect(w.heldRows).toBe(0);
  });

  it('holds at most maxBufferedRows: a write that does not fit waits until stored rows make room', async () => {
    const clock = virtualClock();
    const ins = manualInserter();
    const buffer = record('sink.clickhouse.buffer');
    const w = writer({ scheduler: clock.scheduler, insert: ins.insert, maxBufferedRows: 4, maxRows: 2 });
    const first = track(w.write([1, 2, 3]));
    const second = track(w.write([4, 5, 6]));
    const third = track(w.write([7]));
    await settle();
    expect(w.heldRows).toBe(3);
    // Order is kept: the one-row write does not overtake the waiting three-row write.
    expect(w.waitingWrites).toBe(2);
    ins.calls[0]!.resolve(); // rows 1, 2 stored: room for the waiting three-row write, not for both
    await settle();
    expect(w.heldRows).toBe(4);
    expect(w.waitingWrites).toBe(1);
    expect(first.done).toBe(false);
    // Keep storing whatever is sent until everything is in.
    for (let i = 1; i < 10 && !(second.done && third.done); i++) {
      await clock.advance(100);
      for (const call of ins.calls.slice(i)) call.resolve();
      await settle();
    }
    expect(first.done).toBe(true);
    expect(ins.calls.flatMap((c) => c.rows)).toEqual(rows(1, 7));
    expect(Math.max(...buffer.map((b) => b.rows))).toBeLessThanOrEqual(4);
    expect(buffer.every((b) => b.capacity === 4)).toBe(true);
    expect(second.done && third.done).toBe(true);
  });

  it('lets a write larger than the bound in alone, so it cannot wait for ever', async () => {
    const clock = virtualClock();
    const inserted: number[][] = [];
    const w = writer({
      scheduler: clock.scheduler,
      maxBufferedRows: 2,
      insert: async (r) => void inserted.push([...r]),
    });
    const big = track(w.write(rows(0, 5)));
    await clock.advance(100);
    expect(big.done).toBe(true);
    expect(inserted.flat()).toEqual(rows(0, 5));
  });

  it('close() stores what is held and refuses later writes', async () => {
    const clock = virtualClock();
    const inserted: number[][] = [];
    const w = writer({ scheduler: clock.scheduler, insert: async (r) => void inserted.push([...r]) });
    const pending = track(w.write([1]));
    await w.close({ timeoutMs: 100 });
    expect(inserted).toEqual([[1]]);
    expect(pending.done).toBe(true);
    await expect(w.write([2])).rejects.toThrow(/closed/);
  });

  it('close() gives up after its timeout and rejects what could not be stored', async () => {
    const clock = virtualClock();
    const w = writer({
      scheduler: clock.scheduler,
      insert: async () => {
        throw new CxPulseError('CXP_ERR_SINK_CLICKHOUSE', 'connection refused');
      },
    });
    const pending = track(w.write([1]));
    await w.close({ timeoutMs: 20 });
    expect(pending.error).toBeInstanceOf(CxPulseError);
  });
});
