/**
 * Sustained insert throughput into ClickHouse through our writer versus a bare @clickhouse/client
 * insert of the same rows, same run, same server.
 *
 * - `clickhouse-insert-<table>` (the target's comparison): our batch writer on the already-mapped
 *   rows, written in Kafka-sized batches of 500, all at once, timed until every write has resolved
 *   (every row stored): batching, the bounded buffer, two concurrent inserts.
 * - `clickhouse-insert-<table>-sink`: the whole sink, `writeEvents` / `writeValues` on domain
 *   objects, so row mapping and (for interactions) HMAC pseudonymisation are included.
 * - Baseline of both: the mapped rows sent with `client.insert({ format: 'JSONEachRow' })` in
 *   10 000-row batches, one after the other: the least any writer must do.
 * Each measurement truncates the table first; the three are interleaved per round; medians reported.
 *
 * Targets (docs/storage.md): ratio ≥ 0.8, and ≥ 150 000 rows/s into `interactions`.
 * Needs a ClickHouse: CLICKHOUSE_URL, else the project's services are started and released after.
 */
import { randomBytes } from 'node:crypto';
import { createClient } from '@clickhouse/client';
import { releaseLease, servicesUp } from '../scripts/lib/services.js';
import type { CxEvent } from '../src/events/types.js';
import { createBatchWriter } from '../src/sinks/clickhouse/batch-writer.js';
import { createClickHouseSink } from '../src/sinks/clickhouse/clickhouse-sink.js';
import { connectClickHouse } from '../src/sinks/clickhouse/connection.js';
import { createPseudonymiser } from '../src/sinks/clickhouse/pseudonymiser.js';
import { indicatorValueRow, interactionRow } from '../src/sinks/clickhouse/rows.js';
import { qualified } from '../src/sinks/clickhouse/sql.js';
import type { IndicatorValue } from '../src/windows/indicator-value.js';
import { compared, median, type BenchResult } from './harness.js';

export const name = 'clickhouse-insert';

const ROWS = 100_000;
const KAFKA_BATCH = 500;
const BARE_BATCH = 10_000;
const WARMUP = 1;
const ROUNDS = 5;
const SECRET = 'bench-secret';

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function makeEvents(count: number, now: number): CxEvent[] {
  const rnd = mulberry32(7);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const queues = ['billing', 'tech-support', 'sales', 'retention', 'onboarding'];
  const events: CxEvent[] = [];
  for (let i = 0; i < count; i++) {
    const base = {
      id: `evt-${i}-${int(1e8, 9e8)}`,
      ts: now - int(0, 3_600_000),
      region: pick(['eu-west', 'us-east', 'apac']),
      segment: rnd() < 0.2 ? 'vip' : 'standard',
    };
    const r = rnd();
    if (r < 0.5) {
      events.push({
        ...base,
        type: pick(['contact.queued', 'contact.answered', 'contact.abandoned', 'contact.ended'] as const),
        channel: pick(['voice', 'chat', 'email'] as const),
        queue: pick(queues),
        // A contact is queued, answered and ended: about three events per contact id.
        contactId: `c-${Math.floor(i / 3)}`,
        customerId: `cust-${int(1, 20_000)}`,
        waitMs: int(0, 600_000),
        talkMs: int(0, 900_000),
        agentId: `agent-${int(100, 999)}`,
        resolved: rnd() < 0.7,
      });
    } else if (r < 0.65) {
      events.push({
        ...base,
        type: 'agent.state',
        agentId: `agent-${int(100, 999)}`,
        team: pick(['north', 'south']),
        queues: [pick(queues), pick(queues)],
        state: pick(['available', 'busy', 'wrap', 'away'] as const),
      });
    } else if (r < 0.8) {
      events.push({
        ...base,
        type: 'survey.response',
        csat: int(1, 5),
        nps: int(0, 10),
        comment: rnd() < 0.3 ? 'the agent was helpful but the wait was long' : undefined,
        tags: ['wait', 'agent'],
        queue: pick(queues),
        customerId: `cust-${int(1, 20_000)}`,
      });
    } else {
      events.push({
        ...base,
        type: 'touchpoint.event',
        journeyId: `j-${int(1e6, 9e6)}`,
        journey: pick(['payment', 'sign-up']),
        stage: pick(['start', 'verify', 'confirm']),
        stageIndex: int(0, 2),
        stageCount: 3,
        touchpoint: pick(['web-checkout', 'app-login']),
        outcome: pick(['success', 'success', 'failure'] as const),
        latencyMs: int(20, 3000),
        customerId: `cust-${int(1, 20_000)}`,
      });
    }
  }
  return events;
}

