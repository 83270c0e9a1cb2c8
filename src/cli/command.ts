/** What every `cxpulse <command>` implements, so help and exit codes are uniform. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CxPulseError } from '../errors/codes.js';

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Returns the process exit code. */
  run(argv: string[], io: CliIo): Promise<number>;
}

/** Exit codes: 0 ok, 1 runtime failure, 2 usage or configuration error. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** parseArgs with strict checking, turned into our typed usage error. */
export function parseOptions<O extends OptionSpec>(argv: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals });
  } catch (error) {
    throw new CxPulseError('CXP_ERR_CLI_USAGE', (error as Error).message);
  }
}

export function numberOption(
  value: string | undefined,
  name: string,
  fallback: number,
  min = -Infinity,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min) {
    throw new CxPulseError(
      'CXP_ERR_CLI_USAGE',
      `--${name} must be a number${min > -Infinity ? ` ≥ ${min}` : ''}, got "${value}"`,
    );
  }
  return n;
}
