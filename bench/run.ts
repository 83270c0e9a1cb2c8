/**
 * Benchmark runner: `npm run bench` runs every `bench/*.bench.ts`; `npm run bench -- NAME [NAME…]`
 * runs only those whose exported `name` (or file name without `.bench.ts`) is NAME.
 *
 * Prints one line per result on stdout: `BENCH {"name":…,"value":…,"unit":…[,"baseline":…,"ratio":…]}`
 * so CI and scripts can grep and parse them; progress goes to stderr. Exit code 1 when a benchmark
 * throws, 2 when a requested NAME matches nothing.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DEFAULT_CONFIG } from '../src/config/app-config.js';
import { applyHeapGrowth } from '../src/runtime-tuning.js';
import type { BenchModule, BenchResult } from './harness.js';

const SUFFIX = '.bench.ts';

async function main(argv: readonly string[]): Promise<number> {
  const dir = dirname(fileURLToPath(import.meta.url));
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(SUFFIX))
    .sort();
  const wanted = new Set(argv);
  const matched = new Set<string>();
  let failed = false;

  for (const file of files) {
    const stem = file.slice(0, -SUFFIX.length);
    const mod = (await import(pathToFileURL(join(dir, file)).href)) as Partial<BenchModule>;
    if (typeof mod.name !== 'string' || typeof mod.run !== 'function') {
      process.stderr.write(`bench: ${file} does not export name and run(); skipped\n`);
      continue;
    }
    if (wanted.size > 0 && !wanted.has(mod.name) && !wanted.has(stem)) continue;
    matched.add(mod.name).add(stem);
    process.stderr.write(`bench: running ${mod.name}\n`);
    try {
      const results: BenchResult[] = ([] as BenchResult[]).concat(await mod.run());
      for (const result of results) process.stdout.write(`BENCH ${JSON.stringify(result)}\n`);
    } catch (err) {
      failed = true;
      process.stderr.write(`bench: ${mod.name} failed: ${(err as Error).stack ?? String(err)}\n`);
    }
  }

  const unknown = [...wanted].filter((n) => !matched.has(n));
  if (unknown.length > 0) {
    process.stderr.write(`bench: no benchmark named ${unknown.join(', ')}\n`);
    return 2;
  }
  return failed ? 1 : 0;
}

// Benchmarks measure the process as `cxpulse run` tunes it at start.
applyHeapGrowth(Number(process.env.BENCH_HEAP_GROWTH ?? DEFAULT_CONFIG.runtime.heapGrowthPercent));
process.exitCode = await main(process.argv.slice(2));
