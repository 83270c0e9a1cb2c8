/**
 * The tag-ranking engine on a heavy stream: 1 200 000 survey answers and social posts over 6 hours
 * of event time (≈ 55 a second), 20 touchpoints as keys, tags drawn from a Zipf law over 50 000
 * distinct tags (1–3 per answer, a tenth untagged with a text the keyword rules read), the shipped
 * pipeline's windows (15m/1m and 1h) and bounds, Space-Saving capacity 64. Events come in batches of
 * 1 000 made just before their batch; only `processBatch` (with the finals it emits) is timed, and an
 * early firing runs every 10 000 events as the operator's timer would.
 *
 * Reported: events/s as `value` (median of 3 runs); `heap_mb`, the engine's retained heap after a
 * full GC at the end of the run (bounded: it holds the open windows' panes, whatever the number of
 * distinct tags); `rss_mb`; the largest share error of any final entry (error ÷ answers).
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { TagRankingEngine } from '../src/analytics/tags/tag-ranking-engine.js';
import type { TagRanking } from '../src/analytics/tags/tag-ranking.js';
import { loadPipelineFile } from '../src/config/pipeline-loader.js';
import type { CxEvent } from '../src/events/types.js';
import { median, type BenchResult } from './harness.js';

export const name = 'tag-rankings';

const EVENTS = 1_200_000;
const BATCH = 1_000;
const EVENT_TIME_MS = 6 * 3_600_000;
const DISTINCT_TAGS = 50_000;
const TOUCHPOINTS = 20;
const START = Date.UTC(2026, 0, 5, 6);

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

const TAGS = Array.from({ length: DISTINCT_TAGS }, (_, i) => `tag-${i.toString(36)}`);
const TOUCHPOINT_NAMES = Array.from({ length: TOUCHPOINTS }, (_, i) => `touchpoint-${i}`);
/** Zipf(1.1) by inverse transform on a precomputed cumulative table. */
const CUMULATIVE = (() => {
  const weights = TAGS.map((_, i) => 1 / Math.pow(i + 1, 1.1));
  const total = weights.reduce((a, b) => a + b, 0);
  let acc = 0;
  return weights.map((w) => (acc += w / total));
})();

function zipfTag(u: number): string {
  let lo = 0;
  let hi = CUMULATIVE.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (CUMULATIVE[mid]! < u) lo = mid + 1;
    else hi = mid;
  }
  return TAGS[lo]!;
}

function makeBatch(from: number, random: () => number): CxEvent[] {
  const events: CxEvent[] = [];
  for (let i = from; i < from + BATCH; i++) {
    const ts = START + Math.floor((i / EVENTS) * EVENT_TIME_MS);
    const touchpoint = TOUCHPOINT_NAMES[Math.floor(random() * TOUCHPOINTS)]!;
    const untagged = random() < 0.1;
    const tags = untagged
      ? undefined
      : Array.from({ length: 1 + Math.floor(random() * 3) }, () => zipfTag(random()));
    if (random() < 0.6) {
      events.push({
        id: `b${i}`,
        type: 'feedback.social',
        ts,
        platform: 'x',
        sentiment: Math.round((random() * 2 - 1) * 100) / 100,
        touchpoint,
        ...(tags ? { tags } : { text: 'waited on hold again, the points mall items are gone' }),
      });
    } else {
      events.push({
        id: `b${i}`,
        type: 'survey.response',
        ts,
        csat: 1 + Math.floor(random() * 5),
        touchpoint,
        ...(tags ? { tags } : { comment: 'Problem still not fixed' }),
      });
    }
  }
  return events;
}

interface Run {
  eventsPerSecond: number;
  heapMB: number;
  rssMB: number;
  finals: number;
  maxShareError: number;
  maxFloorRatio: number;
}

function runOnce(): Run {
  const pipeline = loadPipelineFile('pipelines/tag-rankings.yaml');
  const rules = { ...pipeline.tagRankings!, keyBy: ['touchpoint' as const] };
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const engine = new TagRankingEngine({
    pipeline: pipeline.name,
    windows: pipeline.windows,
    allowedLatenessMs: pipeline.allowedLatenessMs,
    rules,
  });
  const random = lcg(7);
  let finals = 0;
  let maxShareError = 0;
  let maxFloorRatio = 0;
  const inspect = (out: TagRanking[]) => {
    for (const r of out) {
      if (r.kind !== 'final') continue;
      finals++;
      if (r.tagOccurrences > 0)
        maxFloorRatio = Math.max(maxFloorRatio, (r.floor * r.capacity) / r.tagOccurrences);
      for (const e of r.entries) maxShareError = Math.max(maxShareError, e.shareError);
    }
    out.length = 0;
  };
  const out: TagRanking[] = [];
  let ns = 0n;
  for (let i = 0; i < EVENTS; i += BATCH) {
    const batch = makeBatch(i, random);
    const t0 = process.hrtime.bigint();
    engine.processBatch(batch, out);
    if (i % 10_000 === 0) engine.fireEarly(out);
    ns += process.hrtime.bigint() - t0;
    inspect(out);
  }
  gc();
  const heapMB = (process.memoryUsage().heapUsed - heapBefore) / 1_048_576;
  const rssMB = process.memoryUsage().rss / 1_048_576;
  engine.flush(out);
  inspect(out);
  return {
    eventsPerSecond: EVENTS / (Number(ns) / 1e9),
    heapMB,
    rssMB,
    finals,
    maxShareError,
    maxFloorRatio,
  };
}

export async function run(): Promise<BenchResult> {
  runOnce(); // warm-up
  const runs = [runOnce(), runOnce(), runOnce()];
  const last = runs.at(-1)!;
  const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
  return {
    name,
    value: Math.round(median(runs.map((r) => r.eventsPerSecond))),
    unit: 'events/s',
    runs_events_per_s: runs.map((r) => Math.round(r.eventsPerSecond)),
    heap_mb: round(median(runs.map((r) => r.heapMB))),
    rss_mb: round(last.rssMB),
    events: EVENTS,
    distinct_tags: DISTINCT_TAGS,
    keys: TOUCHPOINTS,
    capacity: 64,
    final_rankings: last.finals,
    max_share_error: round(last.maxShareError, 4),
    // floor × m ÷ N, the documented bound floor ≤ N / m as a ratio: never above 1.
    max_floor_to_bound: round(last.maxFloorRatio, 3),
  };
}
