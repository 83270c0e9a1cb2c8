/**
 * A ClickHouse server from Debian's clickhouse-server package (18.16 on Debian 12), run with the
 * project's own config (scripts/clickhouse/) so it listens on loopback only and keeps every file
 * in the services folder. The package's system service is never used.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { aptInstall, isOurProcess, spawnDetached, waitUntil, type Log } from './processes.js';

export interface ClickHouseServiceOptions {
  /** Repository root: the config templates are read from scripts/clickhouse/ there. */
  repoRoot: string;
  /** Folder for this server's config, data and logs; removed by `down`. */
  dir: string;
  /** HTTP interface port (the one @clickhouse/client uses), 127.0.0.1 only. */
  httpPort: number;
  /** Native protocol port (clickhouse-client), 127.0.0.1 only. */
  tcpPort: number;
}

/**
 * The server binary and the arguments that put it in server mode. Debian's 18.16 ships a separate
 * clickhouse-server binary; upstream packages ship one `clickhouse` binary with subcommands.
 */
function findServerCommand(): { command: string; args: string[] } | undefined {
  for (const path of ['/usr/sbin/clickhouse-server', '/usr/bin/clickhouse-server']) {
    if (existsSync(path)) return { command: path, args: [] };
  }
  if (existsSync('/usr/bin/clickhouse')) return { command: '/usr/bin/clickhouse', args: ['server'] };
  return undefined;
}

export function ensureClickHouseInstalled(log: Log): { command: string; args: string[] } {
  const found = findServerCommand();
  if (found) return found;
  aptInstall(['clickhouse-server', 'clickhouse-client'], log);
  const installed = findServerCommand();
  if (!installed) throw new Error('clickhouse-server was installed but no server binary was found');
  return installed;
}

/** Writes the config into the services folder and starts the server in the foreground (no --daemon). */
export function startClickHouse(
  options: ClickHouseServiceOptions,
  log: Log,
): { pid: number; marker: string } {
  const server = ensureClickHouseInstalled(log);
  const { dir } = options;
  for (const sub of ['log', 'data', 'data/tmp', 'data/user_files', 'data/format_schemas']) {
    mkdirSync(join(dir, sub), { recursive: true });
  }
  const template = readFileSync(join(options.repoRoot, 'scripts/clickhouse/config.xml'), 'utf8');
  const configPath = join(dir, 'config.xml');
  writeFileSync(
    configPath,
    template
      .replaceAll('@SERVICE_DIR@', dir)
      .replaceAll('@HTTP_PORT@', String(options.httpPort))
      .replaceAll('@TCP_PORT@', String(options.tcpPort)),
  );
  // users_config is resolved relative to the main config file.
  copyFileSync(join(options.repoRoot, 'scripts/clickhouse/users.xml'), join(dir, 'users.xml'));

  const pid = spawnDetached(server.command, [...server.args, `--config-file=${configPath}`], {
    cwd: dir,
    logFile: join(dir, 'log', 'stdout.log'),
  });
  return { pid, marker: configPath };
}

/** Waits until `SELECT 1` answers over HTTP. */
export async function waitForClickHouse(
  url: string,
  options: { timeoutMs: number; pid?: number; marker?: string },
): Promise<void> {
  const probeUrl = new URL(url);
  probeUrl.searchParams.set('query', 'SELECT 1');
  // fetch refuses URLs with credentials in them; ClickHouse takes the same as Basic auth.
  const headers: Record<string, string> = {};
  if (probeUrl.username !== '') {
    const user = decodeURIComponent(probeUrl.username);
    const password = decodeURIComponent(probeUrl.password);
    headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    probeUrl.username = '';
    probeUrl.password = '';
  }
  await waitUntil(
    `ClickHouse at ${url}`,
    async () => {
      const response = await fetch(probeUrl, { headers, signal: AbortSignal.timeout(2000) });
      return response.ok && (await response.text()).trim() === '1';
    },
    {
      timeoutMs: options.timeoutMs,
      isDead: () =>
        options.pid !== undefined &&
        options.marker !== undefined &&
        !isOurProcess(options.pid, options.marker)
          ? 'the server exited; see its logs'
          : undefined,
    },
  );
}
