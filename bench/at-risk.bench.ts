/**
 * The at-risk tracker with 1 000 000 distinct customers live in its lookback.
 *
 * Workload: 3 000 000 events over 20 hours of event time (the lookback is a day, so no customer
 * expires), customers visited in a scrambled cycle so every one of the million appears within the
 * first million events (each first as a queued contact) and again twice later; a contact-centre mix (queued 40 %, answered 25 %,
 * abandoned 15 %, touchpoint events 10 % with a fifth failing, surveys 10 % after the first visit), 10 % VIP. Events come
 * in source-sized batches of 1 000, made just before their batch as a decoder would, and dropped
 * after it. The rules are pipelines/at-risk.yaml's.
 *
 * Reported: events/s through `processBatch` (generation not timed) as `value`; `rss_mb`, resident
 * memory after a full GC with the million customers held (target ≤ 400 MB), measured in a child
 * process (`--expose-gc`, this file bundled to plain JavaScript by esbuild as pipeline-memory does,
 * heap growth capped as `cxpulse run` caps it at start).
 */
import { AtRiskTracker } from '../src/analytics/at-risk/at-risk-tracker.js';
import type { WorkOrder } from '../src/analytics/at-risk/work-order.js';
import { DEFAULT_CONFIG } from '../src/config/app-config.js';
import { loadPipelineFile } from '../src/config/pipeline-loader.js';
import type { CxEvent } from '../src/events/types.js';
import { applyHeapGrowth } from '../src/runtime-tuning.js';
import { createPseudonymiser } from '../src/sinks/clickhouse/pseudonymiser.js';
import { lcg, rssAfterGc, runBatchEngine, type BatchEngineReport } from './batch-engine-run.js';
import type { BenchResult } from './harness.js';
import { benchChildCommand, benchChildRuntime, runBenchChild } from './bench-child.js';

export const name = 'at-risk';

const CHILD_FLAG = '--at-risk-child';
const CUSTOMERS = 1_000_000;
const EVENTS = 3_000_000;
const BATCH = 1_000;
const EVENT_TIME_MS = 20 * 3_600_000;
const START = Date.UTC(2026, 0, 5, 2);

interface ChildReport extends BatchEngineReport {
  customers: number;
}

function makeBatch(from: number, random: () => number): CxEvent[] {
  const events: CxEvent[] = [];
  for (let i = from; i < from + BATCH; i++) {
    // 7919 is prime to the customer count: the cycle visits every customer once per million events.
    const customer = (i * 7919) % CUSTOMERS;
    const customerId = `cu-${customer.toString(36)}`;
    const segment = customer % 10 === 0 ? 'vip' : 'standard';
    const ts = START + Math.floor((i / EVENTS) * EVENT_TIME_MS);
    const id = `e${i}`;
    // A customer's first event is a contact, so all million are held from the first cycle on.
    const u = i < CUSTOMERS ? 0 : random();
    const contact = {
      id,
      ts,
      channel: 'voice' as const,
      queue: 'billing/voice',
      contactId: `k${i}`,
      customerId,
      segment,
    };
    if (u < 0.4) events.push({ ...contact, type: 'contact.queued' });
    else if (u < 0.65)
      events.push({ ...contact, type: 'contact.answered', waitMs: Math.floor(random() * 300_000) });
    else if (u < 0.8)
      events.push({ ...contact, type: 'contact.abandoned', waitMs: Math.floor(random() * 300_000) });
    else if (u < 0.9) {
      events.push({
        id,
        ts,
        type: 'touchpoint.event',
        journeyId: `j${i}`,
        journey: 'payment',
        stage: 'pay',
        touchpoint: 'payment-gateway',
        outcome: random() < 0.2 ? 'failure' : 'success',
        latencyMs: 900,
        customerId,
        segment,
      });
    } else
      events.push({
        id,
        ts,
        type: 'survey.response',
        csat: 1 + Math.floor(random() * 5),
        customerId,
        segment,
      });
  }
  return events;
}

function measure(): ChildReport {
  const rssBefore = rssAfterGc();
  const pipeline = loadPipelineFile('pipelines/at-risk.yaml');
  const tracker = new AtRiskTracker({
    pipeline: pipeline.name,
    rules: pipeline.atRisk!,
    pseudonymise: createPseudonymiser('bench-secret'),
  });
  const random = lcg(42);
  const report = runBatchEngine<WorkOrder>({
    events: EVENTS,
    batchSize: BATCH,
    rssBefore,
    makeBatch: (done) => makeBatch(done, random),
    process: (batch, out) => tracker.processBatch(batch, out),
  });
  return { ...report, customers: tracker.size };
}

export async function run(): Promise<BenchResult[]> {
  const command = await benchChildCommand(import.meta.url);
  const r = runBenchChild<ChildReport>(command, [CHILD_FLAG]);
  return [
    {
      name: 'at-risk.tracker.1m-customers',
      value: r.eventsPerSecond,
      unit: 'events/s',
      rss_mb: r.rssMB,
      rss_target_mb: 400,
      customers: r.customers,
      events: EVENTS,
      workOrders: r.outputs,
      heapUsedMB: r.heapUsedMB,
      peakRssMB: r.peakRssMB,
      rssBeforeMB: r.rssBeforeMB,
      processSeconds: r.processSeconds,
      runtime: benchChildRuntime(),
      heapGrowthPercent: Number(process.env.BENCH_HEAP_GROWTH ?? DEFAULT_CONFIG.runtime.heapGrowthPercent),
    },
  ];
}

if (process.argv.includes(CHILD_FLAG)) {
  // As `cxpulse run` does at start (src/cli/serve-commands.ts).
  applyHeapGrowth(Number(process.env.BENCH_HEAP_GROWTH ?? DEFAULT_CONFIG.runtime.heapGrowthPercent));
  process.stdout.write(`${JSON.stringify(measure())}\n`);
}
