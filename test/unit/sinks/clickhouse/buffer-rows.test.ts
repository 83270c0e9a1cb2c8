import { map, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { bufferRows, type RowChunk } from '../../../../src/sinks/clickhouse/buffer-rows.js';

function newScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

/** `'a3'` → a chunk of 3 rows tagged `a` (rows named a0, a1, a2). */
function chunk(spec: string): RowChunk<string, string> {
  const tag = spec[0]!;
  const n = Number(spec.slice(1));
  return { tag, rows: Array.from({ length: n }, (_, i) => `${tag}${i}`) };
}

/** A batch shown as `a2+b1` (tags with their row counts), its rows checked separately. */
const show = (
  source: Observable<RowChunk<string, string>>,
  maxRows: number,
  maxAgeMs: number,
  scheduler: TestScheduler,
) =>
  source.pipe(
    bufferRows<string, string>({ maxRows, maxAgeMs, scheduler }),
    map((b) => {
      expect(b.rows.length).toBeLessThanOrEqual(maxRows);
      expect(b.rows.length).toBe(b.parts.reduce((n, p) => n + p.rows, 0));
      return b.parts.map((p) => `${p.tag}${p.rows}`).join('+');
    }),
  );

describe('bufferRows', () => {
  it('emits nothing for an empty source that completes', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      expectObservable(show(cold<RowChunk<string, string>>('|'), 3, 10, scheduler)).toBe('|');
    });
  });

  it('emits one row after maxAgeMs when the batch never fills', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const source = cold('a---------------', { a: chunk('a1') });
      expectObservable(show(source, 3, 10, scheduler)).toBe('----------x-----', { x: 'a1' });
    });
  });

  it('counts the age from the first row of a batch, not from the last', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const source = cold('a---b---c-------------', { a: chunk('a1'), b: chunk('b1'), c: chunk('c1') });
      expectObservable(show(source, 10, 10, scheduler)).toBe('----------x-----------', { x: 'a1+b1+c1' });
    });
  });

  it('emits as soon as maxRows rows are in, splitting a chunk across batches', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const source = cold('a-b---------------', { a: chunk('a2'), b: chunk('b5') });
      // b's first row fills the first batch, three more fill the second, its last waits for age.
      expectObservable(show(source, 3, 10, scheduler)).toBe('--(xy)------z--', {
        x: 'a2+b1',
        y: 'b3',
        z: 'b1',
      });
    });
  });

  it('flushes what it holds when the source completes', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const source = cold('a-|', { a: chunk('a2') });
      expectObservable(show(source, 3, 10, scheduler)).toBe('--(x|)', { x: 'a2' });
    });
  });

  it('passes an error on and emits nothing held', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const source = cold('a-#', { a: chunk('a2') });
      expectObservable(show(source, 3, 10, scheduler)).toBe('--#');
    });
  });

  it('never completes on a never-ending source and emits each batch once', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const source = cold('a------------b-----', { a: chunk('a1'), b: chunk('b3') });
      expectObservable(show(source, 3, 10, scheduler)).toBe('----------x--y------', { x: 'a1', y: 'b3' });
    });
  });

  it('cancels its timer on early unsubscribe', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('a-------------', { a: chunk('a1') });
      expectObservable(show(source, 3, 10, scheduler), '^----!').toBe('------');
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('keeps the rows themselves in order', () => {
    const scheduler = newScheduler();
    const batches: string[][] = [];
    scheduler.run(({ cold, flush }) => {
      cold('ab|', { a: chunk('a2'), b: chunk('b2') })
        .pipe(bufferRows<string, string>({ maxRows: 3, maxAgeMs: 10, scheduler }))
        .subscribe((b) => batches.push(b.rows));
      flush();
    });
    expect(batches).toEqual([['a0', 'a1', 'b0'], ['b1']]);
  });
});
