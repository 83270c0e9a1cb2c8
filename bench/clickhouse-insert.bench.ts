/**
 * Sustained insert throughput into ClickHouse through our writer versus a bare @clickhouse/client
 * insert of the same rows, same run, same server.
 *
 * What each side does (timed from the first write to the last stored row):
 * - baseline (`baseline`): rows already mapped and pseudonymised before timing; bare 10 000-row
 *   RowBinary inserts through `client.exec`, one after the other, each body encoded inside the
 *   timing by the same row encoder the sink uses (the client has no RowBinary encoder of its own):
 *   the least any writer in this format must do.
 * - `clickhouse-insert-<table>` (the target's comparison): our batch writer on the same
 *   already-mapped, already-pseudonymised rows, written in Kafka-sized batches of 500, all at once:
 *   batching, the bounded buffer, RowBinary encoding, the default number of concurrent inserts.
 *   `-writer-concurrency-<n>` is the writer with the other setting, measured in the same rounds.
 * - `clickhouse-insert-<table>-sink`: the whole sink, `writeEvents` / `writeValues` on domain
 *   objects: on top of the writer's work it maps every event and (interactions) computes the HMAC
 *   pseudonym of every id it has not seen yet, work the baseline was handed done. `costUsPerRow`
 *   splits that work, measured in-process without a server.
 * - `clickhouse-insert-<table>-bare-json`: the same rows as bare 10 000-row
 *   `client.insert({ format: 'JSONEachRow' })` calls, the figure the 150 000 rows/s is
 *   about; its `ratio` is to the RowBinary baseline.
 * Each measurement truncates the table and collects garbage first. Per round every task runs once,
 * the baseline in the middle, in reverse order on odd rounds (a slow stretch or a position effect
 * falls on both sides of a comparison alike).
 * `ratio` is the median of the per-round ratios (`pairedRatio`: a noisy neighbour slows both
 * members of a round's pair); `ratioOfMedians` is median(ours) / median(baseline), kept for
 * comparison with older runs.
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
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createClient } from '@clickhouse/client';
import { releaseLease, servicesUp } from '../scripts/lib/services.js';
import { decodeEvent } from '../src/events/decode.js';
import type { CxEvent } from '../src/events/types.js';
import { createBatchWriter, DEFAULT_MAX_CONCURRENT_INSERTS } from '../src/sinks/clickhouse/batch-writer.js';
import { createClickHouseSink } from '../src/sinks/clickhouse/clickhouse-sink.js';
import { connectClickHouse } from '../src/sinks/clickhouse/connection.js';
import { createPseudonymiser } from '../src/sinks/clickhouse/pseudonymiser.js';
import {
  encodeInteractionEvents,
  indicatorValueEncoder,
  interactionEncoder,
  type RowEncoder,
} from '../src/sinks/clickhouse/row-encoders.js';
import { indicatorValueRow, interactionRow, type InteractionRow } from '../src/sinks/clickhouse/rows.js';
import { qualified } from '../src/sinks/clickhouse/sql.js';
import type { IndicatorValue } from '../src/windows/indicator-value.js';
import { compared, median, pairedRatio, type BenchResult } from './harness.js';

export const name = 'clickhouse-insert';

const ROWS = 100_000;
const KAFKA_BATCH = 500;
const BARE_BATCH = 10_000;
const WARMUP = 1;
const ROUNDS = 7;
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

/**
 * Microseconds per item of a synchronous step, the fastest of a few runs (no server involved).
 * `prepare` runs untimed before each run and hands the step its input.
 */
function microsPerItem<C = void>(items: number, step: (context: C) => unknown, prepare?: () => C): number {
  let best = Infinity;
  for (let r = 0; r < 3; r++) {
    const context = prepare?.() as C;
    const start = process.hrtime.bigint();
    step(context);
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e3 / items);
  }
  return Math.round(best * 100) / 100;
}

/**
 * A full collection before each timed task, so that no task pays for the garbage of the one before
 * (the sink's mapped rows, the JSON baseline's strings).
 */
function fullCollector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** In slices of a batch, as the writer encodes them. */
function inBatches<T>(items: readonly T[], each: (batch: readonly T[]) => unknown): void {
  for (let i = 0; i < items.length; i += BARE_BATCH) each(items.slice(i, i + BARE_BATCH));
}

/**
 * What the sink does per `interactions` row that the writer and the baseline were handed done:
 * mapping an event (warm pseudonym cache) and the HMAC of the ids it has not seen, as live: the
 * round's customers are already cached, its contacts are new.
 */
