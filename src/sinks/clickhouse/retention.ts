/**
 * Retention: rows older than `retentionDays` go away, by day.
 *
 * Servers with table TTL (19.6+) get a TTL clause, set at start when it differs from the
 * configuration (`ALTER TABLE … MODIFY TTL`), and the server expires rows itself. ClickHouse 18.16
 * has no TTL, so there the sink drops whole daily partitions older than the cutoff, periodically
 * (`ALTER TABLE … DROP PARTITION YYYYMMDD`): every table is partitioned by `toYYYYMMDD` of its time
 * column, so that drops whole days and never rewrites a part. Retention is therefore day-granular:
 * a row lives between `retentionDays` and `retentionDays + 1` days.
 */
import { publish } from '../../observability/instrumentation.js';
import type { ClickHouseConnection } from './connection.js';
import type { TableName } from './migrations.js';
import type { ServerCapabilities } from './server-capabilities.js';
import { identifier, qualified, sql } from './sql.js';

/** The date-typed column each table is partitioned by. */
export const PARTITION_TIME_COLUMN: Record<TableName, string> = {
  interactions: 'ts',
  indicator_values: 'window_start',
  alerts: 'starts_at',
  dead_letters: 'ts',
  work_orders: 'period_start',
  proactive_notifications: 'cycle_start',
  insights: 'ts',
  tag_rankings: 'window_start',
};

const DAY_MS = 86_400_000;

/** The first partition (YYYYMMDD, UTC) that is kept. */
export function retentionCutoff(nowMs: number, retentionDays: number): number {
  const d = new Date(nowMs - retentionDays * DAY_MS);
  return d.getUTCFullYear() * 10_000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
}

/** Drops the daily partitions older than the cutoff; returns them per table. */
export async function dropExpiredPartitions(
  connection: ClickHouseConnection,
  options: { database: string; tables: readonly TableName[]; retentionDays: number; nowMs: number },
): Promise<Partial<Record<TableName, number[]>>> {
  const cutoff = retentionCutoff(options.nowMs, options.retentionDays);
  const rows = await connection.query<{ table: string; partition: string }>(
    sql`SELECT DISTINCT table, partition FROM system.parts
WHERE database = ${options.database} AND active AND has(${[...options.tables]}, table)`,
  );
  const dropped: Partial<Record<TableName, number[]>> = {};
  for (const { table, partition } of rows) {
    // Partitions are toYYYYMMDD values; anything else is not ours to judge.
    if (!/^\d{8}$/.test(partition) || Number(partition) >= cutoff) continue;
    const name = table as TableName;
    await connection.command(
      sql`ALTER TABLE ${qualified(options.database, name)} DROP PARTITION ${Number(partition)}`,
    );
    (dropped[name] ??= []).push(Number(partition));
  }
  for (const [table, partitions] of Object.entries(dropped)) {
    publish('sink.clickhouse.retention', { table, partitionsDropped: partitions.length });
  }
  return dropped;
}

/** Sets `TTL <time column> + N days` on each table whose TTL differs (servers with TTL only). */
export async function ensureTtl(
  connection: ClickHouseConnection,
  options: { database: string; tables: readonly TableName[]; retentionDays: number },
): Promise<TableName[]> {
  const rows = await connection.query<{ name: string; engine_full: string }>(
    sql`SELECT name, engine_full FROM system.tables WHERE database = ${options.database} AND has(${[...options.tables]}, name)`,
  );
  const changed: TableName[] = [];
  for (const { name, engine_full: engine } of rows) {
    const current = /\bTTL\b.*?toIntervalDay\((\d+)\)/.exec(engine)?.[1];
    if (current !== undefined && Number(current) === options.retentionDays) continue;
    const table = name as TableName;
    const column = identifier(PARTITION_TIME_COLUMN[table]);
    await connection.command(
      sql`ALTER TABLE ${qualified(options.database, table)} MODIFY TTL toDateTime(${column}) + toIntervalDay(${options.retentionDays})`,
    );
    changed.push(table);
  }
  return changed;
}

/** One retention pass with the strategy the server supports. */
export async function applyRetention(
  connection: ClickHouseConnection,
  options: {
    database: string;
    tables: readonly TableName[];
    retentionDays: number;
    capabilities: ServerCapabilities;
    nowMs: number;
  },
): Promise<void> {
  if (options.retentionDays <= 0) return;
  if (options.capabilities.ttl) await ensureTtl(connection, options);
  else await dropExpiredPartitions(connection, options);
}
