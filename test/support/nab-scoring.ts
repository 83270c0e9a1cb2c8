/**
 * The Numenta Anomaly Benchmark scorer (NAB v1.1, `nab/sweeper.py` and the normalisation in
 * `nab/runner.py`), re-implemented for our tests and `scripts/score-nab.ts`.
 *
 * Per file: the first min(⌊0.15·rows⌋, 750) rows are probationary and not scored. Every row gets a
 * sweep score from its position relative to the labelled windows:
 *   inside a window [l, r] of width w = r − l + 1:   σ(−(r − i + 1)/w) · A_TP / σ(−1)
 *   outside, after window r' of width w':             σ(|r' − i| / (w' − 1)) · A_FP
 *   outside, before any window:                        −1 · A_FP
 * with σ(x) = 2/(1 + e^{5x}) − 1 (and −1 for x ≥ 3), so a detection on a window's first row scores
 * exactly A_TP. For a threshold, the detections are the rows whose anomaly score is ≥ it; each window
 * contributes the best sweep score among its detections (its first, since σ falls through the
 * window) or −A_FN when it has none; every detection outside windows adds its (negative) score.
 * Corpus score = 100 · (Σ raw − Σ null) / (Σ perfect − Σ null), where null detects nothing and
 * perfect detects every row of every window.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseSeriesLine, parseTimestamp } from '../../src/cli/detect-command.js';
import type { Detector } from '../../src/alerts/detectors/detector.js';

export interface CostProfile {
  tpWeight: number;
  fpWeight: number;
  fnWeight: number;
}

/** NAB's "standard" application profile (config/profiles.json). */
export const STANDARD_PROFILE: CostProfile = { tpWeight: 1, fpWeight: 0.11, fnWeight: 1 };

export const PROBATION_PERCENT = 0.15;

export function scaledSigmoid(relativePosition: number): number {
  if (relativePosition >= 3) return -1;
  return 2 / (1 + Math.exp(5 * relativePosition)) - 1;
}

export function probationaryLength(rows: number): number {
  return Math.min(Math.floor(PROBATION_PERCENT * rows), PROBATION_PERCENT * 5000);
}

export interface SweepPoint {
  anomalyScore: number;
  sweepScore: number;
  /** The window's name, null outside windows, 'probationary' in the probationary period. */
  window: string | null;
}

/** NAB's calcSweepScore: one point per row. `windows` are [start, end] timestamps of rows. */
export function sweepPoints(
  timestamps: readonly number[],
  anomalyScores: readonly number[],
  windows: readonly (readonly [number, number])[],
  name: string,
  profile: CostProfile = STANDARD_PROFILE,
): SweepPoint[] {
  if (timestamps.length !== anomalyScores.length) throw new Error('timestamps and scores differ in length');
  const pending = windows.map((w) => [...w] as [number, number]);
  const maxTp = scaledSigmoid(-1);
  const probation = probationaryLength(timestamps.length);
  const points: SweepPoint[] = [];
  let cur: [number, number] | null = null;
  let curName: string | null = null;
  let curWidth = 0;
  let curRight = 0;
  let prevWidth: number | null = null;
  let prevRight: number | null = null;
  for (let i = 0; i < timestamps.length; i++) {
    const t = timestamps[i]!;
    if (cur === null && pending.length > 0 && t === pending[0]![0]) {
      cur = pending.shift()!;
      curName = `${name}|${cur[0]}`;
      // Python's list.index: the first row carrying the timestamp.
      curRight = timestamps.indexOf(cur[1]);
      curWidth = curRight - timestamps.indexOf(cur[0]) + 1;
      if (curRight < 0) throw new Error(`${name}: window end ${cur[1]} is not a row's timestamp`);
    }
    let sweepScore: number;
    if (cur !== null) {
      sweepScore = (scaledSigmoid(-(curRight - i + 1) / curWidth) * profile.tpWeight) / maxTp;
    } else {
      const past = prevRight === null ? 3 : Math.abs(prevRight - i) / (prevWidth! - 1);
      sweepScore = scaledSigmoid(past) * profile.fpWeight;
    }
    points.push({
      anomalyScore: anomalyScores[i]!,
      sweepScore,
      window: i >= probation ? curName : 'probationary',
    });
    if (cur !== null && t === cur[1]) {
      prevRight = i;
      prevWidth = curWidth;
      cur = null;
      curName = null;
    }
  }
  if (pending.length > 0) throw new Error(`${name}: window start ${pending[0]![0]} is not a row's timestamp`);
  return points;
}

export interface ThresholdScore {
  threshold: number;
  score: number;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  /** Windows with at least one detection, and windows scored. */
  windowsDetected: number;
  windows: number;
  /** Detections outside windows (rows, after probation). */
  falseAlarms: number;
}