function makeValues(count: number, now: number): IndicatorValue[] {
  const values: IndicatorValue[] = [];
  const start = Math.floor(now / 60_000) * 60_000 - 86_400_000;
  const indicators = ['service_level', 'asa_seconds', 'abandonment_rate', 'csat', 'aht_seconds'];
  for (let i = 0; i < count; i++) {
    const queue = `q${i % 40}`;
    values.push({
      pipeline: 'calls',
      indicator: indicators[i % indicators.length]!,
      window: '1m',
      key: { queue, channel: 'voice' },
      keyId: `channel=voice,queue=${queue}`,
      windowStart: start + Math.floor(i / 200) * 60_000,
      windowEnd: start + Math.floor(i / 200) * 60_000 + 60_000,
      value: (i % 97) / 97,
      numerator: i % 97,
      denominator: 97,
      samples: 97,
      quantiles: i % 5 === 1 ? { p50: 12, p90: 40, p99: 95 } : undefined,
      kind: 'final',
      version: 1,
    });
  }
  return values;
}

async function withClickHouse<T>(body: (url: string) => Promise<T>): Promise<T> {
  const external = process.env.CLICKHOUSE_URL;
  if (external) return body(external);
  const lease = process.pid;
  const up = await servicesUp({ lease, log: (m) => process.stderr.write(`services: ${m}\n`) });
  try {
    return await body(up.env.CLICKHOUSE_URL);
  } finally {
    await releaseLease(lease);
  }
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

export async function run(): Promise<BenchResult[]> {
  return withClickHouse(async (url) => {
    const database = `cxpulse_bench_${randomBytes(4).toString('hex')}`;
    const client = createClient({ url });
    const sink = createClickHouseSink({ url, database, secret: SECRET, retentionDays: 0 });
    try {
      const { capabilities } = await sink.migrate();
      const now = Date.now();
      const events = makeEvents(ROWS, now);
      const values = makeValues(ROWS, now);
      const p = createPseudonymiser(SECRET);
      const eventRows = events.map((e) => interactionRow(e, p));
      const valueRows = values.map((v) => indicatorValueRow(v, now));

      const bare = (table: string, rows: readonly object[]) => async () => {
        for (let i = 0; i < rows.length; i += BARE_BATCH) {
          await client.insert({
            table: `${database}.${table}`,
            values: rows.slice(i, i + BARE_BATCH) as object[],
            format: 'JSONEachRow',
          });
        }
      };
      // Our batch writer alone, on the already-mapped rows: the comparison the targets are about.
      const connection = connectClickHouse({ url });
      const writerFor = (table: 'interactions' | 'indicator_values') =>
        createBatchWriter<object>({
          table,
          insert: (rows) => connection.insert(qualified(database, table), rows),
        });
      const writers = {
        interactions: writerFor('interactions'),
        indicator_values: writerFor('indicator_values'),
      };
      const inKafkaBatches = (write: (from: number, to: number) => Promise<void>) => () =>
        Promise.all(
          Array.from({ length: ROWS / KAFKA_BATCH }, (_, b) => write(b * KAFKA_BATCH, (b + 1) * KAFKA_BATCH)),
        );
      const tasks = {
        interactions: {
          writer: inKafkaBatches((a, b) => writers.interactions.write(eventRows.slice(a, b))),
          sink: inKafkaBatches((a, b) => sink.writeEvents(events.slice(a, b))),
          bare: bare('interactions', eventRows),
        },
        indicator_values: {
          writer: inKafkaBatches((a, b) => writers.indicator_values.write(valueRows.slice(a, b))),
          sink: inKafkaBatches((a, b) => sink.writeValues(values.slice(a, b))),
          bare: bare('indicator_values', valueRows),
        },
      };

      const results: BenchResult[] = [];
      try {
        for (const table of ['interactions', 'indicator_values'] as const) {
          const samples = { writer: [] as number[], sink: [] as number[], bare: [] as number[] };
          for (let round = 0; round < WARMUP + ROUNDS; round++) {
            for (const which of ['writer', 'sink', 'bare'] as const) {
              await client.command({ query: `TRUNCATE TABLE ${database}.${table}` });
              const seconds = await timed(tasks[table][which]);
              if (round >= WARMUP) samples[which].push(ROWS / seconds);
            }
          }
          const extra = { rows: ROWS, rounds: ROUNDS, server: capabilities.version };
          const bareRate = median(samples.bare);
          results.push(
            compared(`clickhouse-insert-${table}`, 'rows/s', median(samples.writer), bareRate, {
              ...extra,
              samples: samples.writer.map(Math.round),
              bareSamples: samples.bare.map(Math.round),
            }),
            compared(`clickhouse-insert-${table}-sink`, 'rows/s', median(samples.sink), bareRate, {
              ...extra,
              samples: samples.sink.map(Math.round),
            }),
          );
        }
      } finally {
        await Promise.all([writers.interactions.close(), writers.indicator_values.close()]);
        await connection.close();
      }
      return results;
    } finally {
      await sink.close({ timeoutMs: 5000 });
      await client.command({ query: `DROP DATABASE IF EXISTS ${database}` }).catch(() => {});
      await client.close();
    }
  });
}
