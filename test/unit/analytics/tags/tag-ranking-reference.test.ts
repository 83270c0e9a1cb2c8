/**
 * The tag-ranking engine against brute force: every answer kept in a list, every window's counts
 * recounted exactly. Random answers and posts (scores, skewed tags, keyword texts), disorder within
 * the lateness, batch cuts, windows and capacities. Each final ranking must have the exact
 * denominators, and every count must hold the documented bounds (docs/analytics.md, "Tag
 * rankings"): true count in [count − error, count], error ≤ floor ≤ N / m, an unlisted tag at most
 * the floor (or the last listed count, when the list was cut at `top`); with a counter for every
 * tag, the exact ranking.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TagClassifier, NEUTRAL } from '../../../../src/analytics/tags/tag-classifier.js';
import { TagRankingEngine } from '../../../../src/analytics/tags/tag-ranking-engine.js';
import type { TagRanking } from '../../../../src/analytics/tags/tag-ranking.js';
import type { TagRankingsDefinition, WindowDefinition } from '../../../../src/config/pipeline-definition.js';
import type { CxEvent } from '../../../../src/events/types.js';
import { MINUTE, T0, post, rules, survey } from './fixtures.js';

const LATENESS = 20_000;
const TAGS = [
  'app',
  'billing',
  'long-wait',
  'points-mall',
  'rude',
  'slow',
  'outage',
  'price',
  'login',
  'other',
];
const TEXTS = ['waited on hold', 'the points mall items', 'nothing to say', 'rude agent', ''];
const WINDOW_SETS: WindowDefinition[][] = [
  [{ name: '5m', sizeMs: 5 * MINUTE, hopMs: 5 * MINUTE }],
  [{ name: '5m/1m', sizeMs: 5 * MINUTE, hopMs: MINUTE }],
  [
    { name: '2m', sizeMs: 2 * MINUTE, hopMs: 2 * MINUTE },
    { name: '10m/2m', sizeMs: 10 * MINUTE, hopMs: 2 * MINUTE },
  ],
];

const answer = fc
  .record({
    at: fc.integer({ min: 0, max: 30 * MINUTE }),
    disorder: fc.integer({ min: 0, max: LATENESS }),
    social: fc.boolean(),
    score: fc.integer({ min: 0, max: 10 }),
    sentiment: fc.double({ min: -1, max: 1, noNaN: true }),
    // Skewed: low indices much more often.
    tags: fc.array(
      fc.integer({ min: 0, max: 99 }).map((u) => TAGS[Math.floor((u * u) / 1000)]!),
      { maxLength: 3 },
    ),
    text: fc.constantFrom(...TEXTS),
  })
  .map((a) => ({ ...a, ts: T0 + a.at }));

type Answer = typeof answer extends fc.Arbitrary<infer A> ? A : never;

function toEvents(answers: Answer[]): CxEvent[] {
  // In time order, then each moved back by at most the lateness: late, but never too late.
  return answers
    .sort((a, b) => a.ts - b.ts)
    .map((a) => {
      const ts = a.ts - a.disorder;
      const tags = a.tags.length > 0 ? a.tags : undefined;
      if (a.social) {
        return post(ts, Math.round(a.sentiment * 100) / 100, { ...(tags ? { tags } : {}), text: a.text });
      }
      const score = a.score % 3 === 0 ? { nps: a.score } : { csat: 1 + (a.score % 5) };
      return survey(ts, { ...score, ...(tags ? { tags } : {}), comment: a.text });
    });
}

interface Exact {
  all: number;
  answers: [number, number];
  occurrences: [number, number];
  tags: [Map<string, number>, Map<string, number>];
}

function bruteForce(events: readonly CxEvent[], r: TagRankingsDefinition, from: number, to: number): Exact {
  const classifier = new TagClassifier(r);
  const exact: Exact = { all: 0, answers: [0, 0], occurrences: [0, 0], tags: [new Map(), new Map()] };
  for (const e of events) {
    if (e.ts < from || e.ts >= to) continue;
    const p = classifier.polarity(e);
    if (p === undefined) continue;
    exact.all++;
    if (p === NEUTRAL) continue;
    exact.answers[p]++;
    for (const tag of classifier.tagsOf(e)) {
      exact.occurrences[p]++;
      exact.tags[p].set(tag, (exact.tags[p].get(tag) ?? 0) + 1);
    }
  }
  return exact;
}

function run(events: CxEvent[], windows: WindowDefinition[], r: TagRankingsDefinition, cuts: number[]) {
  const engine = new TagRankingEngine({ pipeline: 'p', windows, allowedLatenessMs: LATENESS, rules: r });
  const out: TagRanking[] = [];
  const at = [...new Set(cuts.map((c) => Math.floor(c * events.length)))].sort((a, b) => a - b);
  let from = 0;
  for (const to of [...at, events.length]) {
    engine.processBatch(events.slice(from, to), out);
    from = to;
  }
  engine.flush(out);
  return { engine, out };
}

/** Windows (name, start) that hold at least one answer, by brute force. */
function windowsWithAnswers(events: readonly CxEvent[], windows: WindowDefinition[]): Set<string> {
  const out = new Set<string>();
  for (const w of windows) {
    for (const e of events) {
      for (let start = Math.floor(e.ts / w.hopMs) * w.hopMs; start > e.ts - w.sizeMs; start -= w.hopMs) {
        out.add(`${w.name}@${start}`);
      }
    }
  }
  return out;
}

