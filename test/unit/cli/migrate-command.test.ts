import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { migrateCommand } from '../../../src/cli/migrate-command.js';
import { CxPulseError } from '../../../src/errors/codes.js';

const io = (env: Record<string, string> = {}) => ({
  stdout: new PassThrough(),
  stderr: new PassThrough(),
  stdin: new PassThrough(),
  env,
});

describe('cxpulse migrate', () => {
  it('says what to set when no ClickHouse is configured', async () => {
    const run = migrateCommand.run([], io());
    await expect(run).rejects.toThrow(CxPulseError);
    await expect(migrateCommand.run([], io())).rejects.toThrow(/CLICKHOUSE_URL/);
  });

  it('rejects unknown options as a usage error', async () => {
    await expect(migrateCommand.run(['--nope'], io())).rejects.toMatchObject({ code: 'CXP_ERR_CLI_USAGE' });
  });
});
