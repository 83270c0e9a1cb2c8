/**
 * A single-node Apache Kafka (KRaft: one process is both broker and controller) run from the
 * official jars on Maven Central. scripts/kafka/pom.xml pins the version; Maven copies the jars
 * once into a cache folder shared by every checkout on the machine.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import {
  aptInstall,
  hasCommand,
  isOurProcess,
  run,
  spawnDetached,
  waitUntil,
  type Log,
} from './processes.js';

const { Kafka, logLevel } = kafkajs;

export interface KafkaServiceOptions {
  /** Repository root: the pom and log4j2 config are read from scripts/kafka/ there. */
  repoRoot: string;
  /** Folder for this broker's config, data and logs; removed by `down`. */
  dir: string;
  /** Client port, 127.0.0.1 only. */
  port: number;
  /** KRaft controller port, 127.0.0.1 only. */
  controllerPort: number;
  /** Where the broker's jars are cached across runs and checkouts. */
  cacheDir: string;
  /** -Xmx for the broker JVM, e.g. "512m". */
  heap: string;
}

/** Topics the project reads and writes; `up` creates them on the broker it manages. */
export const PROJECT_TOPICS: ReadonlyArray<{ topic: string; numPartitions: number }> = [
  // Raw customer-interaction events, keyed by queue so one queue stays in order.
  { topic: 'cx.events', numPartitions: 3 },
  { topic: 'cx.deadletter', numPartitions: 1 },
  { topic: 'cx.alerts', numPartitions: 1 },
  { topic: 'cx.workorders', numPartitions: 1 },
  { topic: 'cx.insights', numPartitions: 1 },
  { topic: 'cx.notifications', numPartitions: 1 },
  { topic: 'cx.indicators', numPartitions: 1 },
];

export function kafkaVersion(repoRoot: string): string {
  const pom = readFileSync(join(repoRoot, 'scripts/kafka/pom.xml'), 'utf8');
  const match = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom);
  if (!match?.[1]) throw new Error('scripts/kafka/pom.xml has no <kafka.version>');
  return match[1];
}

/**
 * The broker's jar folder, fetched with Maven on first use. The cache key includes a hash of the
 * pom, so editing it (another version, another dependency) fetches again instead of reusing
 * stale jars.
 */
export function ensureKafkaJars(
  options: Pick<KafkaServiceOptions, 'repoRoot' | 'cacheDir'>,
  log: Log,
): string {
  const pomPath = join(options.repoRoot, 'scripts/kafka/pom.xml');
  const pom = readFileSync(pomPath);
  const hash = createHash('sha256').update(pom).digest('hex').slice(0, 8);
  const home = join(options.cacheDir, `kafka-${kafkaVersion(options.repoRoot)}-${hash}`);
  const libs = join(home, 'libs');
  if (existsSync(join(home, 'complete'))) return libs;

  ensureJava(log);
  log(`fetching Kafka ${kafkaVersion(options.repoRoot)} jars with Maven into ${libs} (once per machine)`);
  // Copy into a scratch folder and rename, so an interrupted fetch never looks complete.
  const scratch = `${home}.partial-${process.pid}`;
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  writeFileSync(join(scratch, 'pom.xml'), pom);
  run('mvn', ['-q', '-B', 'dependency:copy-dependencies', `-DoutputDirectory=${join(scratch, 'libs')}`], {
    cwd: scratch,
  });
  if (!readdirSync(join(scratch, 'libs')).some((file) => file.startsWith('kafka_2.13-'))) {
    throw new Error(`Maven finished but ${scratch}/libs has no kafka_2.13 jar`);
  }
  writeFileSync(join(scratch, 'complete'), `${new Date().toISOString()}\n`);
  rmSync(home, { recursive: true, force: true });
  renameSync(scratch, home);
  return libs;
}

function ensureJava(log: Log): void {
  const missing = [
    hasCommand('java') ? [] : ['default-jre-headless'],
    hasCommand('mvn') ? [] : ['maven'],
  ].flat();
  if (missing.length > 0) aptInstall(missing, log);
}

