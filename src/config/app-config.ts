/**
 * The application configuration: its type, its defaults, its JSON Schema and its environment
 * variables, side by side so that a field cannot get one without the others. Loading order
 * (defaults < file < environment) lives in `load-config.ts`; every field is documented, with its
 * default and variable, in docs/configuration.md.
 */
import { DURATION_PATTERN } from './duration.js';

/** One `auth.tokens` entry; src/server/auth.ts parses them (config does not import the server). */
export const TOKEN_SPEC_PATTERN = '^(viewer|operator):([A-Za-z0-9_.@-]+:)?[^:\\s]+$';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface AppConfig {
  server: {
    /** Interface to listen on. 127.0.0.1 by default so nothing is exposed by accident; 0.0.0.0 in a container. */
    host: string;
    port: number;
  };
  kafka: {
    /** `host:port` seeds; empty means "no Kafka" (the demo runs on the simulator alone). */
    brokers: string[];
    clientId: string;
    groupId: string;
    topics: {
      events: string;
      deadLetter: string;
      alerts: string;
      workOrders: string;
      insights: string;
      notifications: string;
    };
    /** Source back-pressure: fetching pauses while this many batches are unacknowledged downstream. */
    maxInFlightBatches: number;
  };
  clickhouse: {
    /** e.g. `http://localhost:8123`; empty disables the ClickHouse sink. */
    url: string;
    database: string;
    username: string;
    /** Secret: redacted from logs (see CONFIG_SECRET_PATHS). */
    password: string;
    /*
     * The fields below are optional so that configurations written before them stay equal to the
     * defaults; their defaults live in src/sinks/clickhouse/clickhouse-sink.ts and docs/configuration.md.
     */
    /** Secret key of the customer/contact id pseudonyms (HMAC-SHA256). Absent: random per process, with a warning. */
    pseudonymSecret?: string;
    /** Days of data kept (TTL, or dropped daily partitions on 18.16); 0 keeps everything. Default 90. */
    retentionDays?: number;
    /** Rows per insert at most. Default 10 000. */
    batchRows?: number;
    /** Longest a row waits for its batch, ms. Default 1000. */
    batchMaxAgeMs?: number;
    /** Rows held per table before writes wait (back-pressure). Default 100 000. */
    maxBufferedRows?: number;
    /** Store early firings too. Default false (final values and corrections only). */
    writeEarlyValues?: boolean;
  };
  events: {
    /** Events larger than this (encoded bytes) are dead-lettered. */
    maxBytes: number;
    /** Events older than this relative to the wall clock are dead-lettered. */
    maxPastMs: number;
    /** Events further in the future than this (clock skew) are dead-lettered. */
    maxFutureMs: number;
  };
  pipelines: {
    /** Directory whose `*.yaml` files are loaded when `files` is empty. */
    dir: string;
    /** Explicit pipeline files; when non-empty, `dir` is ignored. */
    files: string[];
  };
  simulator: {
    /** Generate synthetic events in-process (the `demo` command turns this on). */
    enabled: boolean;
    /** Seed of the pseudo-random generator: the same seed gives the same events. */
    seed: number;
    /** Events per simulated second, averaged over the day (contacts, agent states, surveys, journeys, posts). */
    rate: number;
    /** Simulated seconds per wall-clock second (1 = real time). */
    speed: number;
    /** Path of a scenario file of injected incidents; empty for none. */
    scenario: string;
  };
  log: { level: LogLevel };
  auth: {
    /**
     * API and WebSocket tokens, each `role:token` or `role:name:token` (role `viewer` or `operator`).
     * Empty: the server is open and logs a warning. Secret: redacted from logs.
     */
    tokens: string[];
  };
  websocket: {
    /** Connections beyond this are refused with HTTP 503. */
    maxClients: number;
    /** Largest client message; a larger one closes the connection (1009). */
    maxPayloadBytes: number;
    /** Ping interval; a peer that has not answered the previous ping is dropped. */
    heartbeatMs: number;
    /** Socket backlog above which a client counts as slow and its values are conflated. */
    highWaterBytes: number;
    /** Series a slow client may have pending before it is dropped. */
    maxPendingSeries: number;
  };
  alerting: {
    /** Prometheus Alertmanager base URL (v2 API), e.g. `http://alertmanager:9093`; empty: not notified. */
    alertmanagerUrl: string;
    /** Generic webhook receiving every alert transition as JSON; empty: none. */
    webhookUrl: string;
    /** Secret: HMAC-SHA256 key of the webhook's `x-cxpulse-signature` header. */
    webhookSecret: string;
  };
  runtime: {
    /**
     * How far V8 lets the heap grow past what the last full GC kept before collecting again, in
     * percent (V8's --heap-growing-percent); 0 keeps V8's own heuristics. See src/runtime-tuning.ts.
     */
    heapGrowthPercent: number;
  };
}

