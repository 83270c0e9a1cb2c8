/**
 * Memory benchmarks measure in a child process: `--expose-gc`, nothing else loaded, and compiled
 * JavaScript as production runs it (`node dist/main.js`, the Docker image), not the tsx loader,
 * which alone adds about 35 MB of RSS and keeps every transpiled module's source. So the child is
 * the benchmark file bundled to plain JavaScript by esbuild (what tsx itself uses);
 * `BENCH_MEMORY_TSX=1` runs it under tsx instead, to compare.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export function memoryChildRuntime(): 'tsx' | 'bundled-js' {
  return process.env.BENCH_MEMORY_TSX === '1' ? 'tsx' : 'bundled-js';
}

/** Node arguments that run `benchFileUrl` (an `import.meta.url`) as the child. */
export async function memoryChildCommand(benchFileUrl: string): Promise<string[]> {
  const self = fileURLToPath(benchFileUrl);
  if (memoryChildRuntime() === 'tsx') return ['--import', 'tsx', self];
  // One level below the root like bench/, so its packages and ../pipelines resolve as from there.
  const root = dirname(dirname(self));
  const stem = self.slice(dirname(self).length + 1).replace(/\.ts$/, '');
  const outfile = join(root, '.tmp', `${stem}.mjs`);
  await build({
    entryPoints: [self],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Kept external: packages resolve from node_modules as in production.
    packages: 'external',
    absWorkingDir: root,
    logLevel: 'error',
  });
  return [outfile];
}

/** Runs the child and parses the JSON report it prints as its last line. */
export function runMemoryChild<R>(command: readonly string[], args: readonly string[]): R {
  const child = spawnSync(process.execPath, ['--expose-gc', ...command, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
    cwd: process.cwd(),
  });
  if (child.status !== 0) throw new Error(`memory child ${args.join(' ')} failed: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').pop() ?? '') as R;
}
