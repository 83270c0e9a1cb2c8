/**
 * `cxpulse simulate`: runs the traffic simulator and writes its events to Kafka, stdout or a JSON
 * lines file, optionally with the scenario's ground-truth labels beside them.
 *
 * Exit codes: 0 done (duration reached or interrupted), 1 runtime failure (file, broker), 2 usage.
 */
import { createWriteStream, writeFileSync, appendFileSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { concatMap, type Observable, type SchedulerLike } from 'rxjs';
import { CxPulseError } from '../../errors/codes.js';
import type { CxEvent } from '../../events/types.js';
import { simulatedEvents } from './driver.js';
import { partitionKey, type EventPublisher } from './event-publisher.js';
import { loadScenarioFile, parseDurationMs, type IncidentLabel, type Scenario } from './scenario.js';
import type { Simulator } from './simulator.js';
import { createScenarioSimulator } from './scripted-simulator.js';

export interface SimulateIo {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
  env?: Record<string, string | undefined>;
  /** Builds the Kafka publisher for `--output kafka`; the CLI wiring passes the kafkajs one. */
  createPublisher?: (config: { brokers: string[] }) => EventPublisher | Promise<EventPublisher>;
  /** Stops an open-ended run (Ctrl-C). Default: SIGINT/SIGTERM of this process. */
  signal?: AbortSignal;
  /** Pacing scheduler; tests pass a virtual one. Default asyncScheduler. */
  scheduler?: SchedulerLike;
  /** Wall clock for the default start time. Default Date.now. */
  now?: () => number;
}

export const SIMULATE_HELP = `Usage: cxpulse simulate [options]

Generates realistic, deterministic customer-experience traffic (contacts, agent states, surveys,
digital journeys, social posts) and writes it as JSON events.

Options:
  --seed N            PRNG seed; same seed and options give the same stream (default 1)
  --rate N            events per simulated second, daily average (default 100)
  --speed N|max       simulated ms per real ms (default 1); "max" = as fast as possible (needs --duration)
  --duration D        simulated time to produce, e.g. 90s, 10m, 2h (default: until Ctrl-C)
  --start T           simulated start, ISO-8601 or epoch ms (default: now)
  --flat              no time-of-day seasonality (a constant arrival rate)
  --scenario FILE     scenario YAML with incidents to inject (see scenarios/)
  --labels FILE       write one JSON line per incident (ground truth) as the run reaches it
  --output O          kafka | stdout | FILE.jsonl (default stdout)
  --topic T           Kafka topic (default cx.events)
  --brokers LIST      comma-separated Kafka brokers (default: env KAFKA_BROKERS)
  --help              show this help
`;

interface SimulateArgs {
  seed: number;
  rate: number;
  speed: number | 'max';
  durationMs?: number;
  startTs?: number;
  seasonality: boolean;
  scenarioFile?: string;
  labelsFile?: string;
  output: 'kafka' | 'stdout' | { file: string };
  topic: string;
  brokers: string[];
}

class UsageError extends CxPulseError {
  constructor(message: string) {
    super('CXP_ERR_CLI_USAGE', message);
  }
}

const DURATION = /^\s*(\d+(\.\d+)?\s*(ms|s|m|h)\s*)+$/;
const KAFKA_CHUNK = 5000;

function parseSimulateArgs(
  argv: readonly string[],
  env: Record<string, string | undefined>,
): SimulateArgs | 'help' {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        seed: { type: 'string' },
        rate: { type: 'string' },
        speed: { type: 'string' },
        duration: { type: 'string' },
        start: { type: 'string' },
        flat: { type: 'boolean' },
        scenario: { type: 'string' },
        labels: { type: 'string' },
        output: { type: 'string' },
        topic: { type: 'string' },
        brokers: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help === true) return 'help';
  const str = (k: string): string | undefined => values[k] as string | undefined;

  const number = (key: string, fallback: number, ok: (n: number) => boolean, rule: string): number => {
    const raw = str(key);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || !ok(n))
      throw new UsageError(`--${key} ${rule}, got "${raw}"`);
    return n;
  };
  const seed = number(
    'seed',
    1,
    (n) => Number.isInteger(n) && n >= 0 && n <= 0xffffffff,
    'must be an integer 0..4294967295',
  );
  const rate = number(
    'rate',
    100,
    (n) => n > 0 && n <= 1_000_000,
    'must be a number of events/s in (0, 1000000]',
  );
  const speed: number | 'max' =
    str('speed') === 'max'
      ? 'max'
      : number('speed', 1, (n) => n > 0 && n <= 100_000, 'must be > 0 (or "max")');

  let durationMs: number | undefined;
  const duration = str('duration');
  if (duration !== undefined) {
    if (!DURATION.test(duration))
      throw new UsageError(`--duration must look like 90s, 10m, 1h30m, got "${duration}"`);
    durationMs = parseDurationMs(duration);
    if (durationMs <= 0) throw new UsageError('--duration must be > 0');
  }
  if (speed === 'max' && durationMs === undefined) throw new UsageError('--speed max needs --duration');

  let startTs: number | undefined;
  const start = str('start');
  if (start !== undefined) {
    startTs = /^\d+$/.test(start) ? Number(start) : Date.parse(start);
    if (!Number.isFinite(startTs))
      throw new UsageError(`--start must be ISO-8601 or epoch ms, got "${start}"`);
  }

  const out = str('output') ?? 'stdout';
  let output: SimulateArgs['output'];
  if (out === 'kafka' || out === 'stdout') output = out;
  else if (out.endsWith('.jsonl')) output = { file: out };
  else throw new UsageError(`--output must be kafka, stdout or a FILE.jsonl, got "${out}"`);

  const brokers = (str('brokers') ?? env.KAFKA_BROKERS ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '');
  if (output === 'kafka' && brokers.length === 0)
    throw new UsageError('--output kafka needs --brokers or the KAFKA_BROKERS environment variable');
  const topic = str('topic') ?? 'cx.events';
  if (topic === '') throw new UsageError('--topic must not be empty');

  return {
    seed,
    rate,
    speed,
    ...(durationMs !== undefined ? { durationMs } : {}),
    ...(startTs !== undefined ? { startTs } : {}),
    seasonality: values.flat !== true,
    ...(str('scenario') !== undefined ? { scenarioFile: str('scenario') } : {}),
    ...(str('labels') !== undefined ? { labelsFile: str('labels') } : {}),
    output,
    topic,
    brokers,
  };
}

