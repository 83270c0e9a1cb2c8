/**
 * Versioned, idempotent schema migrations for the ClickHouse sink.
 *
 * `schema_migrations` records each applied version. Applying runs, in order, every migration whose
 * version is not recorded, then records it. Every statement is itself idempotent (`IF NOT EXISTS`),
 * so a migration interrupted half-way, or two processes migrating at once, converge on the same
 * schema; the record table is a ReplacingMergeTree on `version`, so a version recorded twice by a
 * race still reads as once.
 *
 * One schema, two dialects. The columns the writer inserts are the same on every server: times are
 * `UInt64` epoch milliseconds (`ts_ms`, `window_start_ms`, …), exactly what the events carry. A
 * MATERIALIZED column next to each gives the time as a date type for humans and for partitioning:
 * `DateTime('UTC')` (second precision) on 18.16, `DateTime64(3, 'UTC')` where the server has it.
 * Low-cardinality strings are `LowCardinality(String)` where that needs no experimental setting,
 * plain `String` on 18.16. Retention is not in the DDL: see retention.ts.
 *
 * Never edit an applied migration: add a new version.
 */
import { qualified, sql, identifier, type Sql } from './sql.js';
import type { ClickHouseConnection } from './connection.js';
import { capabilitiesOf, type ServerCapabilities } from './server-capabilities.js';

export const TABLES = [
  'interactions',
  'indicator_values',
  'alerts',
  'dead_letters',
  'work_orders',
  'proactive_notifications',
  'tag_rankings',
  'insights',
] as const;
export type TableName = (typeof TABLES)[number];

export interface MigrationContext {
  database: string;
  capabilities: ServerCapabilities;
}

export interface Migration {
  version: number;
  description: string;
  statements(context: MigrationContext): Sql[];
}

/** `LowCardinality(String)` where available without experimental settings, else `String`. */
function lowCardinality(caps: ServerCapabilities): Sql {
  return caps.lowCardinality ? sql`LowCardinality(String)` : sql`String`;
}

