/**
 * Composition root of the `cxpulse` command: picks the command, maps errors to exit codes
 * (0 ok, 1 failure, 2 usage or configuration error) and wires signals.
 */
import { CxPulseError } from './errors/codes.js';
import { EXIT_FAILURE, EXIT_USAGE, type CliIo, type Command } from './cli/command.js';
import { commands } from './cli/commands.js';

export function helpText(all: readonly Command[]): string {
  const width = Math.max(...all.map((c) => c.name.length));
  return [
    'cxpulse — real-time customer-experience monitor',
    '',
    'Usage: cxpulse <command> [options]   (cxpulse <command> --help for its options)',
    '',
    'Commands:',
    ...all.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
  ].join('\n');
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(helpText(commands));
    return name ? 0 : EXIT_USAGE;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`cxpulse: unknown command "${name}"\n\n${helpText(commands)}`);
    return EXIT_USAGE;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${command.usage.trimEnd()}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof CxPulseError) {
      io.stderr.write(`cxpulse ${name}: ${error.message} [${error.code}]\n`);
      const usage =
        error.code === 'CXP_ERR_CLI_USAGE' ||
        error.code.startsWith('CXP_ERR_CONFIG') ||
        error.code === 'CXP_ERR_PIPELINE_INVALID';
      return usage ? EXIT_USAGE : EXIT_FAILURE;
    }
    io.stderr.write(`cxpulse ${name}: ${(error as Error)?.stack ?? String(error)}\n`);
    return EXIT_FAILURE;
  }
}

const isEntryPoint =
  process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isEntryPoint) {
  main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
  }).then((code) => {
    process.exitCode = code;
  });
}
