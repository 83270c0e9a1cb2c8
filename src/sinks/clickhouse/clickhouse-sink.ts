/**
 * The ClickHouse sink: one facade over the schema, the table writers, pseudonymisation and
 * retention. The app calls `migrate()` once at start, then the `write*` methods; each resolves when
 * its rows are stored (the commit rule: acknowledge the input only then), and waits while the
 * table's writer is full (back-pressure). See docs/storage.md.
 */
import type { SchedulerLike } from 'rxjs';
import type { AppConfig } from '../../config/app-config.js';
import type { DeadLetter } from '../../events/dead-letter.js';
import type { CxEvent } from '../../events/types.js';
import { CxPulseError } from '../../errors/codes.js';
import type { RetryPolicy } from '../../errors/retry-policy.js';
import type { IndicatorValue } from '../../windows/indicator-value.js';
import { createBatchWriter, type BatchWriter } from './batch-writer.js';
import { connectClickHouse, type ClickHouseConnection } from './connection.js';
import { migrate, TABLES, type MigrationResult, type TableName } from './migrations.js';
import { createPseudonymiser, randomPseudonymSecret } from './pseudonymiser.js';
import { applyRetention } from './retention.js';
import { insertColumnProblems, type DescribedColumn } from './row-binary.js';
import {
  alertEncoder,
  deadLetterEncoder,
  encodeIndicatorValues,
  encodeInteractionEvents,
  indicatorValueEncoder,
  interactionEncoder,
  type RowEncoder,
} from './row-encoders.js';
import { alertRow, deadLetterRow, type AlertRecord, type AlertRow, type DeadLetterRow } from './rows.js';
import type { ServerCapabilities } from './server-capabilities.js';
import type { WorkOrder } from '../../analytics/at-risk/work-order.js';
import { workOrderEncoder, type WorkOrderRow } from './work-order-rows.js';
import type { ProactiveNotification } from '../../analytics/proactive/proactive-notification.js';
import {
  proactiveNotificationEncoder,
  type ProactiveNotificationRow,
} from './proactive-notification-rows.js';
import type { Insight } from '../../analytics/insights/insight.js';
import { insightEncoder, type InsightRow } from './insight-rows.js';
import type { TagRanking } from '../../analytics/tags/tag-ranking.js';
import { tagRankingEncoder, type TagRankingRow } from './tag-ranking-rows.js';
import { qualified, sql } from './sql.js';

export interface ClickHouseBatchOptions {
  /** Rows per insert at most. Default 10 000. */
  maxRows?: number;
  /** Longest a row waits for its batch. Default 1000 ms. */
  maxAgeMs?: number;
  /** Rows held per table before writes wait (back-pressure). Default 100 000. */
  maxBufferedRows?: number;
  /** Default 2 (`DEFAULT_MAX_CONCURRENT_INSERTS`). */
  maxConcurrentInserts?: number;
}

export interface ClickHouseSinkOptions {
  url: string;
  /** Default `cxpulse`. */
  database?: string;
  username?: string;
  password?: string;
  /**
   * Key of the customer/contact id pseudonyms. When absent a random one is made for this process
   * (pseudonyms then change at every restart) and `onWarning` says so.
   */
  secret?: string | Buffer;
  /** Days of data kept; 0 keeps everything. Default 90. */
  retentionDays?: number;
  /** How often the retention job runs on servers without TTL. Default 1 h. */
  retentionIntervalMs?: number;
  /** Store early firings too (many: one per key per firing interval). Default false: final and corrections only. */
  writeEarlyValues?: boolean;
  batch?: ClickHouseBatchOptions;
  retryPolicy?: RetryPolicy;
  scheduler?: SchedulerLike;
  /** Where warnings go; default `process.emitWarning`. */
  onWarning?: (message: string) => void;
  /** Tests and embedders may bring their own connection; it is then not closed by `close()`. */
  connection?: ClickHouseConnection;
  /** Wall clock for `written_at_ms` and retention; default Date.now. */
  now?: () => number;
}

