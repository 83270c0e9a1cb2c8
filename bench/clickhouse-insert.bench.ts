/**
 * Sustained insert throughput into ClickHouse through our writer versus a bare @clickhouse/client
 * insert of the same rows, same run, same server.
 *
 * - `clickhouse-insert-<table>` (the target's comparison): our batch writer on the already-mapped
 *   rows, written in Kafka-sized batches of 500, all at once, timed until every write has resolved
 *   (every row stored): batching, the bounded buffer, two concurrent inserts, RowBinary encoding.
 * - `clickhouse-insert-<table>-sink`: the whole sink, `writeEvents` / `writeValues` on domain
 *   objects, so row mapping and (for interactions) HMAC pseudonymisation are included.
 * - Baseline of both (`baseline`): the mapped rows as bare 10 000-row RowBinary inserts through
 *   `client.exec`, one after the other, each body encoded by the same row encoder the sink uses
 *   (the client has no RowBinary encoder of its own): the least any writer in this format must do.
 * - `clickhouse-insert-<table>-bare-json`: the same rows as bare 10 000-row
 *   `client.insert({ format: 'JSONEachRow' })` calls, the figure the 150 000 rows/s is
 *   about; its `ratio` is to the RowBinary baseline.
 * Each measurement truncates the table first; the four are interleaved per round; medians reported.
 * Every round has new contact ids (a contact's events come within minutes, never again), customers
 * come from one population of 20 000 (they repeat): so the sink pays the HMAC of the new ids each
 * round, as it would live, and not a cache warmed by the previous round's identical ids.
 * `loadavg` is the 1-minute load average before and after each table's rounds (2 cores here).
 *
 * Targets (docs/storage.md): ratio ≥ 0.8, and ≥ 150 000 rows/s into `interactions`.
 * Needs a ClickHouse: CLICKHOUSE_URL, else the project's services are started and released after.
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { Readable } from 'node:stream';
import { createClient } from '@clickhouse/client';
import { releaseLease, servicesUp } from '../scripts/lib/services.js';
import { decodeEvent } from '../src/events/decode.js';
import type { CxEvent } from '../src/events/types.js';
import { createBatchWriter } from '../src/sinks/clickhouse/batch-writer.js';
import { createClickHouseSink } from '../src/sinks/clickhouse/clickhouse-sink.js';
import { connectClickHouse } from '../src/sinks/clickhouse/connection.js';
import { createPseudonymiser } from '../src/sinks/clickhouse/pseudonymiser.js';
import {
  indicatorValueEncoder,
  interactionEncoder,
  type RowEncoder,
} from '../src/sinks/clickhouse/row-encoders.js';
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

/**
 * Events as the sink receives them: through the decoder (JSON.parse), not as object literals built
 * by spreading a base (V8 keeps those in a slow dictionary form: mapping them cost 8–16 µs a row
 * against 0.5 µs for decoded events, which measured the benchmark, not the sink).
 */
function makeEvents(count: number, now: number, round: number): CxEvent[] {
  return makeEventLiterals(count, now, round).map((literal) => {
    const decoded = decodeEvent(JSON.stringify(literal), { now });
    if (!decoded.ok) throw new Error(`bench event does not decode: ${decoded.detail}`);
    return decoded.event;
  });
}