/** The date-typed twin of an epoch-ms column, computed by the server, never inserted. */
function timeOf(caps: ServerCapabilities, msColumn: string): Sql {
  const ms = identifier(msColumn);
  return caps.dateTime64
    ? sql`DateTime64(3, 'UTC') MATERIALIZED fromUnixTimestamp64Milli(toInt64(${ms}), 'UTC')`
    : sql`DateTime('UTC') MATERIALIZED toDateTime(intDiv(${ms}, 1000), 'UTC')`;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'interactions, indicator_values, alerts, dead_letters',
    statements({ database, capabilities: caps }) {
      const lc = lowCardinality(caps);
      return [
        // Raw events, one typed column per field of every event type; fields a type does not have
        // are NULL (numbers) or empty (strings, arrays). Customer and contact ids are stored only as
        // keyed pseudonyms. ReplacingMergeTree on (type, ts_ms, id): a redelivered event (Kafka is
        // at-least-once) collapses into one row when parts merge, and FINAL shows it once at once.
        sql`CREATE TABLE IF NOT EXISTS ${qualified(database, 'interactions')} (
  id String,
  type ${lc},
  ts_ms UInt64,
  ts ${timeOf(caps, 'ts_ms')},
  schema_version UInt8,
  region ${lc},
  segment ${lc},
  channel ${lc},
  queue ${lc},
  contact_pseudonym String,
  customer_pseudonym String,
  wait_ms Nullable(Float64),
  talk_ms Nullable(Float64),
  hold_ms Nullable(Float64),
  wrap_ms Nullable(Float64),
  resolved Nullable(UInt8),
  agent_id String,
  to_queue ${lc},
  team ${lc},
  agent_queues Array(String),
  agent_state ${lc},
  csat Nullable(UInt8),
  nps Nullable(UInt8),
  ces Nullable(UInt8),
  comment String,
  tags Array(String),
  touchpoint ${lc},
  journey ${lc},
  platform ${lc},
  sentiment Nullable(Float64),
  text String,
  reach Nullable(Float64),
  journey_id String,
  stage ${lc},
  stage_index Nullable(UInt32),
  stage_count Nullable(UInt32),
  outcome ${lc},
  latency_ms Nullable(Float64),
  error_code ${lc}
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMMDD(ts)
ORDER BY (type, ts_ms, id)`,
        // One row per (pipeline, indicator, window, key, window start) once merged: the replacing
        // version orders early < final < correction (see rows.ts replacingVersion), so writing a
        // window again never double counts; read with FINAL or argMax(…, replacing_version).
        sql`CREATE TABLE IF NOT EXISTS ${qualified(database, 'indicator_values')} (
  pipeline ${lc},
  indicator ${lc},
  \`window\` ${lc},
  key_id String,
  key_names Array(String),
  key_values Array(String),
  window_start_ms UInt64,
  window_end_ms UInt64,
  window_start ${timeOf(caps, 'window_start_ms')},
  value Nullable(Float64),
  numerator Nullable(Float64),
  denominator Nullable(Float64),
  samples Nullable(Float64),
  quantile_names Array(String),
  quantile_values Array(Float64),
  part_names Array(String),
  part_values Array(Float64),
  kind ${lc},
  version UInt32,
  replacing_version UInt64,
  written_at_ms UInt64
) ENGINE = ReplacingMergeTree(replacing_version)
PARTITION BY toYYYYMMDD(window_start)
ORDER BY (pipeline, indicator, \`window\`, key_id, window_start_ms)`,
        // Alert lifecycle, one row per change; the newest change (updated_at_ms) replaces older ones.
        sql`CREATE TABLE IF NOT EXISTS ${qualified(database, 'alerts')} (
  id String,
  rule ${lc},
  severity ${lc},
  state ${lc},
  pipeline ${lc},
  indicator ${lc},
  key_id String,
  label_names Array(String),
  label_values Array(String),
  summary String,
  value Nullable(Float64),
  threshold Nullable(Float64),
  starts_at_ms UInt64,
  starts_at ${timeOf(caps, 'starts_at_ms')},
  ends_at_ms Nullable(UInt64),
  acknowledged UInt8,
  acknowledged_by String,
  acknowledged_at_ms Nullable(UInt64),
  updated_at_ms UInt64
) ENGINE = ReplacingMergeTree(updated_at_ms)
PARTITION BY toYYYYMMDD(starts_at)
ORDER BY (rule, id)`,
        // Inputs that did not become events. `original_base64` holds the received bytes with customer
        // and contact ids replaced by their pseudonyms (the Kafka dead-letter topic keeps the exact
        // bytes); a redelivered message collapses onto its source position.
        sql`CREATE TABLE IF NOT EXISTS ${qualified(database, 'dead_letters')} (
  reason ${lc},
  detail String,
  source_topic ${lc},
  source_partition UInt32,
  source_offset String,
  original_base64 String,
  original_size UInt32,
  original_truncated UInt8,
  ts_ms UInt64,
  ts ${timeOf(caps, 'ts_ms')}
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMMDD(ts)
ORDER BY (source_topic, source_partition, source_offset, reason)`,
      ];
    },
  },
  {
    version: 2,
    description: 'work_orders',
    statements({ database, capabilities: caps }) {
      const lc = lowCardinality(caps);
      return [
        // At-risk work orders (src/analytics/at-risk). The id is a hash of customer, cause and dedup
        // period, so a replay raises the same id: one row per id once merged (read with FINAL). The
        // partition is the period's day, not ts: a replay may cross the threshold on another event,
        // and ReplacingMergeTree only collapses rows within one partition.
        sql`CREATE TABLE IF NOT EXISTS ${qualified(database, 'work_orders')} (
  id String,
  pipeline ${lc},
  customer_pseudonym String,
  segment ${lc},
  cause ${lc},
  causes Array(String),
  threshold UInt32,
  abandons UInt32,
  failed_touchpoints UInt32,
  negative_answers UInt32,
  long_waits UInt32,
  repeat_contacts UInt32,
  touchpoint ${lc},
  owner_team ${lc},
  lookback_ms UInt64,
  ts_ms UInt64,
  ts ${timeOf(caps, 'ts_ms')},
  period_start_ms UInt64,
  period_start ${timeOf(caps, 'period_start_ms')},
  written_at_ms UInt64
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMMDD(period_start)
ORDER BY id`,
      ];
    },
  },
  {
    version: 3,
    description: 'tag_rankings',
    statements({ database, capabilities: caps }) {
      const lc = lowCardinality(caps);
      return [
        // Tag rankings (src/analytics/tags): one row per window, key, polarity and rank. Like
        // indicator_values the replacing version puts a final above an early ranking of the same
        // window (is_final), so a window written again, or replayed, reads once with FINAL. Column
        // names avoid count, rank and final, which are functions or keywords to some servers.
        sql`CREATE TABLE IF NOT EXISTS ${qualified(database, 'tag_rankings')} (
  pipeline ${lc},
  \`window\` ${lc},
  key_id String,
  key_names Array(String),
  key_values Array(String),
  polarity ${lc},
  window_start_ms UInt64,
  window_end_ms UInt64,
  window_start ${timeOf(caps, 'window_start_ms')},
  tag_rank UInt32,
  tag String,
  tag_count UInt64,
  count_error UInt64,
  share Float64,
  share_error Float64,
  answers UInt64,
  all_answers UInt64,
  tag_occurrences UInt64,
  count_floor UInt64,
  capacity UInt32,
  is_final UInt8,
  replacing_version UInt64,
  written_at_ms UInt64
) ENGINE = ReplacingMergeTree(replacing_version)
PARTITION BY toYYYYMMDD(window_start)
ORDER BY (pipeline, \`window\`, key_id, polarity, window_start_ms, tag_rank)`,
      ];
    },
  },
  {
    version: 4,
    description: 'insights',
    statements({ database, capabilities: caps }) {
      const lc = lowCardinality(caps);
      return [
        // Insights (src/analytics/insights): channel diversion suggestions and driver analysis
        // reports. The id is a hash of pipeline, kind, key, state and ts, so a replay raises the
        // same id, in the same partition (ts): one row per id once merged (read with FINAL).
        // `details` is the kind's typed details as JSON; the typed columns are what Grafana groups
        // and plots by. `insight_key`, not `key`, which some servers treat as a keyword.
        sql`CREATE TABLE IF NOT EXISTS ${qualified(database, 'insights')} (
  id String,
  pipeline ${lc},
  kind ${lc},
  insight_key String,
  state ${lc},
  ts_ms UInt64,
  ts ${timeOf(caps, 'ts_ms')},
  window_start_ms UInt64,
  window_end_ms UInt64,
  summary String,
  subject String,
  value Nullable(Float64),
  details String,
  written_at_ms UInt64
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMMDD(ts)
ORDER BY (kind, insight_key, ts_ms, id)`,
      ];
    },
  },
  {
    version: 5,
    description: 'proactive_notifications',
    statements({ database, capabilities: caps }) {
      const lc = lowCardinality(caps);
      return [
        // Proactive notifications (src/analytics/proactive). The id is a hash of pipeline, entity,
        // series and cycle start, so a replay raises the same id: one row per id once merged (read
        // with FINAL). The partition is the cycle start's day, not ts: a replay may cross on
        // another event, and ReplacingMergeTree only collapses rows within one partition.
        sql`CREATE TABLE IF NOT EXISTS ${qualified(database, 'proactive_notifications')} (
  id String,
  pipeline ${lc},
  entity_field ${lc},
  entity_pseudonym String,
  customer_pseudonym String,
  segment ${lc},
  series ${lc},
  remaining Float64,
  predicted_usage Float64,
  horizon_ms UInt64,
  margin Float64,
  predicted_run_out_ms Nullable(UInt64),
  run_out_probability Float64,
  usage_next_bucket Float64,
  bucket_ms UInt64,
  level Float64,
  trend Float64,
  residual_sd Float64,
  history_buckets UInt32,
  ts_ms UInt64,
  ts ${timeOf(caps, 'ts_ms')},
  cycle_start_ms UInt64,
  cycle_start ${timeOf(caps, 'cycle_start_ms')},
  written_at_ms UInt64
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMMDD(cycle_start)
ORDER BY id`,
      ];
    },
  },
];