/** Where events go: one `write` per batch, honouring backpressure. */
interface EventSink {
  write(events: CxEvent[]): Promise<void>;
  close(): Promise<void>;
}

function jsonLines(events: CxEvent[]): string {
  let text = '';
  for (const e of events) text += JSON.stringify(e) + '\n';
  return text;
}

function fileSink(path: string): EventSink {
  const stream: WriteStream = createWriteStream(path, { flags: 'w' });
  let failure: Error | undefined;
  stream.on('error', (err) => (failure = err));
  return {
    async write(events) {
      if (failure) throw failure;
      if (events.length > 0 && !stream.write(jsonLines(events))) await once(stream, 'drain');
    },
    async close() {
      stream.end();
      if (!stream.closed) await once(stream, 'close');
      if (failure) throw failure;
    },
  };
}

function stdoutSink(stdout: SimulateIo['stdout']): EventSink {
  return {
    async write(events) {
      if (events.length > 0) stdout.write(jsonLines(events));
    },
    async close() {},
  };
}

function kafkaSink(publisher: EventPublisher, topic: string): EventSink {
  return {
    async write(events) {
      for (let i = 0; i < events.length; i += KAFKA_CHUNK) {
        const chunk = events.slice(i, i + KAFKA_CHUNK);
        await publisher.publish(
          topic,
          chunk.map((e) => ({ key: partitionKey(e), value: Buffer.from(JSON.stringify(e)) })),
        );
      }
    },
    close: () => publisher.close(),
  };
}

