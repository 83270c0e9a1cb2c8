/**
 * The Space-Saving summary against exact counts of random streams: every guarantee documented in
 * space-saving.ts (and docs/analytics.md), for one summary, for n-way merges of summaries of parts
 * of a stream, and for merges of merges.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeSpaceSaving, SpaceSaving } from '../../../../src/analytics/tags/space-saving.js';

function exactCounts(stream: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of stream) counts.set(item, (counts.get(item) ?? 0) + 1);
  return counts;
}

function summarise(stream: readonly string[], capacity: number): SpaceSaving {
  const s = new SpaceSaving(capacity);
  for (const item of stream) s.add(item);
  return s;
}

/** Every documented guarantee of `s` as a summary of `stream`; returns the number of items checked. */
function expectGuarantees(s: SpaceSaving, stream: readonly string[]): void {
  const exact = exactCounts(stream);
  const n = stream.length;
  expect(s.total).toBe(n);
  expect(s.size).toBeLessThanOrEqual(s.capacity);
  // floor ≤ N / m, with m · floor ≤ N written without division.
  expect(s.floor * s.capacity).toBeLessThanOrEqual(n);
  let sum = 0;
  const monitored = new Set<string>();
  for (const e of s.entries()) {
    monitored.add(e.item);
    sum += e.count;
    const f = exact.get(e.item) ?? 0;
    expect(f, `${e.item} ≤ count`).toBeLessThanOrEqual(e.count);
    expect(f, `${e.item} ≥ count − error`).toBeGreaterThanOrEqual(e.count - e.error);
    expect(e.error, `${e.item} error ≤ floor`).toBeLessThanOrEqual(s.floor);
    if (s.floor > 0) expect(e.count).toBeGreaterThanOrEqual(s.floor);
  }
  expect(sum).toBeLessThanOrEqual(n);
  for (const [item, f] of exact) {
    if (!monitored.has(item)) expect(f, `unmonitored ${item} ≤ floor`).toBeLessThanOrEqual(s.floor);
  }
}

/** Skewed streams over a small alphabet: a few heavy items and a long tail, as tags are. */
const streams = fc
  .tuple(fc.integer({ min: 1, max: 300 }), fc.double({ min: 0.3, max: 2.5, noNaN: true }))
  .chain(([alphabet, skew]) =>
    fc.array(
      fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }).map((u) => {
        // Inverse of a power law on 1..alphabet: item 0 is the most frequent.
        const rank = Math.floor(alphabet * Math.pow(u, 1 + skew));
        return `tag-${Math.min(rank, alphabet - 1)}`;
      }),
      { maxLength: 3000, size: 'max' },
    ),
  );