export interface ClickHouseSink {
  /** Creates the database and applies pending migrations; then starts the retention job. Call first. */
  migrate(): Promise<MigrationResult>;
  writeEvents(events: readonly CxEvent[]): Promise<void>;
  /** Early firings are skipped unless `writeEarlyValues`. */
  writeValues(values: readonly IndicatorValue[]): Promise<void>;
  writeDeadLetters(deadLetters: readonly DeadLetter[]): Promise<void>;
  writeAlerts(alerts: readonly AlertRecord[]): Promise<void>;
  /** At-risk work orders (`work_orders`, one row per id once merged). */
  writeWorkOrders(workOrders: readonly WorkOrder[]): Promise<void>;
  /** Proactive notifications (`proactive_notifications`, one row per id once merged). */
  writeProactiveNotifications(notifications: readonly ProactiveNotification[]): Promise<void>;
  /** Insights: diversion suggestions, driver reports (`insights`, one row per id once merged). */
  writeInsights(insights: readonly Insight[]): Promise<void>;
  /** Tag rankings (`tag_rankings`, one row per entry); early ones are skipped unless `writeEarlyValues`. */
  writeTagRankings(rankings: readonly TagRanking[]): Promise<void>;
  /** One retention pass now (also run periodically after `migrate()`). */
  applyRetention(): Promise<void>;
  readonly database: string;
  /** Known after `migrate()`. */
  readonly capabilities: ServerCapabilities | undefined;
  /** Flushes and stores what is held (up to `timeoutMs`, default 30 s), then closes the connection. */
  close(options?: { timeoutMs?: number }): Promise<void>;
}

export const DEFAULT_RETENTION_DAYS = 90;

