/**
 * Global setup of the `e2e` project: Debian's Chromium, installed with apt-get when missing (the
 * tests run as root in CI and in the dev container). playwright-core drives it; no browser download.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM = '/usr/bin/chromium';

export default function setup(): void {
  if (existsSync(CHROMIUM)) return;
  process.stderr.write('e2e: installing chromium with apt-get\n');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', 'chromium'], { stdio: 'inherit', env });
  if (!existsSync(CHROMIUM)) throw new Error(`apt-get install chromium did not provide ${CHROMIUM}`);
}
