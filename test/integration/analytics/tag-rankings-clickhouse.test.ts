/**
 * Tag rankings in the real ClickHouse: the tag-storm scenario through pipelines/tag-rankings.yaml,
 * its final rankings written by the real sink into `tag_rankings` (migration 3) and read back row
 * for row; written again (a replay), they still read once; an early ranking is replaced by the
 * final of its window; the table has the dialect of the server it runs on.
 */
import { Subject, VirtualTimeScheduler } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import type { TagRanking } from '../../../src/analytics/tags/tag-ranking.js';
import { tagRankings } from '../../../src/analytics/tags/tag-rankings-operator.js';
import { loadPipelineFile } from '../../../src/config/pipeline-loader.js';
import type { CxEvent } from '../../../src/events/types.js';
import { createClickHouseSink, type ClickHouseSink } from '../../../src/sinks/clickhouse/clickhouse-sink.js';
import { loadScenarioFile } from '../../../src/sources/simulator/scenario.js';
import { createScenarioSimulator } from '../../../src/sources/simulator/scripted-simulator.js';
import { createTestDatabase, type TestDatabase } from '../helpers/clickhouse.js';
import { clickhouseUrl } from '../helpers/services.js';

const MINUTE = 60_000;
const START = Math.floor((Date.now() - 3 * 3_600_000) / 3_600_000) * 3_600_000;

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => {});
});

async function database(): Promise<TestDatabase> {
  const db = await createTestDatabase();
  cleanups.push(() => db.drop());
  return db;
}

async function sink(db: TestDatabase, writeEarlyValues = false): Promise<ClickHouseSink> {
  const s = createClickHouseSink({
    url: clickhouseUrl(),
    database: db.database,
    secret: 'tag-rankings',
    retentionDays: 0,
    writeEarlyValues,
    batch: { maxAgeMs: 50 },
    onWarning: () => {},
  });
  await s.migrate();
  cleanups.push(() => s.close());
  return s;
}

async function stormRankings(): Promise<TagRanking[]> {
  const scenario = await loadScenarioFile('scenarios/tag-storm.yaml');
  const events = createScenarioSimulator({
    seed: 5,
    startTs: START,
    rate: 40,
    seasonality: false,
    scenario,
  }).nextBatch(START + 45 * MINUTE);
  const events$ = new Subject<CxEvent[]>();
  const out: TagRanking[] = [];
  events$
    .pipe(
      tagRankings({
        pipeline: loadPipelineFile('pipelines/tag-rankings.yaml'),
        scheduler: new VirtualTimeScheduler(),
      }),
    )
    .subscribe((batch) => out.push(...batch));
  for (let i = 0; i < events.length; i += 500) events$.next(events.slice(i, i + 500));
  events$.complete();
  return out;
}

type Row = Record<string, string | number | string[]>;

async function rows(db: TestDatabase, where = '1'): Promise<Row[]> {
  const result = await db.client.query({
    query: `SELECT pipeline, window, key_id, polarity, window_start_ms, window_end_ms, tag_rank, tag,
       tag_count, count_error, share, share_error, answers, all_answers, tag_occurrences, count_floor,
       capacity, is_final
     FROM tag_rankings FINAL WHERE ${where}
     ORDER BY window, polarity, window_start_ms, tag_rank`,
    format: 'JSONEachRow',
    // 18.16 sends UInt64 as strings in JSON; numbers are compared as numbers below.
  });
  return (await result.json()) as Row[];
}

function expectedRows(rankings: readonly TagRanking[]): Row[] {
  return rankings
    .flatMap((r) =>
      r.entries.map((e) => ({
        pipeline: r.pipeline,
        window: r.window,
        key_id: r.keyId,
        polarity: r.polarity,
        window_start_ms: r.windowStart,
        window_end_ms: r.windowEnd,
        tag_rank: e.rank,
        tag: e.tag,
        tag_count: e.count,
        count_error: e.error,
        share: e.share,
        share_error: e.shareError,
        answers: r.answers,
        all_answers: r.allAnswers,
        tag_occurrences: r.tagOccurrences,
        count_floor: r.floor,
        capacity: r.capacity,
        is_final: r.kind === 'final' ? 1 : 0,
      })),
    )
    .sort(
      (a, b) =>
        (a.window < b.window ? -1 : a.window > b.window ? 1 : 0) ||
        (a.polarity < b.polarity ? -1 : a.polarity > b.polarity ? 1 : 0) ||
        a.window_start_ms - b.window_start_ms ||
        a.tag_rank - b.tag_rank,
    );
}

