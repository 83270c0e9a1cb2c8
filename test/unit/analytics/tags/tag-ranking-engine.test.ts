/** The engine's window rules: finals at the watermark, early rankings, too-late answers, keys. */
import { describe, expect, it } from 'vitest';
import { TagRankingEngine } from '../../../../src/analytics/tags/tag-ranking-engine.js';
import type { TagRanking } from '../../../../src/analytics/tags/tag-ranking.js';
import type { TagRankingsDefinition, WindowDefinition } from '../../../../src/config/pipeline-definition.js';
import { MINUTE, T0, post, rules, survey } from './fixtures.js';

const FIVE: WindowDefinition = { name: '5m', sizeMs: 5 * MINUTE, hopMs: 5 * MINUTE };
const HOPPING: WindowDefinition = { name: '5m/1m', sizeMs: 5 * MINUTE, hopMs: MINUTE };

function engine(windows: WindowDefinition[] = [FIVE], r: Partial<TagRankingsDefinition> = {}) {
  return new TagRankingEngine({
    pipeline: 'tags',
    windows,
    allowedLatenessMs: 10_000,
    rules: rules({ windows: windows.map((w) => w.name), ...r }),
  });
}

const summary = (r: TagRanking) =>
  `${r.kind} ${r.window}@${(r.windowStart - T0) / MINUTE} ${r.keyId} ${r.polarity} ${r.answers}/${r.allAnswers}: ` +
  r.entries.map((e) => `${e.tag} ${e.count}`).join(', ');

