import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    reporters: ['default', 'json'],
    outputFile: { json: 'reports/vitest.json' },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          // CI runs the three projects side by side on 2 cores: a simulator test of 2.5 s alone takes
          // several times that there, past vitest's 5 s default.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          // Starts Kafka and ClickHouse (scripts/lib/services.ts) unless KAFKA_BROKERS / CLICKHOUSE_URL are set.
          globalSetup: ['test/integration/global-setup.ts'],
          // One file at a time: the files share one broker and one server on a 2-core machine.
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          // Installs Debian's chromium when /usr/bin/chromium is missing.
          globalSetup: ['test/e2e/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
