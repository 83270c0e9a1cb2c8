/**
 * The current tag rankings for the live side (the WebSocket `tagRanking` message, the snapshot,
 * `GET /api/tag-rankings`): per series — pipeline, window, key and polarity — the ranking of the
 * newest window, early while it is open, final once it closed. ClickHouse `tag_rankings` holds the
 * history. Bounded by the number of series, itself bounded by each section's maxKeys.
 */
import { rankingSeriesId, type TagRanking, type TagRankingEntry } from '../analytics/tags/tag-ranking.js';

/**
 * The same fields as TagRanking, copied one by one in toWireTagRanking: a field added to
 * TagRanking fails to compile there until someone decides whether viewers may see it.
 */
export type WireTagRanking = TagRanking;

export function toWireTagRanking(r: TagRanking): WireTagRanking {
  return {
    pipeline: r.pipeline,
    window: r.window,
    windowStart: r.windowStart,
    windowEnd: r.windowEnd,
    key: { ...r.key },
    keyId: r.keyId,
    polarity: r.polarity,
    kind: r.kind,
    answers: r.answers,
    allAnswers: r.allAnswers,
    tagOccurrences: r.tagOccurrences,
    floor: r.floor,
    capacity: r.capacity,
    entries: r.entries.map((e): TagRankingEntry => ({
      rank: e.rank,
      tag: e.tag,
      count: e.count,
      error: e.error,
      share: e.share,
      shareError: e.shareError,
    })),
  };
}

/** Series kept at most; past it the one updated longest ago goes. */
export const DEFAULT_TAG_RANKING_SERIES = 2_000;

export interface TagRankingQuery {
  pipeline?: string;
  window?: string;
  polarity?: string;
  keyId?: string;
  /** `final`: the newest final ranking of each series instead of its current one. */
  kind?: 'current' | 'final';
}

export class TagRankingFeed {
  /** Series id → newest ranking, in the order series were last updated. */
  private readonly current = new Map<string, WireTagRanking>();
  /** Series id → newest final ranking. */
  private readonly finals = new Map<string, WireTagRanking>();
  private readonly listeners = new Set<(rankings: WireTagRanking[]) => void>();

  constructor(readonly limit = DEFAULT_TAG_RANKING_SERIES) {}

  /**
   * Takes rankings as the pipelines emit them. A ranking replaces its series' current one when its
   * window ends later, or when it is the same window's final (a final is never replaced by an early
   * of the same window). Listeners hear the accepted ones, once per call.
   */
  add(rankings: readonly TagRanking[]): void {
    const accepted: WireTagRanking[] = [];
    for (const r of rankings) {
      const id = rankingSeriesId(r);
      if (r.kind === 'final') {
        const final = this.finals.get(id);
        if (final === undefined || r.windowEnd >= final.windowEnd) {
          this.finals.delete(id);
          this.finals.set(id, toWireTagRanking(r));
          if (this.finals.size > this.limit) this.finals.delete(this.finals.keys().next().value!);
        }
      }
      const held = this.current.get(id);
      if (held !== undefined) {
        const newer =
          r.windowEnd > held.windowEnd ||
          (r.windowEnd === held.windowEnd &&
            r.windowStart === held.windowStart &&
            (r.kind === 'final' || held.kind === 'early'));
        if (!newer) continue;
        this.current.delete(id);
      }
      const wire = toWireTagRanking(r);
      this.current.set(id, wire);
      if (this.current.size > this.limit) this.current.delete(this.current.keys().next().value!);
      accepted.push(wire);
    }
    if (accepted.length === 0) return;
    for (const l of this.listeners) l(accepted);
  }

  /** The current rankings matching the query, by pipeline, window, key and polarity. */
  list(query: TagRankingQuery = {}): WireTagRanking[] {
    const out: WireTagRanking[] = [];
    for (const r of (query.kind === 'final' ? this.finals : this.current).values()) {
      if (query.pipeline !== undefined && r.pipeline !== query.pipeline) continue;
      if (query.window !== undefined && r.window !== query.window) continue;
      if (query.polarity !== undefined && r.polarity !== query.polarity) continue;
      if (query.keyId !== undefined && r.keyId !== query.keyId) continue;
      out.push(r);
    }
    return out.sort((a, b) => (rankingSeriesId(a) < rankingSeriesId(b) ? -1 : 1));
  }

  onAdd(listener: (rankings: WireTagRanking[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