function interactionCosts(events: readonly CxEvent[], rows: readonly InteractionRow[]) {
  const ids = (field: 'contactId' | 'customerId') => {
    const seen = new Set<string>();
    for (const e of events) {
      const id = (e as Partial<Record<typeof field, unknown>>)[field];
      if (typeof id === 'string') seen.add(id);
    }
    return [...seen];
  };
  const customers = ids('customerId');
  const contacts = ids('contactId');
  const warm = createPseudonymiser(SECRET);
  inBatches(events, (b) => encodeInteractionEvents(b, warm));
  const encodeRows = microsPerItem(rows.length, () => inBatches(rows, (b) => interactionEncoder.encode(b)));
  const mapAndEncode = microsPerItem(events.length, () =>
    inBatches(events, (b) => encodeInteractionEvents(b, warm)),
  );
  const customersCached = () => {
    const p = createPseudonymiser(SECRET);
    for (const c of customers) p(c);
    return p;
  };
  const live = microsPerItem(
    events.length,
    (p) => inBatches(events, (b) => encodeInteractionEvents(b, p)),
    customersCached,
  );
  const hmac = microsPerItem(
    contacts.length,
    (p) => {
      for (const id of contacts) p(id);
    },
    () => createPseudonymiser(SECRET),
  );
  const round2 = (x: number) => Math.round(x * 100) / 100;
  return {
    /** What the writer and the baseline do per row. */
    encodeRows,
    /** Mapping a decoded event, every id cached. */
    map: round2(mapAndEncode - encodeRows),
    hmacPerNewId: hmac,
    newIdsPerRow: round3(contacts.length / events.length),
    /** Map + encode with the round's customers cached and its contacts new: the sink's whole CPU per row. */
    sinkEncodeLive: live,
  };
}