export const DEFAULT_CONFIG: AppConfig = {
  server: { host: '127.0.0.1', port: 8080 },
  kafka: {
    brokers: [],
    clientId: 'cxpulse',
    groupId: 'cxpulse',
    topics: {
      events: 'cx.events',
      deadLetter: 'cx.deadletter',
      alerts: 'cx.alerts',
      workOrders: 'cx.workorders',
      insights: 'cx.insights',
      notifications: 'cx.notifications',
    },
    maxInFlightBatches: 4,
  },
  clickhouse: { url: '', database: 'cxpulse', username: 'default', password: '' },
  events: { maxBytes: 65_536, maxPastMs: 7 * 86_400_000, maxFutureMs: 5 * 60_000 },
  pipelines: { dir: 'pipelines', files: [] },
  simulator: { enabled: false, seed: 42, rate: 100, speed: 10, scenario: 'scenarios/demo.yaml' },
  log: { level: 'info' },
  auth: { tokens: [] },
  websocket: {
    maxClients: 1000,
    maxPayloadBytes: 65_536,
    heartbeatMs: 30_000,
    highWaterBytes: 1_048_576,
    maxPendingSeries: 100_000,
  },
  alerting: { alertmanagerUrl: '', webhookUrl: '', webhookSecret: '' },
  runtime: { heapGrowthPercent: 20 },
};

/** Dotted paths of secrets, for log redaction. */
export const CONFIG_SECRET_PATHS = [
  'clickhouse.password',
  'clickhouse.pseudonymSecret',
  'auth.tokens',
  'alerting.webhookSecret',
] as const;

/** A copy safe to log: secrets replaced, credentials in URLs masked. */
export function redactConfig(config: AppConfig): AppConfig {
  const copy = structuredClone(config);
  if (copy.clickhouse.password !== '') copy.clickhouse.password = '[redacted]';
  if (copy.clickhouse.pseudonymSecret) copy.clickhouse.pseudonymSecret = '[redacted]';
  if (copy.alerting.webhookSecret !== '') copy.alerting.webhookSecret = '[redacted]';
  // The role (and name) stay visible: they say who may do what without giving the token away.
  copy.auth.tokens = copy.auth.tokens.map((t) => `${t.slice(0, t.lastIndexOf(':'))}:[redacted]`);
  copy.clickhouse.url = copy.clickhouse.url.replace(/\/\/([^/@:]*):[^/@]*@/, '//$1:[redacted]@');
  return copy;
}

export type EnvKind = 'string' | 'list' | 'integer' | 'port' | 'number' | 'boolean';

export interface EnvBinding {
  name: string;
  /** Path of the config field the variable sets. */
  path: readonly [keyof AppConfig, ...string[]];
  kind: EnvKind;
}

/** CXPULSE_CONFIG (the file's path) is read by the loader itself. */
export const ENV_BINDINGS: readonly EnvBinding[] = [
  { name: 'HOST', path: ['server', 'host'], kind: 'string' },
  { name: 'PORT', path: ['server', 'port'], kind: 'port' },
  { name: 'KAFKA_BROKERS', path: ['kafka', 'brokers'], kind: 'list' },
  { name: 'KAFKA_CLIENT_ID', path: ['kafka', 'clientId'], kind: 'string' },
  { name: 'KAFKA_GROUP_ID', path: ['kafka', 'groupId'], kind: 'string' },
  { name: 'CLICKHOUSE_URL', path: ['clickhouse', 'url'], kind: 'string' },
  { name: 'CLICKHOUSE_DATABASE', path: ['clickhouse', 'database'], kind: 'string' },
  { name: 'CLICKHOUSE_USERNAME', path: ['clickhouse', 'username'], kind: 'string' },
  { name: 'CLICKHOUSE_PASSWORD', path: ['clickhouse', 'password'], kind: 'string' },
  { name: 'CLICKHOUSE_PSEUDONYM_SECRET', path: ['clickhouse', 'pseudonymSecret'], kind: 'string' },
  { name: 'CLICKHOUSE_RETENTION_DAYS', path: ['clickhouse', 'retentionDays'], kind: 'integer' },
  { name: 'CXPULSE_PIPELINES_DIR', path: ['pipelines', 'dir'], kind: 'string' },
  { name: 'CXPULSE_SIMULATOR', path: ['simulator', 'enabled'], kind: 'boolean' },
  { name: 'CXPULSE_SIMULATOR_SEED', path: ['simulator', 'seed'], kind: 'integer' },
  { name: 'CXPULSE_SIMULATOR_RATE', path: ['simulator', 'rate'], kind: 'number' },
  { name: 'CXPULSE_SIMULATOR_SPEED', path: ['simulator', 'speed'], kind: 'number' },
  { name: 'CXPULSE_SIMULATOR_SCENARIO', path: ['simulator', 'scenario'], kind: 'string' },
  { name: 'LOG_LEVEL', path: ['log', 'level'], kind: 'string' },
  { name: 'CXPULSE_AUTH_TOKENS', path: ['auth', 'tokens'], kind: 'list' },
  { name: 'ALERTMANAGER_URL', path: ['alerting', 'alertmanagerUrl'], kind: 'string' },
  { name: 'CXPULSE_WEBHOOK_URL', path: ['alerting', 'webhookUrl'], kind: 'string' },
  { name: 'CXPULSE_WEBHOOK_SECRET', path: ['alerting', 'webhookSecret'], kind: 'string' },
  { name: 'CXPULSE_HEAP_GROWTH_PERCENT', path: ['runtime', 'heapGrowthPercent'], kind: 'integer' },
];

