/**
 * `npm run services:up` / `npm run services:down`: the local Kafka and ClickHouse on 127.0.0.1.
 * `up` prints the env lines the app and tests read; `down` stops them (once no test run uses
 * them, or at once with --force); `status` tells what is running.
 * See docs/services.md for ports, env vars and versions.
 */
import { servicesConfigFromEnv, servicesDown, servicesStatus, servicesUp } from './lib/services.js';

const log = (message: string): void => {
  process.stderr.write(`services: ${message}\n`);
};

async function main(command: string | undefined): Promise<void> {
  switch (command) {
    case 'up': {
      const startedAt = performance.now();
      const result = await servicesUp({ keep: true, log });
      const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
      const parts = [
        result.started.length > 0 ? `started ${result.started.join(', ')}` : '',
        result.reused.length > 0 ? `reused ${result.reused.join(', ')}` : '',
        result.external.length > 0 ? `external ${result.external.join(', ')}` : '',
      ].filter((part) => part !== '');
      log(`${parts.join('; ')} in ${seconds} s (data in ${servicesConfigFromEnv().dir})`);
      // Plain KEY=value lines on stdout, so `eval "$(npm run -s services:up)"` or `>> .env` works.
      process.stdout.write(
        `KAFKA_BROKERS=${result.env.KAFKA_BROKERS}\nCLICKHOUSE_URL=${result.env.CLICKHOUSE_URL}\n`,
      );
      return;
    }
    case 'down': {
      const { stopped, usedBy } = await servicesDown({ force: process.argv.includes('--force'), log });
      if (stopped.length > 0) log(`stopped ${stopped.join(', ')}`);
      else if (usedBy.length === 0) log('nothing was running');
      return;
    }
    case 'status': {
      for (const [name, status] of Object.entries(servicesStatus()))
        process.stdout.write(`${name}: ${status}\n`);
      return;
    }
    default:
      process.stderr.write('usage: tsx scripts/services.ts up | down [--force] | status\n');
      process.exitCode = 2;
  }
}

main(process.argv[2]).catch((error: unknown) => {
  log(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