describe('SpaceSaving', () => {
  it('is exact while it has a counter for every distinct item', () => {
    const s = summarise(['a', 'b', 'a', 'c', 'a', 'b'], 3);
    expect(s.entries()).toEqual([
      { item: 'a', count: 3, error: 0 },
      { item: 'b', count: 2, error: 0 },
      { item: 'c', count: 1, error: 0 },
    ]);
    expect(s.floor).toBe(0);
    expect(s.estimate('zzz')).toEqual({ count: 0, error: 0, monitored: false });
  });

  it('gives a new item the smallest counter when full, with that count as its error', () => {
    const s = summarise(['a', 'a', 'a', 'b', 'c'], 2);
    // c took b's counter (1): count 2, error 1; b is now bounded by the floor.
    expect(s.entries()).toEqual([
      { item: 'a', count: 3, error: 0 },
      { item: 'c', count: 2, error: 1 },
    ]);
    expect(s.floor).toBe(1);
    expect(s.estimate('b')).toEqual({ count: 1, error: 1, monitored: false });
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new SpaceSaving(0)).toThrow(RangeError);
    expect(() => new SpaceSaving(2.5)).toThrow(RangeError);
  });

  it('keeps every guarantee on random skewed streams', () => {
    fc.assert(
      fc.property(streams, fc.integer({ min: 1, max: 40 }), (stream, capacity) => {
        expectGuarantees(summarise(stream, capacity), stream);
      }),
      { numRuns: 300 },
    );
  });

  it('finds the true top items of a skewed stream, in order, when their counts stand out', () => {
    fc.assert(
      fc.property(streams, (stream) => {
        const s = summarise(stream, 16);
        const exact = [...exactCounts(stream)].sort((a, b) => b[1] - a[1]);
        // An item above floor + the largest error is certainly above every item it outranks falsely.
        const sure = exact.filter(([, f]) => f > 2 * s.floor);
        const listed = new Set(s.entries().map((e) => e.item));
        for (const [item] of sure) expect(listed.has(item), item).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe('mergeSpaceSaving', () => {
  /** A stream cut at random points into parts. */
  const cutStreams = fc
    .tuple(streams, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 }))
    .map(([stream, cuts]) => {
      const at = [...new Set(cuts.map((c) => Math.floor(c * stream.length)))].sort((a, b) => a - b);
      const parts: string[][] = [];
      let from = 0;
      for (const to of [...at, stream.length]) {
        parts.push(stream.slice(from, to));
        from = to;
      }
      return { stream, parts };
    });

  it('keeps every guarantee for the whole stream when its parts are summarised and merged', () => {
    fc.assert(
      fc.property(cutStreams, fc.integer({ min: 1, max: 40 }), ({ stream, parts }, capacity) => {
        const merged = mergeSpaceSaving(
          parts.map((p) => summarise(p, capacity)),
          capacity,
        );
        expectGuarantees(merged, stream);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps them through merges of merges (a window of windows)', () => {
    fc.assert(
      fc.property(cutStreams, fc.integer({ min: 1, max: 24 }), ({ stream, parts }, capacity) => {
        const summaries = parts.map((p) => summarise(p, capacity));
        const half = summaries.length >> 1;
        const left = mergeSpaceSaving(summaries.slice(0, half), capacity);
        const right = mergeSpaceSaving(summaries.slice(half), capacity);
        expectGuarantees(mergeSpaceSaving([left, right], capacity), stream);
        // Adding to a merged summary keeps them too.
        const more = [...stream, ...stream.slice(0, 50)];
        const grown = mergeSpaceSaving([left, right], capacity);
        for (const item of stream.slice(0, 50)) grown.add(item);
        expectGuarantees(grown, more);
      }),
      { numRuns: 200 },
    );
  });

  it('is exact when the union fits, and leaves its inputs unchanged', () => {
    const a = summarise(['x', 'y', 'x'], 4);
    const b = summarise(['y', 'z', 'y'], 4);
    const before = [a.entries(), b.entries()];
    const merged = mergeSpaceSaving([a, b], 4);
    expect(merged.entries()).toEqual([
      { item: 'y', count: 3, error: 0 },
      { item: 'x', count: 2, error: 0 },
      { item: 'z', count: 1, error: 0 },
    ]);
    expect(merged.total).toBe(6);
    expect([a.entries(), b.entries()]).toEqual(before);
  });

  it('charges an input that did not monitor an item its floor, to count and error', () => {
    const a = summarise(['p', 'p', 'q', 'r'], 2); // p 2, r 2 (error 1), floor 1
    const b = summarise(['s'], 2); // s 1, floor 0
    const merged = mergeSpaceSaving([a, b], 2);
    expect(merged.floor).toBeGreaterThanOrEqual(1);
    // s: 1 from b, plus a's floor (a may have seen s once without monitoring it).
    expect(merged.estimate('p')).toEqual({ count: 2, error: 0, monitored: true });
    expect(merged.total).toBe(5);
    expectGuarantees(merged, ['p', 'p', 'q', 'r', 's']);
  });

  it('raises the floor to the largest count it drops, so a dropped item stays bounded', () => {
    // Neither input is full (floors 0), but their union is: b is dropped with its count of 2.
    const merged = mergeSpaceSaving([summarise(['a', 'a', 'a'], 1), summarise(['b', 'b'], 1)], 1);
    expect(merged.entries()).toEqual([{ item: 'a', count: 3, error: 0 }]);
    expect(merged.floor).toBe(2);
    expectGuarantees(merged, ['a', 'a', 'a', 'b', 'b']);
    fc.assert(
      // Many small parts, each below capacity: what a window of sparse panes merges.
      fc.property(
        fc.array(fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), { maxLength: 4 }), {
          maxLength: 20,
        }),
        fc.integer({ min: 1, max: 4 }),
        (parts, capacity) => {
          const merged = mergeSpaceSaving(
            parts.map((p) => summarise(p, capacity)),
            capacity,
          );
          expectGuarantees(merged, parts.flat());
        },
      ),
      { numRuns: 500 },
    );
  });

  it('keeps exactly the m largest merged counters (count, then guaranteed count, then name)', () => {
    fc.assert(
      fc.property(cutStreams, fc.integer({ min: 1, max: 24 }), ({ parts }, capacity) => {
        const summaries = parts.map((p) => summarise(p, capacity));
        // The merged counter of every item of the union, by the documented formula, fully sorted.
        const floors = summaries.reduce((sum, s) => sum + s.floor, 0);
        const union = new Set(summaries.flatMap((s) => s.entries().map((e) => e.item)));
        const all = [...union].map((item) => {
          let count = 0;
          let error = 0;
          for (const s of summaries) {
            const e = s.estimate(item);
            count += e.count;
            error += e.error;
          }
          return { item, count, error };
        });
        all.sort(
          (a, b) =>
            b.count - a.count || b.count - b.error - (a.count - a.error) || (a.item < b.item ? -1 : 1),
        );
        const merged = mergeSpaceSaving(summaries, capacity);
        expect(merged.entries()).toEqual(all.slice(0, capacity));
        expect(merged.floor).toBe(Math.max(floors, all[capacity]?.count ?? 0));
      }),
      { numRuns: 300 },
    );
  });

  it('of nothing is an empty summary, and refuses inputs of another capacity', () => {
    const empty = mergeSpaceSaving([], 8);
    expect(empty.size).toBe(0);
    expect(empty.total).toBe(0);
    expect(() => mergeSpaceSaving([new SpaceSaving(4)], 8)).toThrow(RangeError);
  });
});