/** The broker's settings. Single node, so every internal topic has one replica. */
function serverProperties(options: KafkaServiceOptions): string {
  const { port, controllerPort, dir } = options;
  return [
    '# Written by scripts/lib/kafka-service.ts; edits are overwritten by the next `up`.',
    'process.roles=broker,controller',
    'node.id=1',
    // 4.x form of a static quorum (KIP-853); the storage is formatted with --standalone to match.
    `controller.quorum.bootstrap.servers=127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    `log.dirs=${join(dir, 'data')}`,
    'num.partitions=3',
    // Topics are created on purpose (by `up` or by a test), never by a typo in a producer.
    'auto.create.topics.enable=false',
    'offsets.topic.replication.factor=1',
    // Fewer than the default 50 partitions: faster to create on first group join, enough for tests.
    'offsets.topic.num.partitions=3',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'min.insync.replicas=1',
    'default.replication.factor=1',
    // Tests start consumers one after another; waiting 3 s for more members only slows them.
    'group.initial.rebalance.delay.ms=0',
    'num.network.threads=2',
    'num.io.threads=2',
    'log.retention.hours=24',
    '',
  ].join('\n');
}

/** Kafka's cluster ids are 16 random bytes in URL-safe base64 without padding (22 characters). */
function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    // Kafka's own generator avoids a leading '-' so the id can be passed on a command line.
    if (!id.startsWith('-')) return id;
  }
}

/** Formats storage (first start only) and starts the broker; returns its pid and marker. */
export function startKafka(options: KafkaServiceOptions, libs: string): { pid: number; marker: string } {
  const logsDir = join(options.dir, 'logs');
  mkdirSync(logsDir, { recursive: true });
  const propertiesPath = join(options.dir, 'server.properties');
  writeFileSync(propertiesPath, serverProperties(options));
  const classpath = `${libs}/*`;
  const log4j = [
    `-Dkafka.logs.dir=${logsDir}`,
    `-Dlog4j2.configurationFile=${join(options.repoRoot, 'scripts/kafka/log4j2.xml')}`,
  ];

  if (!existsSync(join(options.dir, 'data', 'meta.properties'))) {
    run('java', [
      ...log4j,
      '-cp',
      classpath,
      'kafka.tools.StorageTool',
      'format',
      '--standalone',
      '--cluster-id',
      newClusterId(),
      '--config',
      propertiesPath,
    ]);
  }

  const pid = spawnDetached(
    'java',
    [
      '-Xms128m',
      `-Xmx${options.heap}`,
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      '-Djava.awt.headless=true',
      ...log4j,
      '-cp',
      classpath,
      'kafka.Kafka',
      propertiesPath,
    ],
    { cwd: options.dir, logFile: join(logsDir, 'stdout.log') },
  );
  return { pid, marker: propertiesPath };
}

/**
 * Waits until the broker answers metadata requests, then makes the group coordinator exist:
 * the first FindCoordinator creates __consumer_offsets, and a test that races it sees kafkajs log
 * "The group coordinator is not available" while it retries.
 */
export async function waitForKafka(
  brokers: string,
  options: { timeoutMs: number; pid?: number; marker?: string },
): Promise<void> {
  const kafka = new Kafka({
    clientId: 'cxpulse-services',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  const isDead = (): string | undefined =>
    options.pid !== undefined && options.marker !== undefined && !isOurProcess(options.pid, options.marker)
      ? 'the broker exited; see its logs'
      : undefined;
  try {
    await waitUntil(
      `Kafka at ${brokers}`,
      async () => {
        await admin.connect();
        const cluster = await admin.describeCluster();
        return cluster.brokers.length > 0 && cluster.controller !== null;
      },
      { timeoutMs: options.timeoutMs, isDead },
    );
    await waitUntil(
      `Kafka group coordinator at ${brokers}`,
      async () => {
        await admin.describeGroups(['cxpulse-services-warmup']);
        return true;
      },
      { timeoutMs: options.timeoutMs, isDead },
    );
  } finally {
    await admin.disconnect();
  }
}

/** Creates the project's topics that are missing; existing ones are left as they are. */
export async function ensureProjectTopics(brokers: string): Promise<string[]> {
  const kafka = new Kafka({
    clientId: 'cxpulse-services',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = PROJECT_TOPICS.filter(({ topic }) => !existing.has(topic));
    if (missing.length > 0) {
      await admin.createTopics({
        topics: missing.map(({ topic, numPartitions }) => ({ topic, numPartitions, replicationFactor: 1 })),
        waitForLeaders: true,
      });
    }
    return missing.map(({ topic }) => topic);
  } finally {
    await admin.disconnect();
  }
}

export function defaultKafkaCacheDir(): string {
  return process.env.XDG_CACHE_HOME
    ? join(process.env.XDG_CACHE_HOME, 'cxpulse')
    : join(homedir(), '.cache', 'cxpulse');
}
