/**
 * The local services the project needs (Kafka and ClickHouse), started on 127.0.0.1 for tests
 * and by hand. Used by scripts/services.ts (`npm run services:up|down`) and by the integration
 * tests' global setup, so both start the same servers the same way.
 *
 * What is started is written to a state file in the services folder; `down` stops exactly that
 * and removes the folder. Several callers can share the servers: a manual `up` keeps them until
 * `down`; a test run takes a lease and the last lease out stops what no manual `up` asked for.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startClickHouse, waitForClickHouse } from './clickhouse-service.js';
import {
  defaultKafkaCacheDir,
  ensureKafkaJars,
  ensureProjectTopics,
  startKafka,
  waitForKafka,
} from './kafka-service.js';
import { isAlive, isOurProcess, isPortFree, stopProcess, withLock, type Log } from './processes.js';

export type ServiceName = 'kafka' | 'clickhouse';

/** What tests and the app need to reach the services; printed as env lines by `up`. */
export interface ServicesEnv {
  KAFKA_BROKERS: string;
  CLICKHOUSE_URL: string;
}

export interface ServicesConfig {
  repoRoot: string;
  /** CXP_SERVICES_DIR, default <repo>/.tmp/services: config, data, logs and the state file. */
  dir: string;
  /** CXP_SERVICES_CACHE_DIR, default $XDG_CACHE_HOME/cxpulse or ~/.cache/cxpulse: Kafka's jars. */
  cacheDir: string;
  /** CXP_KAFKA_PORT, default 19092 (not Kafka's 9092, so a broker of your own does not clash). */
  kafkaPort: number;
  /** CXP_KAFKA_CONTROLLER_PORT, default 19093. */
  kafkaControllerPort: number;
  /** CXP_KAFKA_HEAP, default 512m. */
  kafkaHeap: string;
  /** CXP_CLICKHOUSE_HTTP_PORT, default 18123 (not 8123). */
  clickhouseHttpPort: number;
  /** CXP_CLICKHOUSE_TCP_PORT, default 19000 (not 9000). */
  clickhouseTcpPort: number;
  /** KAFKA_BROKERS: when set, no broker is started and this one is used. */
  externalKafka: string | undefined;
  /** CLICKHOUSE_URL: when set, no ClickHouse is started and this one is used. */
  externalClickHouse: string | undefined;
}

interface ServiceRecord {
  pid: number;
  /** A path on the server's command line, to recognise the pid as ours later. */
  marker: string;
  address: string;
}

interface ServicesState {
  kafka?: ServiceRecord;
  clickhouse?: ServiceRecord;
  /** Set by a manual `up`: the servers stay until `down`, whoever else uses them. */
  keep: boolean;
  /** Pids of test runs using the servers. */
  leases: number[];
}

export interface UpResult {
  env: ServicesEnv;
  started: ServiceName[];
  reused: ServiceName[];
  external: ServiceName[];
}

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port <= 0 || port > 65535)
    throw new Error(`${name}=${raw} is not a TCP port`);
  return port;
}

export function servicesConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ServicesConfig {
  const nonEmpty = (value: string | undefined): string | undefined =>
    value === undefined || value === '' ? undefined : value;
  return {
    repoRoot,
    dir: resolve(nonEmpty(env.CXP_SERVICES_DIR) ?? join(repoRoot, '.tmp', 'services')),
    cacheDir: resolve(nonEmpty(env.CXP_SERVICES_CACHE_DIR) ?? defaultKafkaCacheDir()),
    kafkaPort: portFromEnv('CXP_KAFKA_PORT', 19092),
    kafkaControllerPort: portFromEnv('CXP_KAFKA_CONTROLLER_PORT', 19093),
    kafkaHeap: nonEmpty(env.CXP_KAFKA_HEAP) ?? '512m',
    clickhouseHttpPort: portFromEnv('CXP_CLICKHOUSE_HTTP_PORT', 18123),
    clickhouseTcpPort: portFromEnv('CXP_CLICKHOUSE_TCP_PORT', 19000),
    externalKafka: nonEmpty(env.KAFKA_BROKERS),
    externalClickHouse: nonEmpty(env.CLICKHOUSE_URL),
  };
}

const stateFile = (config: ServicesConfig): string => join(config.dir, 'state.json');
// Beside the folder, not in it: `down` removes the folder while holding the lock.
const lockFile = (config: ServicesConfig): string => `${config.dir}.lock`;
// A cold `up` fetches jars and may apt-get install; a second caller waits that long at most.
const LOCK_TIMEOUT_MS = 6 * 60_000;
const KAFKA_READY_MS = 120_000;
const CLICKHOUSE_READY_MS = 60_000;
const EXTERNAL_READY_MS = 30_000;

