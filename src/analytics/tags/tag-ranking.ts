/**
 * A tag ranking: for one window, key and polarity, the top tags with their estimated count, the
 * guaranteed error of that count, and their share of the window's answers and posts of that
 * polarity — "points-mall-items: 81 % of negative answers". Made by the tag-ranking engine
 * (tag-ranking-engine.ts), shown on the wallboard, stored in ClickHouse `tag_rankings`.
 */
import type { TagPolarity } from '../../config/pipeline-definition.js';
import { compareEntries, type SpaceSaving, type SpaceSavingEntry } from './space-saving.js';

export interface TagRankingEntry {
  /** 1 = most frequent. */
  rank: number;
  tag: string;
  /** Answers and posts carrying the tag: an upper bound (Space-Saving never undercounts). */
  count: number;
  /** The true count is at least count − error; error ≤ floor ≤ tagOccurrences / capacity. */
  error: number;
  /** count ÷ answers. */
  share: number;
  /** error ÷ answers: the true share is at least share − shareError. */
  shareError: number;
}

export interface TagRanking {
  pipeline: string;
  /** Window name from the pipeline, e.g. `15m/1m`. */
  window: string;
  /** Epoch ms, inclusive. */
  windowStart: number;
  /** Epoch ms, exclusive. */
  windowEnd: number;
  /** The `tagRankings.keyBy` dimensions and their values; {} without keyBy. */
  key: Readonly<Record<string, string>>;
  /** `dim=value` pairs sorted by dimension, joined by `,`; '' without keyBy. */
  keyId: string;
  polarity: TagPolarity;
  /** `early` while the window is open (a preview), `final` once the watermark has passed its end. */
  kind: 'early' | 'final';
  /** Answers and posts of this polarity in the window: the shares' denominator. */
  answers: number;
  /** Every answer and post in the window, whatever its polarity (neutral ones included). */
  allAnswers: number;
  /** Tags counted (N: one per distinct tag per answer of this polarity). */
  tagOccurrences: number;
  /** A tag not listed in the summary occurred at most this many times. */
  floor: number;
  /** Counters of the summary (m). */
  capacity: number;
  entries: TagRankingEntry[];
}

/**
 * The `top` entries of a window's merged summary. A tag counts at most once per answer, so its true
 * count is at most `answers`: a count above that (possible after merging panes) is lowered to it,
 * the error lowered with it so the guaranteed minimum stays where it was.
 */
export function rankEntries(summary: SpaceSaving, top: number, answers: number): TagRankingEntry[] {
  const clamped: SpaceSavingEntry[] = summary.entries().map((e) => {
    if (e.count <= answers) return e;
    return { item: e.item, count: answers, error: Math.max(0, answers - (e.count - e.error)) };
  });
  clamped.sort(compareEntries);
  const out: TagRankingEntry[] = [];
  for (let i = 0; i < clamped.length && i < top; i++) {
    const e = clamped[i]!;
    out.push({
      rank: i + 1,
      tag: e.item,
      count: e.count,
      error: e.error,
      share: answers > 0 ? e.count / answers : 0,
      shareError: answers > 0 ? e.error / answers : 0,
    });
  }
  return out;
}

/** Identity of a ranking series: newer rankings of the same series replace older ones. */
export function rankingSeriesId(r: Pick<TagRanking, 'pipeline' | 'window' | 'keyId' | 'polarity'>): string {
  return `${r.pipeline}\u0000${r.window}\u0000${r.keyId}\u0000${r.polarity}`;
}
