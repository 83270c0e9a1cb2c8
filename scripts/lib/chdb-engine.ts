/**
 * A current ClickHouse engine for tests, without Docker and without a server package: chdb-core
 * (ClickHouse compiled into a Python extension, from PyPI) in a virtualenv cached once per
 * machine, and scripts/chdb/http_front.py, which serves it over the part of ClickHouse's HTTP
 * interface that @clickhouse/client uses. The project's ClickHouse code then runs unchanged
 * against it: see docs/storage.md, Verified on.
 *
 * The default virtualenv holds chdb-core alone (`--no-deps`): the pandas and pyarrow it declares
 * serve its DataFrame and Arrow outputs, which the front never uses. The download is one 181 MB
 * wheel (559 MB installed). CXP_CHDB_PACKAGE picks another engine by hand, e.g. `chdb==3.7.2`
 * (ClickHouse 25.8.2.1, the line docker-compose.yml runs); chdb before 4.x imports pyarrow and
 * pandas, so any other package is installed with its dependencies (1.2 GB for 3.7.2).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { aptInstall, hasCommand, run, withLock, type Log } from './processes.js';

/** chdb-core's version is its ClickHouse release (26.9.0 reports `SELECT version()` 26.9.2.1). */
export const DEFAULT_CHDB_PACKAGE = 'chdb-core==26.9.0';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const FRONT_SCRIPT = join(repoRoot, 'scripts/chdb/http_front.py');
const INSTALL_LOCK_TIMEOUT_MS = 15 * 60_000;
const START_TIMEOUT_MS = 60_000;

/**
 * The base interpreter: CXP_PYTHON, else python3 from PATH, installed with Debian's venv module
 * when missing (as Kafka's Java is: root on this project's machines and CI).
 */
function basePython(log: Log): string {
  const configured = process.env.CXP_PYTHON;
  if (configured !== undefined && configured !== '') return configured;
  const hasVenv = (): boolean => {
    try {
      run('python3', ['-c', 'import ensurepip, venv']);
      return true;
    } catch {
      return false;
    }
  };
  if (!hasCommand('python3') || !hasVenv()) aptInstall(['python3', 'python3-venv'], log);
  return 'python3';
}

/**
 * The virtualenv's interpreter, with chdb importable; made on first use under `cacheDir` (the
 * services' cache, beside Kafka's jars). The folder is keyed by the package and the base Python's
 * version, since a virtualenv only works with the interpreter that made it.
 */
export async function ensureChdbPython(options: { cacheDir: string; log: Log }): Promise<string> {
  const requested = process.env.CXP_CHDB_PACKAGE;
  const spec = requested !== undefined && requested !== '' ? requested : DEFAULT_CHDB_PACKAGE;
  if (!/^[A-Za-z0-9_.-]+==[A-Za-z0-9_.+-]+$/.test(spec)) {
    throw new Error(`CXP_CHDB_PACKAGE=${spec}: expected NAME==VERSION, e.g. chdb==3.7.2`);
  }
  const base = basePython(options.log);
  const pythonVersion = run(base, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])']).trim();
  const home = join(options.cacheDir, `${spec.replace('==', '-')}-py${pythonVersion}`);
  const python = join(home, 'venv', 'bin', 'python');
  const complete = join(home, 'complete');
  if (existsSync(complete)) return python;
  mkdirSync(options.cacheDir, { recursive: true });
  await withLock(`${home}.lock`, INSTALL_LOCK_TIMEOUT_MS, async () => {
    // Another process may have finished the install while we waited for the lock.
    if (existsSync(complete)) return;
    rmSync(home, { recursive: true, force: true });
    mkdirSync(home, { recursive: true });
    const started = performance.now();
    options.log(`installing ${spec} from PyPI into ${home} (once per machine)`);
    run(base, ['-m', 'venv', join(home, 'venv')]);
    const noDeps = spec.startsWith('chdb-core==') ? ['--no-deps'] : [];
    run(python, [
      '-m',
      'pip',
      'install',
      '--quiet',
      ...noDeps,
      '--no-cache-dir',
      '--disable-pip-version-check',
      spec,
    ]);
    const version = run(python, [
      '-c',
      'import chdb; print(chdb.query("SELECT version()", "TabSeparated").bytes().decode().strip())',
    ]).trim();
    writeFileSync(complete, `${version}\n`);
    options.log(
      `${spec} (ClickHouse ${version}) installed in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  });
  return python;
}

export interface ChdbServer {
  /** Base URL of the HTTP front, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** What the engine answers to `SELECT version()`. */
  version: string;
  /** Stops the front and removes its data folder. */
  stop(): Promise<void>;
}

/**
 * Starts the HTTP front on a free loopback port over a fresh data folder. It also stops by itself
 * when this process exits (its standard input closes), so a killed test run leaves nothing behind.
 */
export async function startChdbServer(options: { python: string; log?: Log }): Promise<ChdbServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cxpulse-chdb-'));
  const child: ChildProcess = spawn(options.python, [FRONT_SCRIPT, '--path', dataDir, '--port', '0'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.stdin!.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const first = await new Promise<string>((resolveLine, reject) => {
      const lines = createInterface({ input: child.stdout! });
      const timer = setTimeout(
        () => reject(new Error(`chdb front: no address after ${START_TIMEOUT_MS} ms`)),
        START_TIMEOUT_MS,
      );
      lines.once('line', (line) => {
        clearTimeout(timer);
        resolveLine(line);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`chdb front exited (${code ?? signal}) before listening:\n${stderr}`));
      });
      child.once('error', reject);
    });
    const { url, version } = JSON.parse(first) as { url: string; version: string };
    options.log?.(`chdb front on ${url}, ClickHouse ${version}`);
    return { url, version, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