export interface MigrationResult {
  capabilities: ServerCapabilities;
  /** Versions applied by this call (empty when the schema was up to date). */
  applied: number[];
  /** Highest version now recorded. */
  current: number;
}

export async function serverCapabilities(connection: ClickHouseConnection): Promise<ServerCapabilities> {
  const [row] = await connection.query<{ version: string }>(sql`SELECT version() AS version`);
  return capabilitiesOf(row?.version ?? '0.0.0');
}

export async function appliedVersions(connection: ClickHouseConnection, database: string): Promise<number[]> {
  const rows = await connection.query<{ version: number | string }>(
    sql`SELECT DISTINCT version FROM ${qualified(database, 'schema_migrations')} ORDER BY version`,
  );
  return rows.map((r) => Number(r.version));
}

/** Creates the database when missing and applies every migration not yet recorded, in order. */
export async function migrate(
  connection: ClickHouseConnection,
  options: { database: string; migrations?: readonly Migration[] },
): Promise<MigrationResult> {
  const { database } = options;
  const migrations = [...(options.migrations ?? MIGRATIONS)].sort((a, b) => a.version - b.version);
  const capabilities = await serverCapabilities(connection);
  await connection.command(sql`CREATE DATABASE IF NOT EXISTS ${identifier(database)}`);
  await connection.command(
    sql`CREATE TABLE IF NOT EXISTS ${qualified(database, 'schema_migrations')} (
  version UInt32,
  description String,
  server_version String,
  applied_at_ms UInt64
) ENGINE = ReplacingMergeTree
ORDER BY version`,
  );
  const done = new Set(await appliedVersions(connection, database));
  const applied: number[] = [];
  for (const migration of migrations) {
    if (done.has(migration.version)) continue;
    for (const statement of migration.statements({ database, capabilities })) {
      await connection.command(statement);
    }
    await connection.insert(qualified(database, 'schema_migrations'), [
      {
        version: migration.version,
        description: migration.description,
        server_version: capabilities.version,
        applied_at_ms: Date.now(),
      },
    ]);
    applied.push(migration.version);
    done.add(migration.version);
  }
  return { capabilities, applied, current: Math.max(0, ...done) };
}
