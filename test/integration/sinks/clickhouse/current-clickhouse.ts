/**
 * A current ClickHouse for the tests that verify the sink's new-server dialect: chdb-core behind
 * its HTTP front (scripts/lib/chdb-engine.ts). The first run on a machine installs chdb-core from
 * PyPI into the services' cache (≈ 181 MB, 10 s here); later runs start in about a second.
 */
import { ensureChdbPython, startChdbServer, type ChdbServer } from '../../../../scripts/lib/chdb-engine.js';
import { servicesConfigFromEnv } from '../../../../scripts/lib/services.js';

/** Long enough for the one-time install on a slow link; later starts take about a second. */
export const CURRENT_CLICKHOUSE_SETUP_MS = 10 * 60_000;

export async function startCurrentClickHouse(): Promise<ChdbServer> {
  const log = (message: string): void => {
    process.stderr.write(`chdb: ${message}\n`);
  };
  const python = await ensureChdbPython({ cacheDir: servicesConfigFromEnv().cacheDir, log });
  return startChdbServer({ python, log });
}
