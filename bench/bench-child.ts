/**
 * Memory and throughput benchmarks measure in a child process: `--expose-gc`, nothing else loaded,
 * and compiled JavaScript as production runs it (`node dist/main.js`, the Docker image), not the tsx
 * loader. The loader alone adds about 35 MB of RSS and keeps every transpiled module's source, and
 * code run through it is not timed like compiled code: the pipeline benchmark's hand loop ran at
 * 1.5–2.4 M events/s under tsx and 3.8–4.3 M bundled in the same session. So the child is the
 * benchmark file bundled to plain JavaScript by esbuild (what tsx itself uses); `BENCH_CHILD_TSX=1`
 * (or the older `BENCH_MEMORY_TSX=1`) runs it under tsx instead, to compare.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export function benchChildRuntime(): 'tsx' | 'bundled-js' {
  return process.env.BENCH_CHILD_TSX === '1' || process.env.BENCH_MEMORY_TSX === '1' ? 'tsx' : 'bundled-js';
}

/** Node arguments that run `benchFileUrl` (an `import.meta.url`) as the child. */
export async function benchChildCommand(benchFileUrl: string): Promise<string[]> {
  const self = fileURLToPath(benchFileUrl);
  if (benchChildRuntime() === 'tsx') return ['--import', 'tsx', self];
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
export function runBenchChild<R>(command: readonly string[], args: readonly string[]): R {
  const child = spawnSync(process.execPath, ['--expose-gc', ...command, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
    cwd: process.cwd(),
  });
  if (child.status !== 0) throw new Error(`benchmark child ${args.join(' ')} failed: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').pop() ?? '') as R;
}