/** Milliseconds, written either as an integer or as a duration string (`7d`, `5m`). */
const msDuration = (description: string) =>
  ({ type: ['integer', 'string'], minimum: 0, pattern: DURATION_PATTERN, description }) as const;

const section = (properties: Record<string, unknown>, description: string) =>
  ({ type: 'object', additionalProperties: false, description, properties }) as const;

const nonEmpty = { type: 'string', minLength: 1 } as const;

/**
 * Schema of a configuration file (and of the environment overlay): every field optional, unknown
 * keys rejected. Defaults are merged after validation, so nothing here is required.
 */
export const APP_CONFIG_SCHEMA = section(
  {
    server: section(
      {
        host: { ...nonEmpty, description: 'Interface to listen on.' },
        port: { type: 'integer', minimum: 1, maximum: 65535 },
      },
      'HTTP server (API, WebSocket, wallboard, metrics).',
    ),
    kafka: section(
      {
        brokers: { type: 'array', items: { ...nonEmpty, pattern: '^[^\\s,]+:[0-9]+$' } },
        clientId: nonEmpty,
        groupId: nonEmpty,
        topics: section(
          {
            events: nonEmpty,
            deadLetter: nonEmpty,
            alerts: nonEmpty,
            workOrders: nonEmpty,
            insights: nonEmpty,
            notifications: nonEmpty,
          },
          'Topic names.',
        ),
        maxInFlightBatches: { type: 'integer', minimum: 1, maximum: 1000 },
      },
      'Kafka source and sinks.',
    ),
    clickhouse: section(
      {
        url: { type: 'string', pattern: '^(https?://.+)?$' },
        database: { ...nonEmpty, pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
        username: nonEmpty,
        password: { type: 'string' },
        pseudonymSecret: { type: 'string' },
        retentionDays: { type: 'integer', minimum: 0, maximum: 36500 },
        batchRows: { type: 'integer', minimum: 1, maximum: 1000000 },
        batchMaxAgeMs: { type: 'integer', minimum: 1 },
        maxBufferedRows: { type: 'integer', minimum: 1 },
        writeEarlyValues: { type: 'boolean' },
      },
      'ClickHouse sink.',
    ),
    events: section(
      {
        maxBytes: { type: 'integer', minimum: 256 },
        maxPastMs: msDuration('How old an event may be, relative to the wall clock.'),
        maxFutureMs: msDuration('How far in the future an event may be (clock skew).'),
      },
      'Event admission limits.',
    ),
    pipelines: section(
      { dir: nonEmpty, files: { type: 'array', items: nonEmpty } },
      'Where pipeline definitions are read from.',
    ),
    simulator: section(
      {
        enabled: { type: 'boolean' },
        seed: { type: 'integer' },
        rate: { type: 'number', exclusiveMinimum: 0 },
        speed: { type: 'number', exclusiveMinimum: 0 },
        scenario: { type: 'string' },
      },
      'In-process event simulator.',
    ),
    log: section({ level: { type: 'string', enum: [...LOG_LEVELS] } }, 'Logging.'),
    auth: section(
      { tokens: { type: 'array', items: { type: 'string', pattern: TOKEN_SPEC_PATTERN } } },
      'API and WebSocket tokens.',
    ),
    websocket: section(
      {
        maxClients: { type: 'integer', minimum: 1 },
        maxPayloadBytes: { type: 'integer', minimum: 1024 },
        heartbeatMs: { type: 'integer', minimum: 100 },
        highWaterBytes: { type: 'integer', minimum: 1024 },
        maxPendingSeries: { type: 'integer', minimum: 1 },
      },
      'WebSocket limits.',
    ),
    alerting: section(
      {
        alertmanagerUrl: { type: 'string', pattern: '^(https?://.+)?$' },
        webhookUrl: { type: 'string', pattern: '^(https?://.+)?$' },
        webhookSecret: { type: 'string' },
      },
      'Where alert transitions are sent (besides the wallboard and the cx.alerts topic).',
    ),
    runtime: section(
      { heapGrowthPercent: { type: 'integer', minimum: 0, maximum: 1000 } },
      'Process tuning.',
    ),
  },
  'CX Pulse configuration file.',
);

/** Human wording of the config schema's patterns, for error messages. */
export const CONFIG_PATTERN_HINTS: Record<string, string> = {
  '^[^\\s,]+:[0-9]+$': 'must be host:port',
  '^(https?://.+)?$': 'must be an http:// or https:// URL, or empty',
  '^[A-Za-z_][A-Za-z0-9_]*$': 'must be letters, digits and underscores',
  [TOKEN_SPEC_PATTERN]: 'must be role:token or role:name:token, role viewer or operator',
};
