/**
 * What the analytics memory benchmarks (at-risk, proactive-care) share: a seeded generator, and
 * one loop that feeds an engine synthetic batches, times only the engine, and reports resident
 * memory after a full GC (run in a bench child with `--expose-gc`, see bench-child.ts).
 */
import type { CxEvent } from '../src/events/types.js';

/** A small LCG: the same events every run, and cheap beside what it feeds. */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

export interface BatchEngineReport {
  eventsPerSecond: number;
  rssMB: number;
  rssBeforeMB: number;
  heapUsedMB: number;
  peakRssMB: number;
  /** Outputs the engine appended over the run (work orders, notifications). */
  outputs: number;
  processSeconds: number;
}

/** A full GC when the child has one, then the resident set: the baseline before an engine is built. */
export function rssAfterGc(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss;
}

export function runBatchEngine<O>(options: {
  events: number;
  batchSize: number;
  /** RSS before the engine was built (rssAfterGc()). */
  rssBefore: number;
  makeBatch: (from: number) => CxEvent[];
  process: (batch: CxEvent[], out: O[]) => void;
}): BatchEngineReport {
  const { events, batchSize, rssBefore } = options;
  let outputs = 0;
  let processNs = 0n;
  let peakRss = 0;
  for (let done = 0; done < events; done += batchSize) {
    const batch = options.makeBatch(done);
    const out: O[] = [];
    const start = process.hrtime.bigint();
    options.process(batch, out);
    processNs += process.hrtime.bigint() - start;
    outputs += out.length;
    if (done % 100_000 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  // Twice: the first full GC can leave garbage that finalisation freed for the second.
  rssAfterGc();
  rssAfterGc();
  const mem = process.memoryUsage();
  const mb = (bytes: number): number => Math.round(bytes / 1e5) / 10;
  const seconds = Number(processNs) / 1e9;
  return {
    eventsPerSecond: Math.round(events / seconds),
    rssMB: mb(mem.rss),
    rssBeforeMB: mb(rssBefore),
    heapUsedMB: mb(mem.heapUsed),
    peakRssMB: mb(Math.max(peakRss, mem.rss)),
    outputs,
    processSeconds: Math.round(seconds * 100) / 100,
  };
}
