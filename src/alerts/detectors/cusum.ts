/**
 * Two-sided CUSUM (Page 1954) on standardised residuals, for slow drifts that never look odd one
 * observation at a time. The reference μ, σ come from a slow EWMA (weight max(α, 1/n), so a running
 * mean and variance until there are 1/α observations; and slow so the drift does not drag the
 * reference along as fast as it moves), z is winsorised so one spike cannot trip it alone:
 *
 *   z   = clamp((x − μ) / σ, ±zClip)
 *   S⁺ ← max(0, S⁺ + z − k),   S⁻ ← max(0, S⁻ − z − k)
 *   alarm when max(S⁺, S⁻) ≥ h;  score = S² / (S² + h²)
 *
 * After an alarm both sums reset to 0 and μ jumps to the fast mean of the recent observations, so
 * the new level is the new reference instead of an alarm that never ends.
 */
import { learning, zToScore, type Detector, type DetectorResult } from './detector.js';
import { fmt } from './seasonal.js';

export interface CusumConfig {
  /** Smoothing factor of the reference mean and variance. Default 0.01 (memory of about 100). */
  alpha: number;
  /** Smoothing factor of the fast mean used to re-anchor after an alarm. Default 0.2. */
  fastAlpha: number;
  /** Observations before it judges. Default 50. */
  warmup: number;
  /** Allowance k, in σ: drifts smaller than k per observation are ignored. Default 0.5. */
  k: number;
  /** Decision interval h, in σ·observations. Default 8. */
  h: number;
  /** Winsorisation of z. Default 3. */
  zClip: number;
  /** Score at or above which the observation is anomalous. Default 0.5 (S = h). */
  threshold: number;
}

export const CUSUM_DEFAULTS: CusumConfig = {
  alpha: 0.01,
  fastAlpha: 0.2,
  warmup: 50,
  k: 0.5,
  h: 8,
  zClip: 3,
  threshold: 0.5,
};

export class CusumDetector implements Detector {
  readonly name = 'cusum';
  private readonly config: CusumConfig;
  private mean = 0;
  private variance = 0;
  private fastMean = 0;
  private count = 0;
  private up = 0;
  private down = 0;

  constructor(config: Partial<CusumConfig> = {}) {
    this.config = { ...CUSUM_DEFAULTS, ...config };
  }

  update(_ts: number, value: number): DetectorResult {
    const c = this.config;
    this.count++;
    if (this.count === 1) {
      this.mean = value;
      this.fastMean = value;
      return learning(this.name);
    }
    this.fastMean += c.fastAlpha * (value - this.fastMean);
    const sigma = Math.sqrt(this.variance);
    const deviation = value - this.mean;
    const expected = this.mean;
    const zRaw = deviation === 0 ? 0 : sigma > 0 ? deviation / sigma : Math.sign(deviation) * Infinity;
    const z = Math.max(-c.zClip, Math.min(c.zClip, zRaw));
    // The reference learns from winsorised deviations too.
    const step = sigma > 0 ? z * sigma : deviation;
    const a = Math.max(c.alpha, 1 / this.count);
    this.mean += a * step;
    this.variance = (1 - a) * (this.variance + a * step * step);
    if (this.count <= c.warmup) return learning(this.name);

    this.up = Math.max(0, this.up + z - c.k);
    this.down = Math.max(0, this.down - z - c.k);
    const s = Math.max(this.up, this.down);
    const score = zToScore(s, c.h);
    const half = c.h * sigma;
    const result: DetectorResult = {
      score,
      isAnomaly: score >= c.threshold,
      expected,
      band: [expected - half, expected + half],
      detector: this.name,
    };
    if (result.isAnomaly) {
      result.reason = `cumulative ${this.up >= this.down ? 'upward' : 'downward'} drift of ${fmt(s)}σ`;
      this.up = 0;
      this.down = 0;
      this.mean = this.fastMean;
    }
    return result;
  }
}
