/**
 * Tag rankings (src/analytics/tags) as `tag_rankings` RowBinary: one row per entry of a ranking,
 * with the column list the insert names (checked against the table at migrate(), like every other
 * table's encoder). A ranking without entries (no tag in the window) writes no row.
 */
import type { TagRanking } from '../../analytics/tags/tag-ranking.js';
import { RowBinaryBuilder, type InsertColumns } from './row-binary.js';
import type { RowEncoder } from './row-encoders.js';
import { pairs } from './rows.js';

export const TAG_RANKING_COLUMNS: InsertColumns = [
  ['pipeline', 'String'],
  ['window', 'String'],
  ['key_id', 'String'],
  ['key_names', 'Array(String)'],
  ['key_values', 'Array(String)'],
  ['polarity', 'String'],
  ['window_start_ms', 'UInt64'],
  ['window_end_ms', 'UInt64'],
  ['tag_rank', 'UInt32'],
  ['tag', 'String'],
  ['tag_count', 'UInt64'],
  ['count_error', 'UInt64'],
  ['share', 'Float64'],
  ['share_error', 'Float64'],
  ['answers', 'UInt64'],
  ['all_answers', 'UInt64'],
  ['tag_occurrences', 'UInt64'],
  ['count_floor', 'UInt64'],
  ['capacity', 'UInt32'],
  ['is_final', 'UInt8'],
  ['replacing_version', 'UInt64'],
  ['written_at_ms', 'UInt64'],
];

/** A ranking and when the sink wrote it. */
export interface TagRankingRow {
  ranking: TagRanking;
  writtenAtMs: number;
}

/** A final replaces an early ranking of the same window and rank. */
export function tagRankingReplacingVersion(ranking: Pick<TagRanking, 'kind'>): number {
  return ranking.kind === 'final' ? 1 : 0;
}

export const tagRankingEncoder: RowEncoder<TagRankingRow> = {
  columns: TAG_RANKING_COLUMNS,
  // Per ranking; a ranking writes one row per entry (10 by default), about 150 bytes each.
  bytesPerRow: 1_500,
  encode(rows) {
    const w = new RowBinaryBuilder(rows.length * this.bytesPerRow);
    for (const { ranking: r, writtenAtMs } of rows) {
      if (r.entries.length === 0) continue;
      const key = pairs(r.key);
      const isFinal = r.kind === 'final' ? 1 : 0;
      const version = tagRankingReplacingVersion(r);
      for (const e of r.entries) {
        w.string(r.pipeline);
        w.string(r.window);
        w.string(r.keyId);
        w.stringArray(key.names);
        w.stringArray(key.values);
        w.string(r.polarity);
        w.uint64(r.windowStart);
        w.uint64(r.windowEnd);
        w.uint32(e.rank);
        w.string(e.tag);
        w.uint64(e.count);
        w.uint64(e.error);
        w.float64(e.share);
        w.float64(e.shareError);
        w.uint64(r.answers);
        w.uint64(r.allAnswers);
        w.uint64(r.tagOccurrences);
        w.uint64(r.floor);
        w.uint32(r.capacity);
        w.uint8(isFinal);
        w.uint64(version);
        w.uint64(writtenAtMs);
      }
    }
    return w.finish();
  },
};
