/**
 * A throw-away Prometheus Alertmanager for integration tests: Debian's prometheus-alertmanager
 * (0.25 on Debian 12; installed with apt-get when missing), on 127.0.0.1 with a temporary storage
 * folder, a minimal config (one receiver that sends nowhere) and gossip off
 * (`--cluster.listen-address=`). Port 19193 by default: 19093 is Kafka's controller.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { portFromEnv } from './services.js';
import { aptInstall, isOurProcess, spawnDetached, stopProcess, waitUntil, type Log } from './processes.js';

export const ALERTMANAGER_BINARY = '/usr/bin/prometheus-alertmanager';
export const DEFAULT_ALERTMANAGER_PORT = 19193;

export interface AlertmanagerService {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

const CONFIG = `route:
  receiver: nowhere
  group_wait: 0s
  group_interval: 1s
receivers:
  - name: nowhere
`;

export async function startAlertmanager(
  options: { port?: number; log?: Log; timeoutMs?: number } = {},
): Promise<AlertmanagerService> {
  const log = options.log ?? (() => undefined);
  if (!existsSync(ALERTMANAGER_BINARY)) aptInstall(['prometheus-alertmanager'], log);
  const port = options.port ?? portFromEnv('CXP_ALERTMANAGER_PORT', DEFAULT_ALERTMANAGER_PORT);
  const dir = mkdtempSync(join(tmpdir(), 'cxpulse-alertmanager-'));
  const configPath = join(dir, 'alertmanager.yml');
  writeFileSync(configPath, CONFIG);
  const pid = spawnDetached(
    ALERTMANAGER_BINARY,
    [
      `--config.file=${configPath}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
    ],
    { cwd: dir, logFile: join(dir, 'alertmanager.log') },
  );
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await stopProcess(pid, 5000);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntil(
      `Alertmanager at ${url}`,
      async () => (await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2000) })).ok,
      {
        timeoutMs: options.timeoutMs ?? 30_000,
        isDead: () =>
          isOurProcess(pid, configPath) ? undefined : `exited; see ${join(dir, 'alertmanager.log')}`,
      },
    );
  } catch (error) {
    await stopProcess(pid, 2000);
    throw error;
  }
  log(`alertmanager ready at ${url} (pid ${pid})`);
  return { url, pid, stop };
}
