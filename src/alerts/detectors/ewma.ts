/**
 * EWMA control limits: an exponentially weighted mean and variance, and the z-value of each new
 * observation against them (computed before the observation updates them).
 *
 *   z   = (x − μ) / σ,  σ = √v
 *   μ  ← μ + a·(x̃ − μ),   v ← (1 − a)·(v + a·(x̃ − μ)²)      (Finch 2009, incremental EWM variance)
 *   a   = max(α, 1/n) for the n-th observation: a plain running mean and variance until there are
 *         1/α observations, so the first estimates are not biased towards the first value
 *   x̃  = x clipped to μ ± clip·σ, so one outlier cannot blow up σ for the next 1/α observations
 *   score = z² / (z² + zThreshold²)
 */
import { learning, zToScore, type Detector, type DetectorResult } from './detector.js';
import { fmt } from './seasonal.js';

export interface EwmaConfig {
  /** Smoothing factor of mean and variance (0..1]. Default 0.05 (a memory of about 20 observations). */
  alpha: number;
  /** Observations before it judges. Default 30. */
  warmup: number;
  /** |z| that maps to score 0.5. Default 5. */
  zThreshold: number;
  /** Updates are clipped to this many σ. Default 4. */
  clip: number;
  /** Score at or above which the observation is anomalous. Default 0.5. */
  threshold: number;
}

export const EWMA_DEFAULTS: EwmaConfig = { alpha: 0.05, warmup: 30, zThreshold: 5, clip: 4, threshold: 0.5 };

export class EwmaDetector implements Detector {
  readonly name = 'ewma';
  private readonly config: EwmaConfig;
  private mean = 0;
  private variance = 0;
  private count = 0;

  constructor(config: Partial<EwmaConfig> = {}) {
    this.config = { ...EWMA_DEFAULTS, ...config };
  }

  update(_ts: number, value: number): DetectorResult {
    const c = this.config;
    this.count++;
    if (this.count === 1) {
      this.mean = value;
      return learning(this.name);
    }
    const sigma = Math.sqrt(this.variance);
    const deviation = value - this.mean;
    const z = deviation === 0 ? 0 : sigma > 0 ? Math.abs(deviation) / sigma : Infinity;
    const expected = this.mean;
    const limit = c.clip * sigma;
    const clipped =
      this.count > c.warmup && sigma > 0 ? Math.max(-limit, Math.min(limit, deviation)) : deviation;
    const a = Math.max(c.alpha, 1 / this.count);
    this.mean += a * clipped;
    this.variance = (1 - a) * (this.variance + a * clipped * clipped);
    if (this.count <= c.warmup) return learning(this.name);
    const score = zToScore(z, c.zThreshold);
    const half = c.zThreshold * sigma;
    return {
      score,
      isAnomaly: score >= c.threshold,
      expected,
      band: [expected - half, expected + half],
      detector: this.name,
      ...(score >= c.threshold ? { reason: `${fmt(z)}σ from the EWMA` } : {}),
    };
  }
}
