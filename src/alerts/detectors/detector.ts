/**
 * The contract every streaming anomaly detector keeps: one observation in, one verdict out, in
 * order, never looking ahead, with state bounded by its configuration (not by the stream's length).
 */
export interface DetectorResult {
  /** 0..1; 0.5 is where the detector's own alarm level sits (see `zToScore`). */
  score: number;
  isAnomaly: boolean;
  /** What the detector expected to see, or null while it is still learning. */
  expected: number | null;
  /** The range it considered normal, or null while it is still learning. */
  band: [number, number] | null;
  /** The detector that produced (or, for the ensemble, that decided) this verdict. */
  detector: string;
  reason?: string;
}

export interface Detector {
  readonly name: string;
  /** `ts` is epoch ms; `value` must be finite. Results depend only on the updates so far. */
  update(ts: number, value: number): DetectorResult;
}

/**
 * Maps a non-negative deviation measure (a |z|, or a CUSUM sum) onto 0..1 so that `ref` lands
 * exactly on 0.5: s = z² / (z² + ref²). Monotone, 0 at z = 0, → 1 as z grows; a common 0.5
 * threshold then means "at the detector's own alarm level" for every detector.
 */
export function zToScore(z: number, ref: number): number {
  if (!(z > 0)) return 0;
  if (!Number.isFinite(z)) return 1;
  const q = z / ref;
  return (q * q) / (q * q + 1);
}

/** The inverse of `zToScore`: the deviation a score threshold corresponds to. */
export function scoreToZ(score: number, ref: number): number {
  if (score <= 0) return 0;
  if (score >= 1) return Infinity;
  return ref * Math.sqrt(score / (1 - score));
}

/** A verdict for an observation the detector cannot judge yet (warm-up). */
export function learning(detector: string): DetectorResult {
  return { score: 0, isAnomaly: false, expected: null, band: null, detector, reason: 'learning' };
}