/** Writes each label once the simulated clock has reached its start. */
function labelWriter(path: string | undefined): (sim: Simulator) => void {
  if (path === undefined) return () => {};
  writeFileSync(path, '');
  let pending: IncidentLabel[] | undefined;
  return (sim) => {
    pending ??= sim.labels();
    while (pending.length > 0 && (pending[0] as IncidentLabel).startTs < sim.now) {
      appendFileSync(path, JSON.stringify(pending.shift()) + '\n');
    }
  };
}

export async function runSimulateCommand(argv: readonly string[], io: SimulateIo): Promise<number> {
  let args: SimulateArgs | 'help';
  try {
    args = parseSimulateArgs(argv, io.env ?? process.env);
  } catch (err) {
    io.stderr.write(`cxpulse simulate: ${(err as Error).message}\nTry 'cxpulse simulate --help'.\n`);
    return 2;
  }
  if (args === 'help') {
    io.stdout.write(SIMULATE_HELP);
    return 0;
  }

  let scenario: Scenario | undefined;
  if (args.scenarioFile !== undefined) {
    try {
      scenario = await loadScenarioFile(args.scenarioFile);
    } catch (err) {
      io.stderr.write(`cxpulse simulate: ${(err as Error).message}\n`);
      return 2;
    }
  }

  let sink: EventSink;
  try {
    if (args.output === 'stdout') sink = stdoutSink(io.stdout);
    else if (args.output === 'kafka') {
      if (io.createPublisher === undefined) throw new Error('kafka output is not available in this build');
      sink = kafkaSink(await io.createPublisher({ brokers: args.brokers }), args.topic);
    } else sink = fileSink(args.output.file);
  } catch (err) {
    io.stderr.write(`cxpulse simulate: cannot open output: ${(err as Error).message}\n`);
    return 1;
  }

  const writeLabels = labelWriter(args.labelsFile);
  const ownSignal = io.signal === undefined ? interruptSignal() : undefined;
  const signal = io.signal ?? (ownSignal as { signal: AbortSignal }).signal;
  const startTs = args.startTs ?? Math.floor((io.now ?? Date.now)() / 1000) * 1000;
  const simOptions = { seed: args.seed, rate: args.rate, seasonality: args.seasonality, startTs, scenario };
  let produced = 0;
  try {
    if (args.speed === 'max') {
      const sim = createScenarioSimulator(simOptions);
      const endTs = startTs + (args.durationMs as number);
      // Chunks of about 50 000 events keep memory flat whatever the rate.
      const stepMs = Math.max(10, Math.min(60_000, Math.floor((50_000 / args.rate) * 1000)));
      while (sim.now < endTs && !signal.aborted) {
        const batch = sim.nextBatch(Math.min(endTs, sim.now + stepMs));
        writeLabels(sim);
        produced += batch.length;
        await sink.write(batch);
      }
    } else {
      let simulator: Simulator | undefined;
      const batches = simulatedEvents({
        ...simOptions,
        speed: args.speed,
        ...(args.durationMs !== undefined ? { durationMs: args.durationMs } : {}),
        ...(io.scheduler !== undefined ? { scheduler: io.scheduler } : {}),
        onStart: (sim) => (simulator = sim),
      }).pipe(
        concatMap(async (batch) => {
          if (simulator !== undefined) writeLabels(simulator);
          produced += batch.length;
          await sink.write(batch);
        }),
      );
      await runUntilAborted(batches, signal);
    }
    await sink.close();
  } catch (err) {
    io.stderr.write(`cxpulse simulate: ${(err as Error).message}\n`);
    await sink.close().catch(() => {});
    return 1;
  } finally {
    ownSignal?.dispose();
  }
  io.stderr.write(`cxpulse simulate: ${produced} events\n`);
  return 0;
}

async function runUntilAborted(source: Observable<void>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return;
  await new Promise<void>((resolve, reject) => {
    const sub = source.subscribe({ error: reject, complete: resolve });
    signal.addEventListener(
      'abort',
      () => {
        sub.unsubscribe();
        resolve();
      },
      { once: true },
    );
  });
}

function interruptSignal(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    },
  };
}