function readState(config: ServicesConfig): ServicesState {
  try {
    const parsed = JSON.parse(readFileSync(stateFile(config), 'utf8')) as Partial<ServicesState>;
    return {
      keep: parsed.keep === true,
      leases: parsed.leases ?? [],
      kafka: parsed.kafka,
      clickhouse: parsed.clickhouse,
    };
  } catch {
    return { keep: false, leases: [] };
  }
}

function writeState(config: ServicesConfig, state: ServicesState): void {
  mkdirSync(config.dir, { recursive: true });
  writeFileSync(stateFile(config), `${JSON.stringify(state, null, 2)}\n`);
}

async function requireFreePorts(ports: Array<[string, number]>): Promise<void> {
  for (const [name, port] of ports) {
    if (!(await isPortFree(port))) {
      throw new Error(
        `port ${port} (${name}) on 127.0.0.1 is taken by something this checkout did not start; ` +
          `stop it, choose other ports (CXP_* env), or point at a running server (KAFKA_BROKERS / CLICKHOUSE_URL)`,
      );
    }
  }
}

/**
 * Starts what is not running yet and waits until everything answers. Idempotent: servers that
 * are already up (ours, per the state file) are reused. `keep` marks a manual `up`; `lease` is the
 * pid of a test run that will call releaseLease when it is done.
 */
export async function servicesUp(
  options: { keep?: boolean; lease?: number; log?: Log; config?: ServicesConfig } = {},
): Promise<UpResult> {
  const config = options.config ?? servicesConfigFromEnv();
  const log = options.log ?? (() => undefined);
  mkdirSync(resolve(config.dir, '..'), { recursive: true });

  return withLock(lockFile(config), LOCK_TIMEOUT_MS, async () => {
    const state = readState(config);
    const result: UpResult = {
      env: {
        KAFKA_BROKERS: config.externalKafka ?? `127.0.0.1:${config.kafkaPort}`,
        CLICKHOUSE_URL: config.externalClickHouse ?? `http://127.0.0.1:${config.clickhouseHttpPort}`,
      },
      started: [],
      reused: [],
      external: [],
    };
    const waits: Array<Promise<void>> = [];
    const fresh: ServiceName[] = [];

    if (config.externalClickHouse !== undefined) {
      result.external.push('clickhouse');
      waits.push(waitForClickHouse(config.externalClickHouse, { timeoutMs: EXTERNAL_READY_MS }));
    } else {
      let record = state.clickhouse;
      if (record && isOurProcess(record.pid, record.marker) && record.address === result.env.CLICKHOUSE_URL) {
        result.reused.push('clickhouse');
      } else {
        delete state.clickhouse;
        const dir = join(config.dir, 'clickhouse');
        rmSync(dir, { recursive: true, force: true });
        await requireFreePorts([
          ['ClickHouse HTTP', config.clickhouseHttpPort],
          ['ClickHouse native', config.clickhouseTcpPort],
        ]);
        log(`starting ClickHouse on 127.0.0.1:${config.clickhouseHttpPort}`);
        const started = startClickHouse(
          {
            repoRoot: config.repoRoot,
            dir,
            httpPort: config.clickhouseHttpPort,
            tcpPort: config.clickhouseTcpPort,
          },
          log,
        );
        record = { ...started, address: result.env.CLICKHOUSE_URL };
        state.clickhouse = record;
        // Recorded before waiting, so a failed wait still leaves something `down` can stop.
        writeState(config, state);
        result.started.push('clickhouse');
        fresh.push('clickhouse');
      }
      const { pid, marker } = record;
      waits.push(
        waitForClickHouse(result.env.CLICKHOUSE_URL, { timeoutMs: CLICKHOUSE_READY_MS, pid, marker }),
      );
    }

    if (config.externalKafka !== undefined) {
      result.external.push('kafka');
      waits.push(waitForKafka(config.externalKafka, { timeoutMs: EXTERNAL_READY_MS }));
    } else {
      let record = state.kafka;
      if (record && isOurProcess(record.pid, record.marker) && record.address === result.env.KAFKA_BROKERS) {
        result.reused.push('kafka');
      } else {
        delete state.kafka;
        const dir = join(config.dir, 'kafka');
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir, { recursive: true });
        await requireFreePorts([
          ['Kafka', config.kafkaPort],
          ['Kafka controller', config.kafkaControllerPort],
        ]);
        const libs = ensureKafkaJars(config, log);
        log(`starting Kafka on 127.0.0.1:${config.kafkaPort}`);
        const started = startKafka(
          {
            repoRoot: config.repoRoot,
            dir,
            port: config.kafkaPort,
            controllerPort: config.kafkaControllerPort,
            cacheDir: config.cacheDir,
            heap: config.kafkaHeap,
          },
          libs,
        );
        record = { ...started, address: result.env.KAFKA_BROKERS };
        state.kafka = record;
        writeState(config, state);
        result.started.push('kafka');
        fresh.push('kafka');
      }
      const { pid, marker } = record;
      waits.push(
        waitForKafka(result.env.KAFKA_BROKERS, { timeoutMs: KAFKA_READY_MS, pid, marker }).then(async () => {
          const created = await ensureProjectTopics(result.env.KAFKA_BROKERS);
          if (created.length > 0) log(`created topics ${created.join(', ')}`);
        }),
      );
    }

    const outcomes = await Promise.allSettled(waits);
    const failures = outcomes.flatMap((outcome) =>
      outcome.status === 'rejected' ? [outcome.reason as unknown] : [],
    );
    if (failures.length > 0) {
      // Do not leave half-started servers behind a failed `up`.
      for (const name of fresh) await stopService(state, name);
      writeState(config, state);
      const messages = failures.map((failure) =>
        failure instanceof Error ? failure.message : String(failure),
      );
      throw new Error(`services did not come up (logs in ${config.dir}):\n  ${messages.join('\n  ')}`);
    }

    if (options.keep === true) state.keep = true;
    state.leases = state.leases.filter(isAlive);
    if (options.lease !== undefined && !state.leases.includes(options.lease))
      state.leases.push(options.lease);
    writeState(config, state);
    return result;
  });
}

