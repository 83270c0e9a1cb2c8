/**
 * `npx tsx scripts/chdb-server.ts`: a current ClickHouse engine (chdb-core, see
 * scripts/lib/chdb-engine.ts) behind its HTTP front on a free loopback port, until Ctrl-C.
 * Prints `CLICKHOUSE_URL=…` on stdout, so the app or a test file can be pointed at it by hand.
 * The data lives in a temporary folder that is removed at exit.
 */
import { ensureChdbPython, startChdbServer } from './lib/chdb-engine.js';
import { servicesConfigFromEnv } from './lib/services.js';

const log = (message: string): void => {
  process.stderr.write(`chdb: ${message}\n`);
};

async function main(): Promise<void> {
  const python = await ensureChdbPython({ cacheDir: servicesConfigFromEnv().cacheDir, log });
  const server = await startChdbServer({ python, log });
  process.stdout.write(`CLICKHOUSE_URL=${server.url}\n`);
  const stop = (): void => {
    void server.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  log(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
