/**
 * The usage forecaster with 1 000 000 distinct accounts live.
 *
 * Workload: 5 000 000 account.usage reports over 5 days of event time (expireAfter is 30 days, so
 * no account expires), accounts visited in a scrambled cycle so every one of the million reports
 * once per cycle, one cycle a day: each account's series crosses four day buckets, its Holt state
 * is stepped and, from the fourth day on, projected over the week at every report. Usage 10–30 per
 * report; one account in ten starts with a balance its week will not cover, so it is notified once.
 * Reports come in source-sized batches of 1 000, made just before their batch as a decoder would,
 * and dropped after it. The definition is pipelines/proactive-care.yaml's (series by metric).
 *
 * Reported: events/s through `processBatch` (generation not timed) as `value`; `rss_mb`, resident
 * memory after a full GC with the million accounts held, measured in a child process
 * (`--expose-gc`, this file bundled to plain JavaScript by esbuild, heap growth capped as
 * `cxpulse run` caps it at start), like the at-risk benchmark.
 */
import type { ProactiveNotification } from '../src/analytics/proactive/proactive-notification.js';
import { UsageForecaster } from '../src/analytics/proactive/usage-forecaster.js';
import { DEFAULT_CONFIG } from '../src/config/app-config.js';
import { loadPipelineFile } from '../src/config/pipeline-loader.js';
import type { CxEvent } from '../src/events/types.js';
import { applyHeapGrowth } from '../src/runtime-tuning.js';
import { createPseudonymiser } from '../src/sinks/clickhouse/pseudonymiser.js';
import { lcg, rssAfterGc, runBatchEngine, type BatchEngineReport } from './batch-engine-run.js';
import type { BenchResult } from './harness.js';
import { benchChildCommand, benchChildRuntime, runBenchChild } from './bench-child.js';

export const name = 'proactive-care';

const CHILD_FLAG = '--proactive-care-child';
const ACCOUNTS = 1_000_000;
const DAYS = 5;
const EVENTS = ACCOUNTS * DAYS;
const BATCH = 1_000;
const DAY_MS = 86_400_000;
const START = Date.UTC(2026, 0, 5);

interface ChildReport extends BatchEngineReport {
  accounts: number;
}

function makeBatch(from: number, random: () => number, balances: Float64Array): CxEvent[] {
  const events: CxEvent[] = [];
  for (let i = from; i < from + BATCH; i++) {
    // 7919 is prime to the account count: the cycle visits every account once per million events.
    const account = (i * 7919) % ACCOUNTS;
    const day = Math.floor(i / ACCOUNTS);
    const ts = START + day * DAY_MS + Math.floor(((i % ACCOUNTS) / ACCOUNTS) * DAY_MS);
    const used = 10 + Math.floor(random() * 21);
    const remaining = (balances[account] = balances[account]! - used);
    events.push({
      id: `e${i}`,
      type: 'account.usage',
      ts,
      accountId: `acc-${account.toString(36)}`,
      segment: 'prepaid',
      metric: 'data-mb',
      used,
      remaining,
    });
  }
  return events;
}

function measure(): ChildReport {
  const rssBefore = rssAfterGc();
  const pipeline = loadPipelineFile('pipelines/proactive-care.yaml');
  const forecaster = new UsageForecaster({
    pipeline: pipeline.name,
    care: pipeline.proactiveCare!,
    pseudonymise: createPseudonymiser('bench-secret'),
  });
  // A week at about 20 a day is 140; one account in ten has 200 at first, the rest plenty.
  const balances = new Float64Array(ACCOUNTS).map((_, a) => (a % 10 === 0 ? 200 : 100_000));
  const random = lcg(42);
  const report = runBatchEngine<ProactiveNotification>({
    events: EVENTS,
    batchSize: BATCH,
    rssBefore,
    makeBatch: (done) => makeBatch(done, random, balances),
    process: (batch, out) => forecaster.processBatch(batch, out),
  });
  return { ...report, accounts: forecaster.size };
}

export async function run(): Promise<BenchResult[]> {
  const command = await benchChildCommand(import.meta.url);
  const r = runBenchChild<ChildReport>(command, [CHILD_FLAG]);
  return [
    {
      name: 'proactive-care.forecaster.1m-accounts',
      value: r.eventsPerSecond,
      unit: 'events/s',
      rss_mb: r.rssMB,
      accounts: r.accounts,
      events: EVENTS,
      notifications: r.outputs,
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