function makeEventLiterals(count: number, now: number, round: number): CxEvent[] {
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
        contactId: `c-${round}-${Math.floor(i / 3)}`,
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
    const connection = connectClickHouse({ url });
    try {
      const { capabilities } = await sink.migrate();
      const now = Date.now();
      const p = createPseudonymiser(SECRET);
      const values = makeValues(ROWS, now);
      const valueRows = values.map((v) => indicatorValueRow(v, now));

      const bareRowBinary =
        <Row>(table: string, encoder: RowEncoder<Row>, rows: readonly Row[]) =>
        async () => {
          const columns = encoder.columns.map(([c]) => `\`${c}\``).join(', ');
          for (let i = 0; i < rows.length; i += BARE_BATCH) {
            const result = await client.exec({
              query: `INSERT INTO ${database}.${table} (${columns}) FORMAT RowBinary`,
              values: Readable.from([encoder.encode(rows.slice(i, i + BARE_BATCH))], { objectMode: false }),
            });
            for await (const chunk of result.stream) void chunk;
          }
        };
      const bareJson = (table: string, rows: readonly object[]) => async () => {
        for (let i = 0; i < rows.length; i += BARE_BATCH) {
          await client.insert({
            table: `${database}.${table}`,
            values: rows.slice(i, i + BARE_BATCH) as object[],
            format: 'JSONEachRow',
          });
        }
      };
      // Our batch writer alone, on the already-mapped rows, inserting the way the sink does.
      const writerFor = <Row>(table: 'interactions' | 'indicator_values', encoder: RowEncoder<Row>) => {
        const columns = encoder.columns.map(([c]) => c);
        const target = qualified(database, table);
        return createBatchWriter<Row>({
          table,
          insert: (rows) => connection.insertRowBinary(target, columns, encoder.encode(rows)),
        });
      };
      const writers = {
        interactions: writerFor('interactions', interactionEncoder),
        indicator_values: writerFor('indicator_values', indicatorValueEncoder),
      };
      const inKafkaBatches = (write: (from: number, to: number) => Promise<void>) => () =>
        Promise.all(
          Array.from({ length: ROWS / KAFKA_BATCH }, (_, b) => write(b * KAFKA_BATCH, (b + 1) * KAFKA_BATCH)),
        );
      type Task = 'writer' | 'sink' | 'bare' | 'bareJson';
      const tasksFor = (
        table: 'interactions' | 'indicator_values',
        round: number,
      ): Record<Task, () => Promise<unknown>> => {
        if (table === 'indicator_values') {
          return {
            writer: inKafkaBatches((a, b) => writers.indicator_values.write(valueRows.slice(a, b))),
            sink: inKafkaBatches((a, b) => sink.writeValues(values.slice(a, b))),
            bare: bareRowBinary(table, indicatorValueEncoder, valueRows),
            bareJson: bareJson(table, valueRows),
          };
        }
        const events = makeEvents(ROWS, now, round);
        const eventRows = events.map((e) => interactionRow(e, p));
        return {
          writer: inKafkaBatches((a, b) => writers.interactions.write(eventRows.slice(a, b))),
          sink: inKafkaBatches((a, b) => sink.writeEvents(events.slice(a, b))),
          bare: bareRowBinary(table, interactionEncoder, eventRows),
          bareJson: bareJson(table, eventRows),
        };
      };

      const results: BenchResult[] = [];
      try {
        for (const table of ['interactions', 'indicator_values'] as const) {
          const samples: Record<Task, number[]> = { writer: [], sink: [], bare: [], bareJson: [] };
          const loadBefore = loadavg()[0]!;
          for (let round = 0; round < WARMUP + ROUNDS; round++) {
            const tasks = tasksFor(table, round);
            for (const which of ['writer', 'sink', 'bare', 'bareJson'] as const) {
              await client.command({ query: `TRUNCATE TABLE ${database}.${table}` });
              const seconds = await timed(tasks[which]);
              if (round >= WARMUP) samples[which].push(ROWS / seconds);
            }
          }
          const extra = {
            rows: ROWS,
            rounds: ROUNDS,
            format: 'RowBinary',
            server: capabilities.version,
            loadavg: [loadBefore, loadavg()[0]!].map((l) => Math.round(l * 10) / 10),
          };
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
            compared(`clickhouse-insert-${table}-bare-json`, 'rows/s', median(samples.bareJson), bareRate, {
              ...extra,
              format: 'JSONEachRow',
              samples: samples.bareJson.map(Math.round),
              writerRatio: Math.round((median(samples.writer) / median(samples.bareJson)) * 1000) / 1000,
            }),
          );
        }
      } finally {
        await Promise.all([writers.interactions.close(), writers.indicator_values.close()]);
      }
      return results;
    } finally {
      await sink.close({ timeoutMs: 5000 });
      await connection.close();
      await client.command({ query: `DROP DATABASE IF EXISTS ${database}` }).catch(() => {});
      await client.close();
    }
  });
}
