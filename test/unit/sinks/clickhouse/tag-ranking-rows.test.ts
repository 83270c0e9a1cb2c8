/** tag_rankings RowBinary: one row per entry, read back by its own column list. */
import { describe, expect, it } from 'vitest';
import type { TagRanking } from '../../../../src/analytics/tags/tag-ranking.js';
import {
  TAG_RANKING_COLUMNS,
  tagRankingEncoder,
  tagRankingReplacingVersion,
} from '../../../../src/sinks/clickhouse/tag-ranking-rows.js';
import { decodeRowBinary } from './row-binary-decoder.js';

const T0 = Date.UTC(2026, 0, 5, 9);

function ranking(overrides: Partial<TagRanking> = {}): TagRanking {
  return {
    pipeline: 'tag-rankings',
    window: '15m/1m',
    windowStart: T0,
    windowEnd: T0 + 900_000,
    key: { touchpoint: 'plan-selector' },
    keyId: 'touchpoint=plan-selector',
    polarity: 'negative',
    kind: 'final',
    answers: 100,
    allAnswers: 400,
    tagOccurrences: 180,
    floor: 2,
    capacity: 64,
    entries: [
      { rank: 1, tag: 'points-mall-items', count: 81, error: 0, share: 0.81, shareError: 0 },
      { rank: 2, tag: 'app', count: 12, error: 2, share: 0.12, shareError: 0.02 },
    ],
    ...overrides,
  };
}

describe('tagRankingEncoder', () => {
  it('writes one row per entry with the ranking’s window, key and denominators', () => {
    const body = tagRankingEncoder.encode([
      { ranking: ranking(), writtenAtMs: 5 },
      { ranking: ranking({ entries: [] }), writtenAtMs: 6 },
    ]);
    const rows = decodeRowBinary(body, TAG_RANKING_COLUMNS);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toEqual({
      pipeline: 'tag-rankings',
      window: '15m/1m',
      key_id: 'touchpoint=plan-selector',
      key_names: ['touchpoint'],
      key_values: ['plan-selector'],
      polarity: 'negative',
      window_start_ms: T0,
      window_end_ms: T0 + 900_000,
      tag_rank: 1,
      tag: 'points-mall-items',
      tag_count: 81,
      count_error: 0,
      share: 0.81,
      share_error: 0,
      answers: 100,
      all_answers: 400,
      tag_occurrences: 180,
      count_floor: 2,
      capacity: 64,
      is_final: 1,
      replacing_version: 1,
      written_at_ms: 5,
    });
    expect(rows[1]).toMatchObject({
      tag_rank: 2,
      tag: 'app',
      tag_count: 12,
      count_error: 2,
      share_error: 0.02,
    });
  });

  it('puts a final above an early ranking of the same window', () => {
    expect(tagRankingReplacingVersion({ kind: 'final' })).toBeGreaterThan(
      tagRankingReplacingVersion({ kind: 'early' }),
    );
    const rows = decodeRowBinary(
      tagRankingEncoder.encode([{ ranking: ranking({ kind: 'early' }), writtenAtMs: 1 }]),
      TAG_RANKING_COLUMNS,
    );
    expect(rows[0]).toMatchObject({ is_final: 0, replacing_version: 0 });
  });
});