describe('TagRankingEngine', () => {
  it('emits nothing for an empty batch, and nothing before the watermark passes a window end', () => {
    const e = engine();
    const out: TagRanking[] = [];
    e.processBatch([], out);
    e.processBatch([survey(T0 + 1_000, { csat: 1, tags: ['app'] })], out);
    expect(out).toEqual([]);
    expect(e.watermark).toBe(T0 + 1_000 - 10_000);
  });

  it('makes a window final once max event time − lateness reaches its end, both polarities', () => {
    const e = engine();
    const out: TagRanking[] = [];
    e.processBatch(
      [
        survey(T0 + 1_000, { csat: 1, tags: ['app', 'billing'] }),
        post(T0 + 2_000, -0.9, { tags: ['app'] }),
        survey(T0 + 3_000, { csat: 5, tags: ['friendly'] }),
        survey(T0 + 4_000, { csat: 3, tags: ['ignored-neutral'] }),
        survey(T0 + 5_000, { csat: 1 }),
      ],
      out,
    );
    // 5 min + lateness: the window [T0, T0 + 5m) is not final yet at 5m + 9.999 s.
    e.processBatch([post(T0 + 5 * MINUTE + 9_999, 0)], out);
    expect(out).toEqual([]);
    e.processBatch([post(T0 + 5 * MINUTE + 10_000, 0)], out);
    expect(out.map(summary)).toEqual([
      'final 5m@0  negative 3/5: app 2, billing 1',
      'final 5m@0  positive 1/5: friendly 1',
    ]);
    const negative = out[0]!;
    expect(negative.entries[0]).toEqual({
      rank: 1,
      tag: 'app',
      count: 2,
      error: 0,
      share: 2 / 3,
      shareError: 0,
    });
    expect(negative).toMatchObject({ tagOccurrences: 3, floor: 0, capacity: 8, windowEnd: T0 + 5 * MINUTE });
  });

  it('leaves out an answer for a window already final, counted as too late', () => {
    const e = engine();
    const out: TagRanking[] = [];
    e.processBatch([survey(T0 + 1_000, { csat: 1, tags: ['app'] })], out);
    e.processBatch([post(T0 + 6 * MINUTE, 0)], out);
    expect(out).toHaveLength(2);
    // Late by more than the lateness, into the closed window: out.
    e.processBatch([survey(T0 + 2_000, { csat: 1, tags: ['late'] })], out);
    // Late but within the lateness of an open window: in.
    e.processBatch([survey(T0 + 6 * MINUTE - 5_000, { csat: 1, tags: ['late-ok'] })], out);
    expect(e.stats.tooLate).toBe(1);
    const flushed: TagRanking[] = [];
    e.flush(flushed);
    expect(flushed.map(summary)).toEqual([
      'final 5m@5  negative 1/2: late-ok 1',
      'final 5m@5  positive 0/2: ',
    ]);
    expect(e.livePaneCount).toBe(0);
    expect(e.liveKeys).toBe(0);
  });

  it('fires early for the open window that holds the latest answer and ends first', () => {
    const e = engine([FIVE, HOPPING]);
    const out: TagRanking[] = [];
    e.processBatch([survey(T0 + 7 * MINUTE + 1_000, { csat: 1, tags: ['app'] })], out);
    expect(e.hasChanges).toBe(true);
    e.fireEarly(out);
    // 5m: [5, 10); 5m/1m: [3, 8) is the first open window holding minute 7.
    expect(out.map(summary)).toEqual([
      'early 5m@5  negative 1/1: app 1',
      'early 5m@5  positive 0/1: ',
      'early 5m/1m@3  negative 1/1: app 1',
      'early 5m/1m@3  positive 0/1: ',
    ]);
    expect(e.hasChanges).toBe(false);
    const again: TagRanking[] = [];
    e.fireEarly(again);
    expect(again).toEqual([]);
  });

  it('keeps one ranking per key, and refuses keys beyond maxKeys', () => {
    const e = engine([FIVE], { keyBy: ['touchpoint'], maxKeys: 2 });
    const out: TagRanking[] = [];
    e.processBatch(
      [
        survey(T0, { csat: 1, tags: ['a'], touchpoint: 'login' }),
        post(T0, -1, { tags: ['b'], touchpoint: 'store' }),
        post(T0, -1, { tags: ['c'] }),
        post(T0, -1, { tags: ['d'], touchpoint: 'login' }),
      ],
      out,
    );
    e.flush(out);
    expect(e.stats.overCardinality).toBe(1);
    expect(out.filter((r) => r.polarity === 'negative').map(summary)).toEqual([
      'final 5m@0 touchpoint=login negative 2/2: a 1, d 1',
      'final 5m@0 touchpoint=store negative 1/1: b 1',
    ]);
    expect(out[0]!.key).toEqual({ touchpoint: 'login' });
  });

  it('reports at most `top` tags and never a count above the answers', () => {
    // Capacity 2 over three tags: merging two panes charges a tag missing from one its floor.
    const e = engine(
      [
        { name: '2m', sizeMs: 2 * MINUTE, hopMs: 2 * MINUTE },
        { name: '1m', sizeMs: MINUTE, hopMs: MINUTE },
      ],
      {
        capacity: 2,
        top: 1,
      },
    );
    const out: TagRanking[] = [];
    const tagged = (ts: number, tag: string) => survey(ts, { csat: 1, tags: [tag] });
    e.processBatch(
      [
        tagged(T0, 'x'),
        tagged(T0, 'x'),
        tagged(T0, 'y'),
        tagged(T0, 'z'),
        tagged(T0 + MINUTE, 'z'),
        tagged(T0 + MINUTE, 'z'),
      ],
      out,
    );
    e.flush(out);
    for (const r of out.filter((x) => x.polarity === 'negative')) {
      expect(r.entries).toHaveLength(1);
      for (const entry of r.entries) expect(entry.count).toBeLessThanOrEqual(r.answers);
      expect(r.floor * r.capacity).toBeLessThanOrEqual(r.tagOccurrences);
    }
    const twoMinutes = out.find((r) => r.window === '2m' && r.polarity === 'negative')!;
    // z: 3 true; x: 2 true.
    expect(twoMinutes.entries[0]!.tag).toBe('z');
    expect(twoMinutes.entries[0]!.count - twoMinutes.entries[0]!.error).toBeLessThanOrEqual(3);
  });

  it('counts events whose time is not a number as too late, without moving the watermark', () => {
    const e = engine();
    const out: TagRanking[] = [];
    e.processBatch([survey(Number.NaN, { csat: 1 }), survey(Number.POSITIVE_INFINITY, { csat: 1 })], out);
    expect(e.stats.tooLate).toBe(2);
    expect(e.watermark).toBe(-Infinity);
  });
});
