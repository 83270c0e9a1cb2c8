/**
 * Throughput of the window engine on the contact-centre pipeline, against a hand-written loop.
 *
 * Workload: ≈200 keys (40 queues × 5 channels), the pipeline's windows (1m, 5m/10s, 15m/1m; panes
 * of 10 s), its 9 count/rate/mean indicators (real accumulators from src/indicators/registry.ts),
 * 500 batches of 1 000 decoded events (a pool of 50 000 replayed ten times with later timestamps:
 * ReplayedBatches), 1 000 events/s of event time, up to 5 s of disorder.
 *
 * - `engine`: the windowedIndicators operator, fed batch by batch through a Subject, then completed
 *   (so every window is final and emitted as IndicatorValue objects).
 * - `baseline`: a plain loop computing the same numbers: nested Map key lookup, per key per pane
 *   a Float64Array of counters, the same watermark, the same panes and the same merges at window close,
 *   one output object per key, window and indicator.
 * Both produce the same values (checked once before timing) and their rounds are interleaved.
 * Early firings are not timed here (the loop never yields to timers); `earlyFiringMs` reports the
 * cost of one early firing over all keys after the stream, measured separately.
 *
 * `BENCH_OBJECT_STATES=1` runs the engine with every pane state an object (the accumulators' numeric
 * forms hidden), to compare with numeric pane states in one session.
 *
 * Both run as compiled JavaScript, as production runs (bench-child.ts; under the tsx loader the hand
 * loop ran at about half its compiled speed, which flattered the ratio), with the heap growth
 * `cxpulse` applies, each task in child processes of its own (see run()).
 */
import { Subject } from 'rxjs';
import { DEFAULT_CONFIG } from '../src/config/app-config.js';
import { applyHeapGrowth } from '../src/runtime-tuning.js';
import type { PipelineDefinition } from '../src/config/pipeline-definition.js';
import type { ContactEvent, CxEvent } from '../src/events/types.js';
import type { IndicatorAccumulator } from '../src/indicators/accumulator.js';
import type { IndicatorValue } from '../src/windows/indicator-value.js';
import { WindowEngine } from '../src/windows/window-engine.js';
import { windowedIndicators } from '../src/windows/windowed-indicators.js';
import {
  contactCenterAccumulators,
  contactCenterEvents,
  contactCenterPipeline,
  inBatches,
  ReplayedBatches,
} from './contact-center-workload.js';
import { benchChildCommand, benchChildRuntime, runBenchChild } from './bench-child.js';
import { compared, median, pairedRatio, sampleRates, type BenchResult } from './harness.js';

export const name = 'pipeline';

const CHILD_FLAG = '--pipeline-throughput-child';

const OBJECT_STATES = process.env.BENCH_OBJECT_STATES === '1';

function accumulators(pipeline: PipelineDefinition): IndicatorAccumulator[] {
  const all = contactCenterAccumulators(pipeline);
  return OBJECT_STATES ? all.map((acc) => ({ ...acc, numeric: undefined })) : all;
}

interface Checksum {
  values: number;
  sum: number;
}

function runEngine(pipeline: PipelineDefinition, batches: ReplayedBatches): Checksum {
  const input = new Subject<CxEvent[]>();
  const check: Checksum = { values: 0, sum: 0 };
  input.pipe(windowedIndicators({ pipeline, accumulators: accumulators(pipeline) })).subscribe((out) => {
    for (const v of out) {
      check.values++;
      if (v.value !== null) check.sum += v.value;
    }
  });
  for (let j = 0; j < batches.count; j++) input.next(batches.batch(j));
  input.complete();
  return check;
}

// Counter slots of the baseline's per-pane Float64Array.
const OFFERED = 0,
  ANSWERED = 1,
  ABANDONED = 2,
  AB_NUM = 3,
  AB_DEN = 4,
  SL_NUM = 5,
  SL_DEN = 6,
  SLV_NUM = 7,
  SLV_DEN = 8,
  ASA_SUM = 9,
  ASA_N = 10,
  AHT_SUM = 11,
  AHT_N = 12,
  TR_NUM = 13,
  TR_DEN = 14,
  SLOTS = 15;

interface BaselineKey {
  keyId: string;
  panes: Map<number, Float64Array>;
  lastIndex: number;
  last: Float64Array | undefined;
}

interface BaselineValue {
  keyId: string;
  window: string;
  windowStart: number;
  indicator: string;
  value: number | null;
  numerator: number;
  denominator: number;
}