export function createClickHouseSink(options: ClickHouseSinkOptions): ClickHouseSink {
  const database = options.database ?? 'cxpulse';
  const ownConnection = options.connection === undefined;
  const connection =
    options.connection ??
    connectClickHouse({ url: options.url, username: options.username, password: options.password });
  const now = options.now ?? Date.now;
  const warn = options.onWarning ?? ((message: string) => process.emitWarning(message, 'CxPulseWarning'));
  let secret = options.secret;
  if (secret === undefined || secret.length === 0) {
    warn(
      'clickhouse: no pseudonymisation secret configured (clickhouse.pseudonymSecret / CLICKHOUSE_PSEUDONYM_SECRET); ' +
        'using a random one for this process, so customer pseudonyms will not match across restarts',
    );
    secret = randomPseudonymSecret();
  }
  const pseudonymise = createPseudonymiser(secret);
  const retentionDays = options.retentionDays ?? DEFAULT_RETENTION_DAYS;
  const writeEarly = options.writeEarlyValues ?? false;

  const encoders: Record<TableName, RowEncoder<never>> = {
    interactions: interactionEncoder,
    indicator_values: indicatorValueEncoder,
    alerts: alertEncoder,
    dead_letters: deadLetterEncoder,
    work_orders: workOrderEncoder,
    proactive_notifications: proactiveNotificationEncoder,
    insights: insightEncoder,
    tag_rankings: tagRankingEncoder,
  };
  function writerFor<Row extends object>(
    table: TableName,
    encode: (rows: readonly Row[]) => Buffer,
  ): BatchWriter<Row> {
    const target = qualified(database, table);
    const columns = encoders[table].columns.map(([name]) => name);
    return createBatchWriter<Row>({
      table,
      insert: (rows) => connection.insertRowBinary(target, columns, encode(rows)),
      ...options.batch,
      ...(options.retryPolicy ? { retryPolicy: options.retryPolicy } : {}),
      ...(options.scheduler ? { scheduler: options.scheduler } : {}),
    });
  }
  // Events are held as they are and mapped while their batch is encoded (the caller keeps them
  // until the write resolves anyway): no row object per event, and the work overlaps the insert
  // in flight instead of running inside writeEvents.
  const interactions = writerFor<CxEvent>('interactions', (events) =>
    encodeInteractionEvents(events, pseudonymise),
  );
  // Likewise values: `written_at_ms` is when their insert is encoded, at most a batch age (plus
  // any wait under back-pressure) after `writeValues`.
  const values = writerFor<IndicatorValue>('indicator_values', (batch) =>
    encodeIndicatorValues(batch, now()),
  );
  const alerts = writerFor<AlertRow>('alerts', (rows) => alertEncoder.encode(rows));
  const deadLetters = writerFor<DeadLetterRow>('dead_letters', (rows) => deadLetterEncoder.encode(rows));
  const workOrders = writerFor<WorkOrderRow>('work_orders', (rows) => workOrderEncoder.encode(rows));
  const proactiveNotifications = writerFor<ProactiveNotificationRow>('proactive_notifications', (rows) =>
    proactiveNotificationEncoder.encode(rows),
  );
  const insights = writerFor<InsightRow>('insights', (rows) => insightEncoder.encode(rows));
  const tagRankings = writerFor<TagRankingRow>('tag_rankings', (rows) => tagRankingEncoder.encode(rows));

  // RowBinary has no names or types on the wire: a table that drifted from what we encode would
  // be misread, not refused, so it is compared once before anything is written.
  const checkColumns = async () => {
    const problems: string[] = [];
    for (const table of TABLES) {
      const described = await connection.query<DescribedColumn>(
        sql`DESCRIBE TABLE ${qualified(database, table)}`,
      );
      for (const problem of insertColumnProblems(encoders[table].columns, described)) {
        problems.push(`${table}: ${problem}`);
      }
    }
    if (problems.length > 0) {
      throw new CxPulseError(
        'CXP_ERR_SINK_CLICKHOUSE_REJECTED',
        `clickhouse tables in ${database} differ from what the sink writes: ${problems.join('; ')}`,
      );
    }
  };

  let capabilities: ServerCapabilities | undefined;
  let retentionTimer: ReturnType<typeof setInterval> | undefined;
  let retentionRunning: Promise<void> | undefined;

  const runRetention = async () => {
    if (capabilities === undefined) return;
    await applyRetention(connection, {
      database,
      tables: TABLES,
      retentionDays,
      capabilities,
      nowMs: now(),
    });
  };
  const scheduledRetention = () => {
    // One pass at a time; a failure is reported and tried again at the next tick.
    retentionRunning ??= runRetention()
      .catch((error: unknown) => warn(`clickhouse: retention failed: ${(error as Error).message}`))
      .finally(() => (retentionRunning = undefined));
  };

  return {
    database,
    get capabilities() {
      return capabilities;
    },
    async migrate() {
      const result = await migrate(connection, { database });
      await checkColumns();
      capabilities = result.capabilities;
      if (retentionDays > 0 && retentionTimer === undefined) {
        scheduledRetention();
        retentionTimer = setInterval(scheduledRetention, options.retentionIntervalMs ?? 3_600_000);
        retentionTimer.unref();
      }
      return result;
    },
    writeEvents(events) {
      return interactions.write(events);
    },
    writeValues(batch) {
      const stored = writeEarly || !batch.some((v) => v.kind === 'early');
      return values.write(stored ? batch : batch.filter((v) => v.kind !== 'early'));
    },
    writeDeadLetters(batch) {
      return deadLetters.write(batch.map((d) => deadLetterRow(d, pseudonymise)));
    },
    writeAlerts(batch) {
      return alerts.write(batch.map(alertRow));
    },
    writeWorkOrders(batch) {
      const writtenAtMs = now();
      return workOrders.write(batch.map((workOrder) => ({ workOrder, writtenAtMs })));
    },
    writeProactiveNotifications(batch) {
      const writtenAtMs = now();
      return proactiveNotifications.write(batch.map((notification) => ({ notification, writtenAtMs })));
    },
    writeInsights(batch) {
      const writtenAtMs = now();
      return insights.write(batch.map((insight) => ({ insight, writtenAtMs })));
    },
    writeTagRankings(batch) {
      const writtenAtMs = now();
      const stored = writeEarly ? batch : batch.filter((r) => r.kind !== 'early');
      return tagRankings.write(stored.map((ranking) => ({ ranking, writtenAtMs })));
    },
    applyRetention: runRetention,
    async close(closeOptions) {
      if (retentionTimer !== undefined) clearInterval(retentionTimer);
      await Promise.all(
        [
          interactions,
          values,
          alerts,
          deadLetters,
          workOrders,
          proactiveNotifications,
          insights,
          tagRankings,
        ].map((w) => w.close(closeOptions)),
      );
      await retentionRunning;
      if (ownConnection) await connection.close();
    },
  };
}

/** The sink's options from the application configuration (`clickhouse.*`). */
export function clickHouseSinkOptionsFromConfig(config: AppConfig['clickhouse']): ClickHouseSinkOptions {
  return {
    url: config.url,
    database: config.database,
    username: config.username,
    password: config.password,
    ...(config.pseudonymSecret ? { secret: config.pseudonymSecret } : {}),
    retentionDays: config.retentionDays ?? DEFAULT_RETENTION_DAYS,
    writeEarlyValues: config.writeEarlyValues ?? false,
    batch: {
      ...(config.batchRows !== undefined ? { maxRows: config.batchRows } : {}),
      ...(config.batchMaxAgeMs !== undefined ? { maxAgeMs: config.batchMaxAgeMs } : {}),
      ...(config.maxBufferedRows !== undefined ? { maxBufferedRows: config.maxBufferedRows } : {}),
    },
  };
}
