/**
 * Process and file plumbing shared by the local services (Kafka, ClickHouse): start a server
 * detached from the caller, recognise it again later by pid, stop it, and serialise callers
 * that share one services folder.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export type Log = (message: string) => void;

/**
 * Starts a long-lived server in its own process group with output sent to a file, so it outlives
 * the `npm run services:up` that started it and cannot hold the caller's terminal open.
 */
export function spawnDetached(
  command: string,
  args: readonly string[],
  options: { cwd: string; logFile: string; env?: NodeJS.ProcessEnv },
): number {
  const out = openSync(options.logFile, 'a');
  try {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: ['ignore', out, out],
    });
    if (child.pid === undefined) throw new Error(`could not start ${command}`);
    child.unref();
    return child.pid;
  } finally {
    closeSync(out);
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else, so it is alive (and not ours to stop).
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A pid alone can be reused by an unrelated process after ours died; the marker (a path only our
 * server has on its command line) tells ours apart. Without /proc we can only trust the pid.
 */
export function isOurProcess(pid: number, marker: string): boolean {
  if (!isAlive(pid)) return false;
  const cmdlinePath = `/proc/${pid}/cmdline`;
  if (!existsSync(cmdlinePath)) return true;
  try {
    // A zombie (exited, not yet reaped) has an empty command line: it is not a running server.
    return readFileSync(cmdlinePath, 'utf8').split('\0').join(' ').includes(marker);
  } catch {
    return false;
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
export async function stopProcess(pid: number, graceMs: number): Promise<void> {
  const signalGroup = (signal: NodeJS.Signals): void => {
    try {
      // Negative pid: the whole group made by spawnDetached, in case the server forked helpers.
      process.kill(-pid, signal);
    } catch {
      try {
        process.kill(pid, signal);
      } catch {
        // Already gone.
      }
    }
  };
  if (!isAlive(pid)) return;
  signalGroup('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isRunning(pid)) return;
    await sleep(100);
  }
  signalGroup('SIGKILL');
  for (let i = 0; i < 50 && isRunning(pid); i++) await sleep(100);
}

/** Alive and not a zombie: a detached child that exited stays a zombie until its parent reaps it. */
function isRunning(pid: number): boolean {
  if (!isAlive(pid)) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 3, after the parenthesised command name, is the state letter.
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return isAlive(pid);
  }
}

/** True when nothing listens on host:port, checked by binding it ourselves for a moment. */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Calls `probe` until it resolves true or `timeoutMs` passes; `describe` names it in the error. */
export async function waitUntil(
  describe: string,
  probe: () => Promise<boolean>,
  options: { timeoutMs: number; intervalMs?: number; isDead?: () => string | undefined },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const death = options.isDead?.();
    if (death !== undefined) throw new Error(`${describe}: ${death}`);
    try {
      if (await probe()) return;
    } catch (error) {
      lastError = error;
    }
    await sleep(options.intervalMs ?? 250);
  }
  const reason = lastError instanceof Error ? `: ${lastError.message}` : '';
  throw new Error(`${describe}: not ready after ${options.timeoutMs} ms${reason}`);
}

/** Whether `command` can be run from PATH. */
export function hasCommand(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** Runs a command to completion, throwing with its output when it fails. */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): string {
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw new Error(`${command} could not run: ${result.error.message}`);
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-30).join('\n');
    throw new Error(`${command} ${args.join(' ')} exited with ${result.status}\n${output}`);
  }
  return result.stdout;
}

/** Installs Debian packages; only possible as root (the case on this project's machines and CI). */
export function aptInstall(packages: readonly string[], log: Log): void {
  if (process.getuid?.() !== 0) {
    throw new Error(
      `missing ${packages.join(', ')}: install them (apt-get install ${packages.join(' ')}) or run as root`,
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  log(`installing ${packages.join(', ')} with apt-get (once per machine)`);
  run('apt-get', ['update', '-q'], { env });
  run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...packages], { env });
}

/**
 * A lock file next to the services state, so two callers sharing one checkout (two terminals, or
 * `services:up` racing a test run) never start the same server twice. A lock whose holder died is
 * taken over.
 */
export async function withLock<T>(lockFile: string, timeoutMs: number, body: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSafe(lockFile));
      if (!Number.isInteger(holder) || holder <= 0 || !isAlive(holder)) {
        try {
          unlinkSync(lockFile);
        } catch {
          // Someone else removed it first.
        }
        continue;
      }
      if (Date.now() > deadline) {
        throw new Error(`services lock ${lockFile} held by pid ${holder} for too long`, { cause: error });
      }
      await sleep(200);
    }
  }
  try {
    return await body();
  } finally {
    try {
      if (readFileSafe(lockFile) === String(process.pid)) unlinkSync(lockFile);
    } catch {
      // The folder may have been removed by `down`.
    }
  }
}

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}
