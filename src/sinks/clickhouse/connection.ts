/**
 * The one place that talks to @clickhouse/client: a small port (`ClickHouseConnection`) the
 * migrations, the writer and the retention job use, and its adapter.
 *
 * Errors leave this file typed: a server error that retrying cannot fix (bad SQL, a row that does
 * not parse, a missing column, wrong credentials) becomes CXP_ERR_SINK_CLICKHOUSE_REJECTED
 * (not retriable); anything else (connection refused, timeouts, a server under pressure) becomes
 * CXP_ERR_SINK_CLICKHOUSE (retriable), so the shared retry policy does the right thing.
 */
import { Readable } from 'node:stream';
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { CxPulseError } from '../../errors/codes.js';
import { identifier, joinSql, sql, type Sql } from './sql.js';

export interface ClickHouseConnection {
  command(statement: Sql): Promise<void>;
  query<T>(statement: Sql): Promise<T[]>;
  /** Inserts rows as JSONEachRow into `table` (already checked and qualified: `db`.`table`). */
  insert(table: Sql, rows: readonly object[]): Promise<void>;
  /**
   * Inserts a RowBinary body (row-binary.ts) into `columns` of `table`. The body carries no names
   * or types: the caller must have checked that `columns` match the table (`insertColumnProblems`).
   */
  insertRowBinary(table: Sql, columns: readonly string[], body: Buffer): Promise<void>;
  close(): Promise<void>;
}

export interface ConnectionOptions {
  url: string;
  username?: string;
  password?: string;
  /** Per request; default 30 s. */
  requestTimeoutMs?: number;
}

/**
 * Server error codes (ClickHouse ErrorCodes.cpp) that mean the statement or the data is wrong:
 * parse and type errors, unknown columns and tables, syntax, authentication.
 */
const PERMANENT_CODES = new Set([
  6, 16, 26, 27, 38, 41, 43, 44, 47, 53, 60, 62, 69, 70, 72, 81, 117, 130, 131, 192, 193, 349, 497, 516,
]);

/**
 * Settings of every `query()`, so that its rows read the same on every server version. ClickHouse
 * 25.8 turned `output_format_json_quote_64bit_integers` off by default: (U)Int64 columns and
 * `count()` came back as JSON numbers there and as strings on 18.16, and a number above 2^53 would
 * lose digits. Quoted, they are strings everywhere and exact.
 */
const QUERY_SETTINGS = { output_format_json_quote_64bit_integers: 1 } as const;

export function serverErrorCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^\d+$/.test(code)) return Number(code);
  // 18.16 words its errors `Code: 62, e.displayText() = …`, which the client does not parse.
  const match = /\bCode: (\d+)/.exec(error instanceof Error ? error.message : String(error));
  return match ? Number(match[1]) : undefined;
}

export function classifyClickHouseError(error: unknown, what: string): CxPulseError {
  if (error instanceof CxPulseError) return error;
  const code = serverErrorCode(error);
  const message = `${what}: ${error instanceof Error ? error.message : String(error)}`;
  return new CxPulseError(
    code !== undefined && PERMANENT_CODES.has(code)
      ? 'CXP_ERR_SINK_CLICKHOUSE_REJECTED'
      : 'CXP_ERR_SINK_CLICKHOUSE',
    message.length > 2000 ? `${message.slice(0, 2000)}…` : message,
    { cause: error },
  );
}

export function connectClickHouse(options: ConnectionOptions): ClickHouseConnection {
  // No default database on the client: the database may not exist yet (migrations create it), so
  // every statement names its database itself.
  const client: ClickHouseClient = createClient({
    url: options.url,
    username: options.username ?? 'default',
    password: options.password ?? '',
    request_timeout: options.requestTimeoutMs ?? 30_000,
    // Errors reach the caller typed and are counted through instrumentation; the client's own
    // console logging would print every retried attempt a second time.
    log: { level: ClickHouseLogLevel.OFF },
  });
  return {
    async command(statement) {
      try {
        await client.command({ query: statement.text });
      } catch (error) {
        throw classifyClickHouseError(error, 'clickhouse command failed');
      }
    },
    async query<T>(statement: Sql) {
      try {
        const result = await client.query({
          query: statement.text,
          format: 'JSONEachRow',
          clickhouse_settings: QUERY_SETTINGS,
        });
        return await result.json<T>();
      } catch (error) {
        throw classifyClickHouseError(error, 'clickhouse query failed');
      }
    },
    async insert(table, rows) {
      if (rows.length === 0) return;
      try {
        await client.insert({ table: table.text, values: rows as object[], format: 'JSONEachRow' });
      } catch (error) {
        throw classifyClickHouseError(error, `clickhouse insert into ${table.text} failed`);
      }
    },
    async insertRowBinary(table, columns, body) {
      if (body.length === 0) return;
      const columnList = joinSql(columns.map((c) => sql`${identifier(c)}`));
      try {
        // The client has no RowBinary encoder (insert() only takes JSON rows or text formats), so
        // the body goes through exec(), which sends the statement in the URL and the bytes as is.
        const result = await client.exec({
          query: sql`INSERT INTO ${table} (${columnList}) FORMAT RowBinary`.text,
          values: Readable.from([body], { objectMode: false }),
        });
        // The response body of an insert is empty; reading it to the end frees the socket for reuse.
        for await (const chunk of result.stream) void chunk;
      } catch (error) {
        throw classifyClickHouseError(error, `clickhouse insert into ${table.text} failed`);
      }
    },
    close: () => client.close(),
  };
}