describe('tag rankings against brute force', () => {
  it('hold the documented bounds in every final window', () => {
    fc.assert(
      fc.property(
        fc.array(answer, { minLength: 1, maxLength: 400, size: 'max' }),
        fc.constantFrom(...WINDOW_SETS),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 12 }),
        fc.constantFrom<'untagged' | 'all'>('untagged', 'all'),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 10 }),
        (answers, windows, capacity, topWish, applyTo, cuts) => {
          const r = rules({
            windows: windows.map((w) => w.name),
            capacity,
            top: Math.min(topWish, capacity),
            keywords: { 'long-wait': ['on hold'], 'points-mall': ['points mall'], rude: ['rude'] },
            keywordsApplyTo: applyTo,
          });
          const events = toEvents(answers);
          const { engine, out } = run(events, windows, r, cuts);
          expect(engine.stats.tooLate).toBe(0);
          expect(out.every((x) => x.kind === 'final')).toBe(true);

          const seen = new Set<string>();
          for (const ranking of out) {
            const id = `${ranking.window}@${ranking.windowStart}`;
            seen.add(id);
            const p = ranking.polarity === 'negative' ? 0 : 1;
            const exact = bruteForce(events, r, ranking.windowStart, ranking.windowEnd);
            expect(ranking.allAnswers, id).toBe(exact.all);
            expect(ranking.answers, id).toBe(exact.answers[p]);
            expect(ranking.tagOccurrences, id).toBe(exact.occurrences[p]);
            expect(ranking.floor * capacity, id).toBeLessThanOrEqual(ranking.tagOccurrences);
            expect(ranking.entries.length).toBeLessThanOrEqual(r.top);
            const listed = new Set<string>();
            for (const e of ranking.entries) {
              listed.add(e.tag);
              const f = exact.tags[p].get(e.tag) ?? 0;
              expect(f, `${id} ${e.tag}`).toBeLessThanOrEqual(e.count);
              expect(f, `${id} ${e.tag}`).toBeGreaterThanOrEqual(e.count - e.error);
              expect(e.error).toBeLessThanOrEqual(ranking.floor);
              expect(e.share).toBeCloseTo(e.count / ranking.answers, 12);
              expect(e.shareError).toBeCloseTo(e.error / ranking.answers, 12);
            }
            const last = ranking.entries.at(-1)?.count ?? 0;
            const bound = ranking.entries.length === r.top ? Math.max(ranking.floor, last) : ranking.floor;
            for (const [tag, f] of exact.tags[p]) {
              if (!listed.has(tag)) expect(f, `${id} unlisted ${tag}`).toBeLessThanOrEqual(bound);
            }
            if (exact.tags[p].size <= capacity) {
              // A counter for every tag: the exact ranking (count, then name).
              const expected = [...exact.tags[p]]
                .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
                .slice(0, r.top);
              expect(
                ranking.entries.map((e) => [e.tag, e.count, e.error]),
                id,
              ).toEqual(expected.map(([tag, f]) => [tag, f, 0]));
            }
          }
          // One final per window with answers, both polarities; none for an empty window.
          expect(seen).toEqual(windowsWithAnswers(events, windows));
          expect(out.length).toBe(2 * seen.size);
        },
      ),
      { numRuns: 150 },
    );
  });
});
