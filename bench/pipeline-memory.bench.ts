/**
 * Resident memory of the window engine holding 10 000 live keys.
 *
 * Workload: the contact-centre pipeline (its 9 count/rate/mean indicators, windows 1m, 5m/10s,
 * 15m/1m, correction horizon 1 h; maxKeys raised from 5 000 to 20 000 for the test), 2 000 queues ×
 * 5 channels, `eventsPerSecond` of event time spread evenly over the keys, run for 80 minutes of
 * event time so that the retained panes (horizon + largest window) reach their steady state.
 *
 * After every batch of 1 000 events (5 s of event time) the engine also fires early, as the operator
 * does every `earlyFiringIntervalMs` of processing time. Values reach the consumer as the operator
 * emits them (ValueChunker, at most DEFAULT_MAX_VALUES_PER_EMIT per array); the consumer reads every
 * value (counts them) and drops the array, as a sink would once it has encoded it.
 *
 * Measured in a child process (`--expose-gc`, nothing else loaded, compiled JavaScript as in
 * production — see bench-child.ts): RSS after a full GC, in MB; also
 * the live heap (heapUsed), what the heap still reserves (heapTotal), and the peak RSS during the run.
 * `BENCH_OBJECT_STATES=1` keeps every pane state an object (WindowEngineTuning.numericStates false),
 * to compare with numeric pane states in one session.
 */
import { getHeapSpaceStatistics } from 'node:v8';
import { DEFAULT_CONFIG } from '../src/config/app-config.js';
import { applyHeapGrowth } from '../src/runtime-tuning.js';
import type { IndicatorValue } from '../src/windows/indicator-value.js';
import { DEFAULT_MAX_VALUES_PER_EMIT, ValueChunker } from '../src/windows/value-chunker.js';
import { WindowEngine } from '../src/windows/window-engine.js';
import {
  contactCenterAccumulators,
  contactCenterEvents,
  contactCenterPipeline,
} from './contact-center-workload.js';
import type { BenchResult } from './harness.js';
import { benchChildCommand, benchChildRuntime, runBenchChild } from './bench-child.js';

export const name = 'pipeline-memory';

const CHILD_FLAG = '--pipeline-memory-child';
const QUEUES = 2_000;
const CHANNELS = 5;
const EVENT_TIME_MINUTES = 80;
const NUMERIC_STATES = process.env.BENCH_OBJECT_STATES !== '1';

interface ChildReport {
  rssMB: number;
  heapUsedMB: number;
  heapTotalMB: number;
  peakRssMB: number;
  maxValuesPerBatch: number;
  maxValuesPerEmit: number;
  valuesReceived: number;
  /** Per V8 heap space with anything committed: `committed/used` MB (where heapTotal goes). */
  heapSpacesMB: Record<string, string>;
  rssBeforeMB: number;
  liveKeys: number;
  livePanes: number;
  events: number;
}

function measure(eventsPerSecond: number): ChildReport {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const rssBefore = process.memoryUsage().rss;
  const pipeline = contactCenterPipeline({ maxKeys: 20_000 });
  const engine = new WindowEngine(pipeline, contactCenterAccumulators(pipeline), undefined, {
    numericStates: NUMERIC_STATES,
  });
  let received = 0;
  let perBatch = 0;
  let maxPerEmit = 0;
  const out = new ValueChunker(DEFAULT_MAX_VALUES_PER_EMIT, (values: IndicatorValue[]) => {
    if (values.length > maxPerEmit) maxPerEmit = values.length;
    for (const v of values) if (v.version >= 0) received++;
    perBatch += values.length;
  });
  const total = EVENT_TIME_MINUTES * 60 * eventsPerSecond;
  // One source batch at a time (a Kafka fetch of one partition holds about this many), dropped once
  // processed as the source drops it: events generated ahead and held across batches would outlive
  // young-generation collections and leave garbage in the old generation that production never has.
  const batchSize = 1_000;
  let peakRss = 0;
  let maxValues = 0;
  const startTs = Date.UTC(2026, 0, 5, 8);
  for (let done = 0, seed = 1; done < total; done += batchSize, seed++) {
    const events = contactCenterEvents({
      events: batchSize,
      queues: QUEUES,
      channels: CHANNELS,
      eventsPerSecond,
      disorderMs: 5_000,
      startTs: startTs + (done * 1000) / eventsPerSecond,
      seed,
    });
    perBatch = 0;
    engine.processBatch(events, out);
    out.flush();
    engine.fireEarly(out);
    out.flush();
    if (perBatch > maxValues) maxValues = perBatch;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  gc?.();
  gc?.();
  const mem = process.memoryUsage();
  const mb = (bytes: number): number => Math.round(bytes / 1e5) / 10;
  const heapSpacesMB: Record<string, string> = {};
  for (const space of getHeapSpaceStatistics()) {
    if (space.space_size > 0) {
      heapSpacesMB[space.space_name] = `${mb(space.space_size)}/${mb(space.space_used_size)}`;
    }
  }
  return {
    rssMB: Math.round(mem.rss / 1e5) / 10,
    heapUsedMB: Math.round(mem.heapUsed / 1e5) / 10,
    heapTotalMB: Math.round(mem.heapTotal / 1e5) / 10,
    peakRssMB: Math.round(peakRss / 1e5) / 10,
    maxValuesPerBatch: maxValues,
    maxValuesPerEmit: maxPerEmit,
    valuesReceived: received,
    heapSpacesMB,
    rssBeforeMB: Math.round(rssBefore / 1e5) / 10,
    liveKeys: engine.liveKeys,
    livePanes: engine.livePaneCount,
    events: total,
  };
}

export async function run(): Promise<BenchResult[]> {
  const command = await benchChildCommand(import.meta.url);
  return [200].map((eventsPerSecond) => {
    const r = runBenchChild<ChildReport>(command, [CHILD_FLAG, String(eventsPerSecond)]);
    return {
      name: `pipeline.contact-center.rss.${eventsPerSecond}eps`,
      value: r.rssMB,
      unit: 'MB',
      target: 250,
      eventsPerSecond,
      numericStates: NUMERIC_STATES,
      runtime: benchChildRuntime(),
      heapGrowthPercent: Number(process.env.BENCH_HEAP_GROWTH ?? DEFAULT_CONFIG.runtime.heapGrowthPercent),
      eventsPerKeyPerPane: (eventsPerSecond * 10) / (QUEUES * CHANNELS),
      heapUsedMB: r.heapUsedMB,
      heapTotalMB: r.heapTotalMB,
      peakRssMB: r.peakRssMB,
      maxValuesPerBatch: r.maxValuesPerBatch,
      maxValuesPerEmit: r.maxValuesPerEmit,
      valuesReceived: r.valuesReceived,
      heapSpacesMB: r.heapSpacesMB,
      rssBeforeMB: r.rssBeforeMB,
      liveKeys: r.liveKeys,
      livePanes: r.livePanes,
      events: r.events,
    };
  });
}

if (process.argv.includes(CHILD_FLAG)) {
  // As `cxpulse run` does at start; BENCH_HEAP_GROWTH=0 measures V8's default heap growth instead.
  applyHeapGrowth(Number(process.env.BENCH_HEAP_GROWTH ?? DEFAULT_CONFIG.runtime.heapGrowthPercent));
  const eventsPerSecond = Number(process.argv[process.argv.indexOf(CHILD_FLAG) + 1]);
  process.stdout.write(`${JSON.stringify(measure(eventsPerSecond))}\n`);
}