/** The hand-written loop: what one would write for exactly this pipeline, with no engine. */
function runBaseline(pipeline: PipelineDefinition, batches: ReplayedBatches): Checksum {
  const paneMs = 10_000;
  const windows = pipeline.windows.map((w) => ({
    name: w.name,
    size: w.sizeMs / paneMs,
    hop: w.hopMs / paneMs,
  }));
  const slParams = pipeline.indicators.find((d) => d.name === 'service_level')!.params;
  const byQueue = new Map(Object.entries((slParams.thresholdsByQueue ?? {}) as Record<string, number>));
  const slDefault = Number(slParams.serviceLevelThresholdMs ?? 20_000);
  const slVip = Number(
    pipeline.indicators.find((d) => d.name === 'service_level_vip')!.params.serviceLevelThresholdMs,
  );
  const shortAbandonMs = 5_000;
  const lateness = pipeline.allowedLatenessMs;
  const horizon = pipeline.correctionHorizonMs;
  const maxSize = Math.max(...windows.map((w) => w.size));

  const byQueueKeys = new Map<string, Map<string, BaselineKey>>();
  const keys: BaselineKey[] = [];
  const check: Checksum = { values: 0, sum: 0 };
  let maxTs = -Infinity;
  let watermark = -Infinity;
  let maxPane = -Infinity;

  const out: BaselineValue[] = [];
  const push = (
    k: BaselineKey,
    w: string,
    start: number,
    indicator: string,
    num: number,
    den: number,
    value: number | null,
  ) => {
    out.push({
      keyId: k.keyId,
      window: w,
      windowStart: start,
      indicator,
      value,
      numerator: num,
      denominator: den,
    });
  };
  const ratio = (n: number, d: number) => (d > 0 ? n / d : null);
  const closeWindows = (fromEnd: number, toEnd: number) => {
    for (const w of windows) {
      for (let k = Math.ceil((fromEnd - w.size) / w.hop); k * w.hop + w.size <= toEnd; k++) {
        const start = k * w.hop;
        for (const key of keys) {
          const sum = new Float64Array(SLOTS);
          let any = false;
          for (let p = start; p < start + w.size; p++) {
            const c = key.panes.get(p);
            if (c === undefined) continue;
            any = true;
            for (let s = 0; s < SLOTS; s++) sum[s]! += c[s]!;
          }
          if (!any) continue;
          const ws = start * paneMs;
          push(key, w.name, ws, 'contacts_offered', sum[OFFERED]!, 0, sum[OFFERED]!);
          push(key, w.name, ws, 'contacts_answered', sum[ANSWERED]!, 0, sum[ANSWERED]!);
          push(key, w.name, ws, 'contacts_abandoned', sum[ABANDONED]!, 0, sum[ABANDONED]!);
          push(
            key,
            w.name,
            ws,
            'abandonment_rate',
            sum[AB_NUM]!,
            sum[AB_DEN]!,
            ratio(sum[AB_NUM]!, sum[AB_DEN]!),
          );
          push(
            key,
            w.name,
            ws,
            'service_level',
            sum[SL_NUM]!,
            sum[SL_DEN]!,
            ratio(sum[SL_NUM]!, sum[SL_DEN]!),
          );
          push(
            key,
            w.name,
            ws,
            'service_level_vip',
            sum[SLV_NUM]!,
            sum[SLV_DEN]!,
            ratio(sum[SLV_NUM]!, sum[SLV_DEN]!),
          );
          push(
            key,
            w.name,
            ws,
            'asa_seconds',
            sum[ASA_SUM]!,
            sum[ASA_N]!,
            sum[ASA_N]! > 0 ? sum[ASA_SUM]! / sum[ASA_N]! / 1000 : null,
          );
          push(
            key,
            w.name,
            ws,
            'aht_seconds',
            sum[AHT_SUM]!,
            sum[AHT_N]!,
            sum[AHT_N]! > 0 ? sum[AHT_SUM]! / sum[AHT_N]! / 1000 : null,
          );
          push(
            key,
            w.name,
            ws,
            'transfer_rate',
            sum[TR_NUM]!,
            sum[TR_DEN]!,
            ratio(sum[TR_NUM]!, sum[TR_DEN]!),
          );
        }
      }
    }
    for (const v of out) {
      check.values++;
      if (v.value !== null) check.sum += v.value;
    }
    out.length = 0;
  };

  for (let j = 0; j < batches.count; j++) {
    const batch = batches.batch(j);
    for (let i = 0; i < batch.length; i++) {
      const e = batch[i]!;
      if (e.ts > maxTs) maxTs = e.ts;
      if (e.type === 'agent.state') continue; // no indicator here reads it
      const ce = e as ContactEvent;
      let channels = byQueueKeys.get(ce.queue);
      if (channels === undefined) byQueueKeys.set(ce.queue, (channels = new Map()));
      let key = channels.get(ce.channel);
      if (key === undefined) {
        key = {
          keyId: `channel=${ce.channel},queue=${ce.queue}`,
          panes: new Map(),
          lastIndex: NaN,
          last: undefined,
        };
        channels.set(ce.channel, key);
        keys.push(key);
      }
      const p = Math.floor(ce.ts / paneMs);
      let c = key.lastIndex === p ? key.last : key.panes.get(p);
      if (c === undefined) key.panes.set(p, (c = new Float64Array(SLOTS)));
      key.lastIndex = p;
      key.last = c;
      if (p > maxPane) maxPane = p;
      const wait = ce.waitMs;
      switch (ce.type) {
        case 'contact.queued':
          c[OFFERED]!++;
          break;
        case 'contact.answered':
          c[ANSWERED]!++;
          c[AB_DEN]!++;
          c[TR_DEN]!++;
          if (wait !== undefined) {
            c[SL_DEN]!++;
            if (wait <= (byQueue.get(ce.queue) ?? slDefault)) c[SL_NUM]!++;
            if (ce.segment === 'vip') {
              c[SLV_DEN]!++;
              if (wait <= slVip) c[SLV_NUM]!++;
            }
            c[ASA_SUM]! += wait;
            c[ASA_N]!++;
          }
          break;
        case 'contact.abandoned':
          c[ABANDONED]!++;
          if (wait === undefined || wait >= shortAbandonMs) {
            c[AB_NUM]!++;
            c[AB_DEN]!++;
            c[SL_DEN]!++;
            if (ce.segment === 'vip') c[SLV_DEN]!++;
          }
          break;
        case 'contact.transferred':
          c[TR_NUM]!++;
          break;
        case 'contact.ended':
          if (ce.talkMs !== undefined || ce.holdMs !== undefined || ce.wrapMs !== undefined) {
            c[AHT_SUM]! += (ce.talkMs ?? 0) + (ce.holdMs ?? 0) + (ce.wrapMs ?? 0);
            c[AHT_N]!++;
          }
          break;
      }
    }
    const w1 = maxTs - lateness;
    const p0 = Math.floor(watermark / paneMs);
    const p1 = Math.floor(w1 / paneMs);
    watermark = w1;
    if (p1 > p0 && p0 > -Infinity) {
      closeWindows(p0 + 1, p1);
      // Drop panes no window can be corrected through any more.
      const dropBefore = Math.floor((w1 - horizon) / paneMs) - maxSize;
      for (const key of keys) for (const p of key.panes.keys()) if (p < dropBefore) key.panes.delete(p);
    }
  }
  closeWindows(Math.floor(watermark / paneMs) + 1, maxPane + maxSize + 1);
  return check;
}

