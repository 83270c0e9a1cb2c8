/**
 * `cxpulse migrate`: applies the ClickHouse schema migrations and exits. The sink also migrates at
 * start; this command is for deployments that want the schema in place before the service runs,
 * or a user without DDL rights for the service itself.
 */
import { loadConfig } from '../config/load-config.js';
import { CxPulseError } from '../errors/codes.js';
import { connectClickHouse } from '../sinks/clickhouse/connection.js';
import { migrate } from '../sinks/clickhouse/migrations.js';
import { EXIT_OK, parseOptions, type Command } from './command.js';

const OPTIONS = {
  config: { type: 'string' },
} as const;

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'create or update the ClickHouse schema (database, tables, schema_migrations)',
  usage: `Usage: cxpulse migrate [--config FILE]

Applies every schema migration not yet recorded in <database>.schema_migrations, in order, on the
ClickHouse of the configuration (clickhouse.url, env CLICKHOUSE_URL), creating the database when
missing. Safe to run again: applied versions are skipped. Adapts to the server version (18.16 and
newer); see docs/storage.md.

Options:
  --config FILE   configuration file (YAML or JSON); also env CXPULSE_CONFIG
  --help          show this help
`,
  async run(argv, io) {
    const { values } = parseOptions(argv, OPTIONS);
    const config = loadConfig({ ...(values.config ? { argvConfigPath: values.config } : {}), env: io.env });
    const { url, database, username, password } = config.clickhouse;
    if (url === '') {
      throw new CxPulseError(
        'CXP_ERR_CLI_USAGE',
        'no ClickHouse configured: set clickhouse.url in the configuration or CLICKHOUSE_URL',
      );
    }
    const connection = connectClickHouse({ url, username, password });
    try {
      const result = await migrate(connection, { database });
      const server = `ClickHouse ${result.capabilities.version}`;
      io.stdout.write(
        result.applied.length > 0
          ? `migrate: applied ${result.applied.join(', ')} to ${database} on ${server}; now at version ${result.current}\n`
          : `migrate: ${database} on ${server} is up to date at version ${result.current}\n`,
      );
      return EXIT_OK;
    } finally {
      await connection.close();
    }
  },
};