export async function run(): Promise<BenchResult[]> {
  return withClickHouse(async (url) => {
    const database = `cxpulse_bench_${randomBytes(4).toString('hex')}`;
    const collectGarbage = fullCollector();
    const client = createClient({ url });
    const sinkWith = (maxConcurrentInserts: number) =>
      createClickHouseSink({
        url,
        database,
        secret: SECRET,
        retentionDays: 0,
        batch: { maxConcurrentInserts },
      });
    const sinks = { 1: sinkWith(1), 2: sinkWith(2) };
    const connection = connectClickHouse({ url });
    try {
      const { capabilities } = await sinks[1].migrate();
      await sinks[2].migrate();
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
      const writerFor = <Row>(
        table: 'interactions' | 'indicator_values',
        encoder: RowEncoder<Row>,
        maxConcurrentInserts: number,
      ) => {
        const columns = encoder.columns.map(([c]) => c);
        const target = qualified(database, table);
        return createBatchWriter<Row>({
          table,
          insert: (rows) => connection.insertRowBinary(target, columns, encoder.encode(rows)),
          maxConcurrentInserts,
        });
      };
      const writers = {
        interactions: {
          1: writerFor('interactions', interactionEncoder, 1),
          2: writerFor('interactions', interactionEncoder, 2),
        },
        indicator_values: {
          1: writerFor('indicator_values', indicatorValueEncoder, 1),
          2: writerFor('indicator_values', indicatorValueEncoder, 2),
        },
      };
      const inKafkaBatches = (write: (from: number, to: number) => Promise<void>) => () =>
        Promise.all(
          Array.from({ length: ROWS / KAFKA_BATCH }, (_, b) => write(b * KAFKA_BATCH, (b + 1) * KAFKA_BATCH)),
        );
      // The baseline in the middle: each writer runs next to it, each sink one task further away.
      const TASKS = ['sink1', 'writer1', 'bare', 'writer2', 'sink2', 'bareJson'] as const;
      type Task = (typeof TASKS)[number];
      let lastEvents: { events: CxEvent[]; rows: InteractionRow[] } | undefined;
      const tasksFor = (
        table: 'interactions' | 'indicator_values',
        round: number,
      ): Record<Task, () => Promise<unknown>> => {
        if (table === 'indicator_values') {
          const w = writers.indicator_values;
          return {
            writer1: inKafkaBatches((a, b) => w[1].write(valueRows.slice(a, b))),
            writer2: inKafkaBatches((a, b) => w[2].write(valueRows.slice(a, b))),
            sink1: inKafkaBatches((a, b) => sinks[1].writeValues(values.slice(a, b))),
            sink2: inKafkaBatches((a, b) => sinks[2].writeValues(values.slice(a, b))),
            bare: bareRowBinary(table, indicatorValueEncoder, valueRows),
            bareJson: bareJson(table, valueRows),
          };
        }
        const events = makeEvents(ROWS, now, round);
        const eventRows = events.map((e) => interactionRow(e, p));
        lastEvents = { events, rows: eventRows };
        const w = writers.interactions;
        return {
          writer1: inKafkaBatches((a, b) => w[1].write(eventRows.slice(a, b))),
          writer2: inKafkaBatches((a, b) => w[2].write(eventRows.slice(a, b))),
          sink1: inKafkaBatches((a, b) => sinks[1].writeEvents(events.slice(a, b))),
          sink2: inKafkaBatches((a, b) => sinks[2].writeEvents(events.slice(a, b))),
          bare: bareRowBinary(table, interactionEncoder, eventRows),
          bareJson: bareJson(table, eventRows),
        };
      };

      const results: BenchResult[] = [];
      try {
        for (const table of ['interactions', 'indicator_values'] as const) {
          const samples = Object.fromEntries(TASKS.map((t) => [t, [] as number[]])) as Record<Task, number[]>;
          const loadBefore = loadavg()[0]!;
          for (let round = 0; round < WARMUP + ROUNDS; round++) {
            const tasks = tasksFor(table, round);
            const order = round % 2 === 0 ? TASKS : [...TASKS].reverse();
            for (const which of order) {
              await client.command({ query: `TRUNCATE TABLE ${database}.${table}` });
              collectGarbage();
              const seconds = await timed(tasks[which]);
              if (round >= WARMUP) samples[which].push(ROWS / seconds);
            }
          }
          const loadAfter = loadavg()[0]!;
          const costUsPerRow =
            table === 'interactions'
              ? interactionCosts(lastEvents!.events, lastEvents!.rows)
              : {
                  encodeRows: microsPerItem(ROWS, () =>
                    inBatches(valueRows, (b) => indicatorValueEncoder.encode(b)),
                  ),
                  map: microsPerItem(ROWS, () => values.map((v) => indicatorValueRow(v, now))),
                };
          const extra = {
            rows: ROWS,
            rounds: ROUNDS,
            format: 'RowBinary',
            server: capabilities.version,
            loadavg: [loadBefore, loadAfter].map((l) => Math.round(l * 10) / 10),
          };
          const bareRate = median(samples.bare);
          const versusBare = (name: string, task: Task, more: Record<string, unknown>) => {
            const result = compared(name, 'rows/s', median(samples[task]), bareRate, { ...extra, ...more });
            return {
              ...result,
              ratio: round3(pairedRatio(samples[task], samples.bare)),
              ratioOfMedians: result.ratio,
              samples: samples[task].map(Math.round),
            };
          };
          const byDefault: 1 | 2 = DEFAULT_MAX_CONCURRENT_INSERTS === 1 ? 1 : 2;
          const other = byDefault === 1 ? 2 : 1;
          const writerDoes = (n: number) =>
            `batch writer, ${n} insert(s) at a time, on pre-mapped pre-pseudonymised rows: buffer + RowBinary encode + insert`;
          const sinkDoes = (n: number) =>
            `${table === 'interactions' ? 'writeEvents' : 'writeValues'} on domain objects, ${n} insert(s) at a time: ` +
            `map${table === 'interactions' ? ' + HMAC of unseen ids' : ''} + RowBinary encode + insert`;
          results.push(
            versusBare(`clickhouse-insert-${table}`, `writer${byDefault}`, {
              concurrency: byDefault,
              does: writerDoes(byDefault),
              baselineDoes:
                'bare client.exec, 10 000-row RowBinary inserts one after the other, of rows mapped and pseudonymised before timing, encoded inside it by the same encoder',
              bareSamples: samples.bare.map(Math.round),
              // Per round, writer at the default concurrency / the other one.
              versusOtherConcurrency: round3(
                pairedRatio(samples[`writer${byDefault}`], samples[`writer${other}`]),
              ),
            }),
            versusBare(`clickhouse-insert-${table}-writer-concurrency-${other}`, `writer${other}`, {
              concurrency: other,
              does: writerDoes(other),
            }),
            versusBare(`clickhouse-insert-${table}-sink`, `sink${byDefault}`, {
              concurrency: byDefault,
              does: sinkDoes(byDefault),
              versusWriter: round3(pairedRatio(samples[`sink${byDefault}`], samples[`writer${byDefault}`])),
              costUsPerRow,
            }),
            versusBare(`clickhouse-insert-${table}-sink-concurrency-${other}`, `sink${other}`, {
              concurrency: other,
              does: sinkDoes(other),
            }),
            versusBare(`clickhouse-insert-${table}-bare-json`, 'bareJson', {
              format: 'JSONEachRow',
              does: 'bare client.insert, 10 000-row JSONEachRow inserts one after the other, same rows',
              writerRatio: round3(pairedRatio(samples[`writer${byDefault}`], samples.bareJson)),
            }),
          );
        }
      } finally {
        await Promise.all(
          Object.values(writers).flatMap((byConcurrency) => [
            byConcurrency[1].close(),
            byConcurrency[2].close(),
          ]),
        );
      }
      return results;
    } finally {
      await Promise.all([sinks[1].close({ timeoutMs: 5000 }), sinks[2].close({ timeoutMs: 5000 })]);
      await connection.close();
      await client.command({ query: `DROP DATABASE IF EXISTS ${database}` }).catch(() => {});
      await client.close();
    }
  });
}