function earlyFiringMs(pipeline: PipelineDefinition, batches: ReplayedBatches): number {
  const engine = new WindowEngine(pipeline, accumulators(pipeline));
  const out: IndicatorValue[] = [];
  // Enough of the stream for the 15 m windows to be full, then one firing over all keys.
  for (let j = 0; j < Math.min(batches.count, 1_230); j++) engine.processBatch(batches.batch(j), out);
  out.length = 0;
  const start = process.hrtime.bigint();
  engine.fireEarly(out);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

type Task = 'engine' | 'baseline';

const POOL_EVENTS = 50_000;
const STREAM_EVENTS = 500_000;
const EVENTS_PER_SECOND = 1_000;

interface Workload {
  pipeline: PipelineDefinition;
  batches: ReplayedBatches;
}

function workload(): Workload {
  const pipeline = contactCenterPipeline();
  // Seeded: every child builds the same events.
  const pool = contactCenterEvents({
    events: POOL_EVENTS,
    queues: 40,
    channels: 5,
    eventsPerSecond: EVENTS_PER_SECOND,
    disorderMs: 5_000,
  });
  const batches = new ReplayedBatches(
    inBatches(pool, 1_000),
    STREAM_EVENTS / 1_000,
    (POOL_EVENTS / EVENTS_PER_SECOND) * 1_000,
  );
  return { pipeline, batches };
}

interface CheckReport {
  valuesPerRun: number;
  earlyFiringMs: number;
}

/** Child `check`: engine and baseline give the same values; the cost of one early firing. */
function check(): CheckReport {
  const { pipeline, batches } = workload();
  const engineCheck = runEngine(pipeline, batches);
  const baselineCheck = runBaseline(pipeline, batches);
  const relative = Math.abs(engineCheck.sum - baselineCheck.sum) / Math.max(1, Math.abs(baselineCheck.sum));
  if (engineCheck.values !== baselineCheck.values || relative > 1e-9) {
    throw new Error(`engine and baseline disagree: ${JSON.stringify({ engineCheck, baselineCheck })}`);
  }
  return { valuesPerRun: engineCheck.values, earlyFiringMs: earlyFiringMs(pipeline, batches) };
}

const WARMUP_ROUNDS = 2;
const ROUNDS_PER_CHILD = 3;
const CHILDREN_PER_TASK = 3;

/** Child `engine` or `baseline`: events/s of each measured round. */
function rates(task: Task): number[] {
  const { pipeline, batches } = workload();
  const run = task === 'engine' ? runEngine : runBaseline;
  return sampleRates(
    { [task]: () => (run(pipeline, batches), STREAM_EVENTS) } as Record<Task, () => number>,
    { warmup: WARMUP_ROUNDS, rounds: ROUNDS_PER_CHILD },
  )[task];
}

/**
 * Each task runs in children of its own, alternating (engine, baseline, baseline, engine, …), so
 * neither shares a heap, a GC schedule or JIT feedback with the other; round i of the engine's j-th
 * child pairs with round i of the baseline's j-th child for the paired ratio.
 */
/** Child `shared` (BENCH_PIPELINE_SHARED=1, to compare): both tasks interleaved in one process. */
function sharedRates(): Record<Task, number[]> {
  const { pipeline, batches } = workload();
  return sampleRates(
    {
      engine: () => (runEngine(pipeline, batches), STREAM_EVENTS),
      baseline: () => (runBaseline(pipeline, batches), STREAM_EVENTS),
    },
    { warmup: WARMUP_ROUNDS, rounds: ROUNDS_PER_CHILD * CHILDREN_PER_TASK },
  );
}

const SHARED = process.env.BENCH_PIPELINE_SHARED === '1';

export async function run(): Promise<BenchResult[]> {
  const command = await benchChildCommand(import.meta.url);
  const checked = runBenchChild<CheckReport>(command, [CHILD_FLAG, 'check']);
  const samples: Record<Task, number[]> = { engine: [], baseline: [] };
  if (SHARED) Object.assign(samples, runBenchChild<Record<Task, number[]>>(command, [CHILD_FLAG, 'shared']));
  for (let c = 0; !SHARED && c < CHILDREN_PER_TASK; c++) {
    const order: Task[] = c % 2 === 0 ? ['engine', 'baseline'] : ['baseline', 'engine'];
    for (const task of order) samples[task].push(...runBenchChild<number[]>(command, [CHILD_FLAG, task]));
  }
  const engineRate = median(samples.engine);
  const baselineRate = median(samples.baseline);
  const pipeline = contactCenterPipeline();
  return [
    {
      ...compared('pipeline.contact-center.throughput', 'events/s', engineRate, baselineRate),
      // The ratio quoted against the target: the median of per-round ratios (see pairedRatio).
      ratio: Math.round(pairedRatio(samples.engine, samples.baseline) * 1000) / 1000,
      ratioOfMedians: Math.round((engineRate / baselineRate) * 1000) / 1000,
      keys: 200,
      events: STREAM_EVENTS,
      pooledEvents: POOL_EVENTS,
      batchSize: 1_000,
      indicators: pipeline.indicators.length,
      windows: pipeline.windows.map((w) => w.name),
      valuesPerRun: checked.valuesPerRun,
      earlyFiringMs: Math.round(checked.earlyFiringMs * 10) / 10,
      numericStates: !OBJECT_STATES,
      runtime: benchChildRuntime(),
      rounds: SHARED
        ? `one process, ${ROUNDS_PER_CHILD * CHILDREN_PER_TASK} interleaved rounds per task`
        : `${CHILDREN_PER_TASK} children × ${ROUNDS_PER_CHILD} rounds per task`,
    },
  ];
}

if (process.argv.includes(CHILD_FLAG)) {
  // As `cxpulse` does at start (runtime-tuning.ts).
  applyHeapGrowth(Number(process.env.BENCH_HEAP_GROWTH ?? DEFAULT_CONFIG.runtime.heapGrowthPercent));
  const mode = process.argv[process.argv.indexOf(CHILD_FLAG) + 1];
  const report =
    mode === 'check'
      ? check()
      : mode === 'shared'
        ? sharedRates()
        : rates(mode === 'engine' ? 'engine' : 'baseline');
  process.stdout.write(`${JSON.stringify(report)}\n`);
}
