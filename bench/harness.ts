/**
 * What a benchmark file exports, what it reports, and a small timing helper.
 *
 * A benchmark is `bench/<name>.bench.ts` exporting `name` and `run()`; `bench/run.ts` finds it.
 * Timing: a few warm-up rounds (let V8 optimise), then N measured rounds, report the median
 * (robust to a noisy neighbour on a shared 2-core machine). When two things are compared, their
 * rounds are interleaved so both see the same machine conditions.
 */

export interface BenchResult {
  name: string;
  value: number;
  /** e.g. `events/s`, `bytes`, `ms`. */
  unit: string;
  /** The same quantity for the reference the result is compared with, measured in the same run. */
  baseline?: number;
  /** value / baseline. */
  ratio?: number;
  /** Anything else worth recording (sample counts, sizes). Must be JSON-serialisable. */
  [detail: string]: unknown;
}

export interface BenchModule {
  name: string;
  run(): Promise<BenchResult | BenchResult[]>;
}

export interface RoundOptions {
  /** Unmeasured rounds first. Default 3. */
  warmup?: number;
  /** Measured rounds; the median is reported. Default 7. */
  rounds?: number;
  /**
   * Runs before every task's round, untimed: e.g. a full GC, so that a task does not pay for the
   * garbage the task before it left behind (each still pays for its own, collected while it runs).
   */
  beforeEach?: () => void;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Measure operations per second of each task, interleaving their rounds. Each task does one round of
 * work and returns how many operations it did. Returns the median rate per task.
 */
export function measureRates<K extends string>(
  tasks: Record<K, () => number>,
  options: RoundOptions = {},
): Record<K, number> {
  const samples = sampleRates(tasks, options);
  return Object.fromEntries(Object.entries(samples).map(([n, s]) => [n, median(s as number[])])) as Record<
    K,
    number
  >;
}

/** Per task, the rate of every measured round (rounds interleaved across tasks). */
export function sampleRates<K extends string>(
  tasks: Record<K, () => number>,
  options: RoundOptions = {},
): Record<K, number[]> {
  const warmup = options.warmup ?? 3;
  const rounds = options.rounds ?? 7;
  const names = Object.keys(tasks) as K[];
  const samples = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  for (let round = 0; round < warmup + rounds; round++) {
    for (const n of names) {
      options.beforeEach?.();
      const start = process.hrtime.bigint();
      const ops = tasks[n]();
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      if (round >= warmup) samples[n].push(ops / seconds);
    }
  }
  return samples;
}

/**
 * Median of the per-round ratios value/baseline of two interleaved sample series. On a noisy machine
 * a slow stretch hits both rounds of a pair, so paired ratios spread less than a ratio of medians.
 */
export function pairedRatio(values: readonly number[], baselines: readonly number[]): number {
  if (values.length !== baselines.length) throw new Error('paired series differ in length');
  return median(values.map((v, i) => v / baselines[i]!));
}

/** A result comparing `value` with `baseline` (ratio = value / baseline), rounded for reading. */
export function compared(
  name: string,
  unit: string,
  value: number,
  baseline: number,
  extra: Record<string, unknown> = {},
): BenchResult {
  return {
    name,
    value: Math.round(value),
    unit,
    baseline: Math.round(baseline),
    ratio: round3(value / baseline),
    ...extra,
  };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
