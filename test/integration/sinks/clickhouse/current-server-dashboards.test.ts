/**
 * Every Grafana panel's SQL on a current ClickHouse (chdb-core 26.9, ./current-clickhouse.ts) gives
 * what it gives on 18.16: the same simulator history is stored by the real sink into both servers,
 * each query is expanded the way the plugin expands it (../../dashboards/grafana-macros.ts) and
 * run on both, and the columns and the rows must agree. dashboards.test.ts pins the columns each
 * panel shows on 18.16, so they hold on the current server too.
 */
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { readFileSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChdbServer } from '../../../../scripts/lib/chdb-engine.js';
import { expandGrafanaSql, type VariableSelection } from '../../dashboards/grafana-macros.js';
import { seedHistory, type SeedResult } from '../../dashboards/seed-history.js';
import { uniqueName } from '../../helpers/names.js';
import { clickhouseUrl } from '../../helpers/services.js';
import { CURRENT_CLICKHOUSE_SETUP_MS, startCurrentClickHouse } from './current-clickhouse.js';

interface Target {
  datasource: { uid: string };
  rawSql?: string;
  format?: number;
}
interface Dashboard {
  uid: string;
  panels: Array<{ title: string; targets: Target[] }>;
  templating: { list: Array<{ name: string; query: { rawSql: string } }> };
}

const CLICKHOUSE_UID = 'cxpulse-clickhouse';
const dashboards: Dashboard[] = readdirSync('dashboards')
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(`dashboards/${f}`, 'utf8')) as Dashboard);

const minute = 60_000;
const startTs = Math.floor((Date.now() - 50 * minute) / minute) * minute;
const durationMs = 20 * minute;
const range = { fromMs: startTs - 5 * minute, toMs: startTs + durationMs + 5 * minute };

interface Server {
  name: string;
  client: ClickHouseClient;
  database: string;
  seeded?: SeedResult;
}

let chdb: ChdbServer;
const servers: Server[] = [];

interface Result {
  columns: Array<{ name: string; type: string }>;
  rows: Array<Record<string, unknown>>;
}

async function run(server: Server, query: string): Promise<Result> {
  const result = await server.client.query({
    query,
    format: 'JSON',
    // The same text on both: 64-bit integers are quoted on 18.16 by default and bare from 25.8.
    clickhouse_settings: { output_format_json_quote_64bit_integers: 1 },
  });
  const body = (await result.json()) as { meta: Result['columns']; data: Result['rows'] };
  return { columns: body.meta, rows: body.data };
}

/** Rows as comparable values: numbers rounded to 12 significant digits (sums may add up in another order). */
function canonical(rows: ReadonlyArray<Record<string, unknown>>): string[] {
  const value = (v: unknown): unknown => {
    if (typeof v === 'number') return Number(v.toPrecision(12));
    if (typeof v === 'string' && /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(v) && v.length < 16)
      return Number(Number(v).toPrecision(12));
    if (Array.isArray(v)) return v.map(value);
    return v;
  };
  return rows.map((row) => JSON.stringify(Object.entries(row).map(([k, v]) => [k, value(v)]))).sort();
}

beforeAll(async () => {
  chdb = await startCurrentClickHouse();
  const old: Server = {
    name: '18.16',
    client: createClient({ url: clickhouseUrl() }),
    database: uniqueName('db'),
  };
  const current: Server = {
    name: chdb.version,
    client: createClient({ url: chdb.url }),
    database: uniqueName('db'),
  };
  servers.push(old, current);
  for (const server of servers) {
    server.seeded = await seedHistory({
      url: server === old ? clickhouseUrl() : chdb.url,
      database: server.database,
      startTs,
      durationMs,
      rate: 40,
    });
    // Unqualified table names in the panels resolve in the datasource's default database.
    await server.client.close();
    server.client = createClient({
      url: server === old ? clickhouseUrl() : chdb.url,
      database: server.database,
    });
  }
}, CURRENT_CLICKHOUSE_SETUP_MS);

afterAll(async () => {
  for (const server of servers) {
    await server.client.command({ query: `DROP DATABASE IF EXISTS ${server.database}` }).catch(() => {});
    await server.client.close();
  }
  await chdb?.stop();
});

describe('dashboards on a current ClickHouse', () => {
  it('store the same history on both servers', async () => {
    const [old, current] = servers;
    expect(current!.seeded!.events).toBe(old!.seeded!.events);
    expect(current!.seeded!.values).toBe(old!.seeded!.values);
    // FINAL: without it a count depends on when each server happened to merge its parts.
    for (const table of ['interactions', 'indicator_values', 'alerts', 'dead_letters', 'work_orders']) {
      const counts = await Promise.all(
        servers.map(async (s) => (await run(s, `SELECT count() AS n FROM ${table} FINAL`)).rows[0]!.n),
      );
      expect(counts[1], table).toBe(counts[0]);
      expect(counts[0], table).not.toBe('0');
    }
  });

  for (const dashboard of dashboards) {
    it(`${dashboard.uid}: every variable and panel query returns the same columns and rows as on 18.16`, async () => {
      const [old, current] = servers as [Server, Server];
      const all: VariableSelection[] = dashboard.templating.list.map((v) => ({
        name: v.name,
        selected: ['$__all'],
        options: [],
      }));
      const options: VariableSelection[] = [];
      for (const variable of dashboard.templating.list) {
        const query = expandGrafanaSql(variable.query.rawSql, {
          ...range,
          intervalMs: minute,
          variables: all,
        });
        const [a, b] = [await run(old, query), await run(current, query)];
        expect(canonical(b.rows), `$${variable.name}`).toEqual(canonical(a.rows));
        const values = b.rows.map((r) => String(r[b.columns[0]!.name]));
        expect(values.length, `$${variable.name} has options`).toBeGreaterThan(1);
        options.push({ name: variable.name, selected: ['$__all'], options: values });
      }
      const single = options.map((v) => ({ ...v, selected: [v.options[0]!] }));
      let compared = 0;
      for (const panel of dashboard.panels) {
        for (const target of panel.targets.filter((t) => t.datasource.uid === CLICKHOUSE_UID)) {
          for (const [label, variables, intervalMs] of [
            ['All', options, minute],
            ['one value', single, 10_000],
          ] as const) {
            const key = `${dashboard.uid}/${panel.title} (${label})`;
            const query = expandGrafanaSql(target.rawSql!, { ...range, intervalMs, variables });
            let b: Result;
            try {
              b = await run(current, query);
            } catch (error) {
              throw new Error(`${key} failed on ${current.name}: ${(error as Error).message}\n${query}`, {
                cause: error,
              });
            }
            const a = await run(old, query);
            expect(
              b.columns.map((c) => c.name),
              key,
            ).toEqual(a.columns.map((c) => c.name));
            if (target.format === 0) expect(b.columns[0]!.type, `${key} time column`).toMatch(/^DateTime/);
            expect(canonical(b.rows), key).toEqual(canonical(a.rows));
            if (label === 'All') expect(b.rows.length, `${key} returns rows`).toBeGreaterThan(0);
            compared++;
          }
        }
      }
      expect(compared).toBeGreaterThan(0);
    });
  }
});