async function stopService(state: ServicesState, name: ServiceName): Promise<boolean> {
  const record = state[name];
  delete state[name];
  if (!record || !isOurProcess(record.pid, record.marker)) return false;
  // Both shut down cleanly in a few seconds; data is thrown away anyway, so do not wait long.
  await stopProcess(record.pid, 10_000);
  return true;
}

async function stopAll(config: ServicesConfig, state: ServicesState): Promise<ServiceName[]> {
  const stopped: ServiceName[] = [];
  const names: ServiceName[] = ['kafka', 'clickhouse'];
  const results = await Promise.all(names.map((name) => stopService(state, name)));
  names.forEach((name, i) => {
    if (results[i]) stopped.push(name);
  });
  rmSync(config.dir, { recursive: true, force: true });
  return stopped;
}

/** Ends a test run's use of the servers; the last user out stops them unless a manual `up` keeps them. */
export async function releaseLease(
  lease: number,
  options: { config?: ServicesConfig } = {},
): Promise<ServiceName[]> {
  const config = options.config ?? servicesConfigFromEnv();
  if (!existsSync(config.dir)) return [];
  return withLock(lockFile(config), LOCK_TIMEOUT_MS, async () => {
    const state = readState(config);
    state.leases = state.leases.filter((pid) => pid !== lease && isAlive(pid));
    if (state.keep || state.leases.length > 0) {
      writeState(config, state);
      return [];
    }
    return stopAll(config, state);
  });
}

/**
 * Stops everything this checkout started and removes the services folder. While a test run still
 * holds a lease, the servers are only released (the run stops them when it ends) unless `force`.
 */
export async function servicesDown(
  options: { force?: boolean; log?: Log; config?: ServicesConfig } = {},
): Promise<{ stopped: ServiceName[]; usedBy: number[] }> {
  const config = options.config ?? servicesConfigFromEnv();
  const log = options.log ?? (() => undefined);
  if (!existsSync(config.dir)) return { stopped: [], usedBy: [] };
  return withLock(lockFile(config), LOCK_TIMEOUT_MS, async () => {
    const state = readState(config);
    const usedBy = state.leases.filter((pid) => pid !== process.pid && isAlive(pid));
    if (usedBy.length > 0 && options.force !== true) {
      state.keep = false;
      state.leases = usedBy;
      writeState(config, state);
      log(
        `still used by test run(s) ${usedBy.join(', ')}: the last of them stops the services (--force stops them now)`,
      );
      return { stopped: [], usedBy };
    }
    if (usedBy.length > 0) log(`stopping services still used by test run(s) ${usedBy.join(', ')}`);
    return { stopped: await stopAll(config, state), usedBy };
  });
}

/** What the state file says is running, for `services.ts status`. */
export function servicesStatus(
  config: ServicesConfig = servicesConfigFromEnv(),
): Record<ServiceName, string> {
  const state = readState(config);
  const describe = (record: ServiceRecord | undefined): string =>
    record && isOurProcess(record.pid, record.marker)
      ? `running, pid ${record.pid}, ${record.address}`
      : 'not running';
  return { kafka: describe(state.kafka), clickhouse: describe(state.clickhouse) };
}