const numeric = (r: Row): Row =>
  Object.fromEntries(
    Object.entries(r).map(([k, v]) => [k, typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v]),
  );

describe('tag_rankings in ClickHouse', () => {
  it('stores every final ranking of the storm, one row per entry, read back as written, once after a replay', async () => {
    const db = await database();
    const history = await sink(db);
    const rankings = await stormRankings();
    const finals = rankings.filter((r) => r.kind === 'final');
    expect(finals.length).toBeGreaterThan(100);
    await history.writeTagRankings(rankings);
    const expected = expectedRows(finals);
    expect((await rows(db)).map(numeric)).toEqual(expected);
    // A replay writes the same windows again: FINAL still reads each once.
    await history.writeTagRankings(finals);
    expect((await rows(db)).map(numeric)).toEqual(expected);

    // The storm as a Grafana panel asks for it: the top negative tag of the 15m/1m windows inside it.
    const top = await db.client.query({
      query: `SELECT tag, count() AS windows, min(share) AS low, max(share) AS high FROM tag_rankings FINAL
        WHERE window = '15m/1m' AND polarity = 'negative' AND tag_rank = 1 AND is_final = 1
          AND window_start_ms >= ${START + 5 * MINUTE} AND window_end_ms <= ${START + 35 * MINUTE}
        GROUP BY tag`,
      format: 'JSONEachRow',
    });
    const [leader, ...others] = (await top.json()) as Array<{ tag: string; windows: string; low: number }>;
    expect(others).toEqual([]);
    expect(leader).toMatchObject({ tag: 'points-mall-items', windows: '16' });
    expect(leader!.low).toBeGreaterThan(0.4);
  });

  it('keeps early rankings out unless asked, and replaces an early ranking by its final', async () => {
    const db = await database();
    const rankings = await stormRankings();
    const final = rankings.find((r) => r.kind === 'final' && r.window === '1h' && r.entries.length > 2)!;
    const early: TagRanking = {
      ...final,
      kind: 'early',
      entries: final.entries.map((e) => ({ ...e, tag: `early-${e.tag}` })),
    };
    const defaults = await sink(db);
    await defaults.writeTagRankings([early]);
    expect(await rows(db)).toEqual([]);

    const withEarly = await sink(db, true);
    await withEarly.writeTagRankings([early]);
    const where = `window = '1h' AND polarity = '${final.polarity}' AND window_start_ms = ${final.windowStart}`;
    expect((await rows(db, where)).map((r) => [r.tag, Number(r.is_final)])[0]).toEqual([
      early.entries[0]!.tag,
      0,
    ]);
    await withEarly.writeTagRankings([final]);
    expect((await rows(db, where)).map(numeric)).toEqual(expectedRows([final]));
  });

  it('has the dialect of this server: plain String and DateTime on 18.16, LowCardinality and DateTime64 later', async () => {
    const db = await database();
    const history = await sink(db);
    const described = await db.client.query({ query: 'DESCRIBE TABLE tag_rankings', format: 'JSONEachRow' });
    const types = Object.fromEntries(
      ((await described.json()) as Array<{ name: string; type: string }>).map((c) => [c.name, c.type]),
    );
    const caps = history.capabilities!;
    expect(types.polarity).toBe(caps.lowCardinality ? 'LowCardinality(String)' : 'String');
    expect(types.window_start).toBe(caps.dateTime64 ? "DateTime64(3, 'UTC')" : "DateTime('UTC')");
    expect(types.share).toBe('Float64');
    const engine = await db.client.query({
      query: `SELECT engine, partition_key, sorting_key FROM system.tables WHERE database = '${db.database}' AND name = 'tag_rankings'`,
      format: 'JSONEachRow',
    });
    expect(await engine.json()).toEqual([
      expect.objectContaining({ engine: 'ReplacingMergeTree', partition_key: 'toYYYYMMDD(window_start)' }),
    ]);
  });
});