/** The raw score of points (one file or many) when rows with anomaly score ≥ threshold are detections. */
export function scoreAtThreshold(
  points: readonly SweepPoint[],
  threshold: number,
  profile: CostProfile = STANDARD_PROFILE,
): ThresholdScore {
  const best = new Map<string, number>();
  let fpScore = 0;
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  let falseAlarms = 0;
  for (const p of points) {
    if (p.window === 'probationary') continue;
    const detected = p.anomalyScore >= threshold;
    if (p.window !== null) {
      const prev = best.get(p.window) ?? -profile.fnWeight;
      if (detected) {
        tp++;
        best.set(p.window, Math.max(prev, p.sweepScore));
      } else {
        fn++;
        best.set(p.window, prev);
      }
    } else if (detected) {
      fp++;
      falseAlarms++;
      fpScore += p.sweepScore;
    } else tn++;
  }
  let windowScore = 0;
  let windowsDetected = 0;
  for (const s of best.values()) {
    windowScore += s;
    if (s > -profile.fnWeight) windowsDetected++;
  }
  return {
    threshold,
    score: windowScore + fpScore,
    tp,
    fp,
    fn,
    tn,
    windowsDetected,
    windows: best.size,
    falseAlarms,
  };
}

/** The scores of the null detector (nothing detected) and the perfect one (every window row detected). */
export function nullAndPerfect(points: readonly SweepPoint[], profile: CostProfile = STANDARD_PROFILE) {
  const none = points.map((p) => ({ ...p, anomalyScore: 0 }));
  const all = points.map((p) => ({
    ...p,
    anomalyScore: p.window !== null && p.window !== 'probationary' ? 1 : 0,
  }));
  return { null: scoreAtThreshold(none, 1, profile).score, perfect: scoreAtThreshold(all, 1, profile).score };
}

export function normalise(raw: number, nullScore: number, perfect: number): number {
  return (100 * (raw - nullScore)) / (perfect - nullScore);
}

export interface NabFile {
  /** Relative path as in windows.json, e.g. `realKnownCause/nyc_taxi.csv`. */
  path: string;
  category: string;
  timestamps: number[];
  values: number[];
  windows: [number, number][];
}

/** Reads the NAB subset (a folder per category, `windows.json` beside them). */
export function loadNabCorpus(dir: string): NabFile[] {
  const labels = JSON.parse(readFileSync(join(dir, 'windows.json'), 'utf8')) as Record<
    string,
    [string, string][]
  >;
  const files: NabFile[] = [];
  for (const category of readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()) {
    for (const file of readdirSync(join(dir, category))
      .filter((f) => f.endsWith('.csv'))
      .sort()) {
      const path = `${category}/${file}`;
      const lines = readFileSync(join(dir, path), 'utf8').split('\n');
      const timestamps: number[] = [];
      const values: number[] = [];
      for (let i = 1; i < lines.length; i++) {
        const line = lines[i]!.endsWith('\r') ? lines[i]!.slice(0, -1) : lines[i]!;
        if (line === '') continue;
        const row = parseSeriesLine(line);
        if (typeof row === 'string') throw new Error(`${path}: line ${i + 1}: ${row}`);
        timestamps.push(row.ts);
        values.push(row.value);
      }
      const windows = (labels[path] ?? []).map(
        ([a, b]) => [parseTimestamp(a)!, parseTimestamp(b)!] as [number, number],
      );
      files.push({ path, category, timestamps, values, windows });
    }
  }
  return files;
}

export interface FileResult {
  path: string;
  category: string;
  points: SweepPoint[];
  result: ThresholdScore;
  nullScore: number;
  perfect: number;
}

export interface CorpusResult {
  files: FileResult[];
  raw: number;
  nullScore: number;
  perfect: number;
  /** NAB score, 0 for the null detector, 100 for the perfect one. */
  score: number;
  byCategory: Record<
    string,
    { raw: number; score: number; windows: number; detected: number; falseAlarms: number }
  >;
}

/**
 * Runs a fresh detector over every file and scores its alarms (is_anomaly, i.e. the detector's own
 * threshold and suppression) as detections.
 */
export function scoreDetector(
  corpus: readonly NabFile[],
  makeDetector: () => Detector,
  profile: CostProfile = STANDARD_PROFILE,
): CorpusResult {
  const files: FileResult[] = corpus.map((f) => {
    const detector = makeDetector();
    const alarms = f.values.map((v, i) => (detector.update(f.timestamps[i]!, v).isAnomaly ? 1 : 0));
    const points = sweepPoints(f.timestamps, alarms, f.windows, f.path, profile);
    const np = nullAndPerfect(points, profile);
    return {
      path: f.path,
      category: f.category,
      points,
      result: scoreAtThreshold(points, 1, profile),
      nullScore: np.null,
      perfect: np.perfect,
    };
  });
  const sum = (xs: FileResult[], pick: (r: FileResult) => number) => xs.reduce((a, r) => a + pick(r), 0);
  const byCategory: CorpusResult['byCategory'] = {};
  for (const category of [...new Set(files.map((f) => f.category))]) {
    const fs = files.filter((f) => f.category === category);
    const raw = sum(fs, (r) => r.result.score);
    const n = sum(fs, (r) => r.nullScore);
    const p = sum(fs, (r) => r.perfect);
    byCategory[category] = {
      raw,
      // A category without windows has null = perfect = 0: report its raw (FP) cost instead.
      score: p > n ? normalise(raw, n, p) : NaN,
      windows: sum(fs, (r) => r.result.windows),
      detected: sum(fs, (r) => r.result.windowsDetected),
      falseAlarms: sum(fs, (r) => r.result.falseAlarms),
    };
  }
  const raw = sum(files, (r) => r.result.score);
  const nullScore = sum(files, (r) => r.nullScore);
  const perfect = sum(files, (r) => r.perfect);
  return { files, raw, nullScore, perfect, score: normalise(raw, nullScore, perfect), byCategory };
}
