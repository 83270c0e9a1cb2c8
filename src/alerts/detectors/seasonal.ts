/**
 * Seasonal robust baseline: the observation is compared with the median of recent observations
 * in the same seasonal slot (time of day, optionally day of week), scaled by their MAD.
 *
 *   slot      = ⌊(ts mod period) / slotMs⌋            period = 1 day, or 1 week when `weekly`
 *   expected  = median(ring[slot])
 *   σ̂         = max(1.4826·MAD(ring[slot]), minScale)  (1.4826·MAD estimates σ for Gaussian noise)
 *   z         = |value − expected| / σ̂,  score = z² / (z² + zThreshold²)
 *
 * Each slot keeps only its last `historyPerSlot` values, so memory is slots × historyPerSlot
 * numbers whatever the stream's length, and old seasons are forgotten. Observations enter their
 * slot's ring after they are scored (causal), anomalous or not, so a lasting level shift becomes
 * the new normal after about half a ring.
 */
import { learning, zToScore, type Detector, type DetectorResult } from './detector.js';
import { RobustRing } from './robust-ring.js';

export interface SeasonalConfig {
  /** Width of one slot, ms. Default 1 hour. */
  slotMs: number;
  /** Slots cover a week (day of week × time of day) rather than a day. Default false. */
  weekly: boolean;
  /** Values kept per slot. Default 72 (six days of 5-minute data in hourly slots). */
  historyPerSlot: number;
  /** Values a slot needs before it judges. Default 24. */
  minSamplesPerSlot: number;
  /** |z| that maps to score 0.5 (the alarm level). Default 5. */
  zThreshold: number;
  /**
   * Floor of σ̂ relative to the spread of the whole series (an EWMA of |value − expected|), so a
   * slot that happened to be constant does not turn the smallest wobble into an alarm. Default 0.25.
   */
  minRelativeScale: number;
  /** Score at or above which the observation is anomalous. Default 0.5. */
  threshold: number;
}

export const SEASONAL_DEFAULTS: SeasonalConfig = {
  slotMs: 3_600_000,
  weekly: false,
  historyPerSlot: 72,
  minSamplesPerSlot: 24,
  zThreshold: 5,
  minRelativeScale: 0.25,
  threshold: 0.5,
};

const DAY_MS = 86_400_000;
const MAD_TO_SIGMA = 1.4826;

export class SeasonalDetector implements Detector {
  readonly name = 'seasonal';
  private readonly config: SeasonalConfig;
  private readonly slots: RobustRing[];
  private readonly period: number;
  /** EWMA of absolute residuals over all slots, the floor's reference. */
  private spread = 0;
  private spreadSamples = 0;

  constructor(config: Partial<SeasonalConfig> = {}) {
    this.config = { ...SEASONAL_DEFAULTS, ...config };
    this.period = this.config.weekly ? 7 * DAY_MS : DAY_MS;
    const count = Math.ceil(this.period / this.config.slotMs);
    this.slots = Array.from({ length: count }, () => new RobustRing(this.config.historyPerSlot));
  }

  update(ts: number, value: number): DetectorResult {
    const c = this.config;
    // Epoch 0 was a Thursday; weekly slots need only be consistent, not start on Monday.
    const phase = ((ts % this.period) + this.period) % this.period;
    const ring = this.slots[Math.floor(phase / c.slotMs)]!;
    if (ring.size < c.minSamplesPerSlot) {
      ring.push(value);
      return learning(this.name);
    }
    const { median, mad } = ring.medianAndMad();
    ring.push(value);
    const residual = Math.abs(value - median);
    const floor = this.spreadSamples > 0 ? c.minRelativeScale * this.spread : 0;
    const sigma = Math.max(MAD_TO_SIGMA * mad, floor, Number.EPSILON * Math.abs(median));
    const z = residual === 0 ? 0 : sigma > 0 ? residual / sigma : Infinity;
    // The spread follows residuals slowly and ignores the extreme ones it should flag.
    const capped = Number.isFinite(z) && z > c.zThreshold ? sigma * c.zThreshold : residual;
    this.spread = this.spreadSamples === 0 ? capped : this.spread + 0.01 * (capped - this.spread);
    this.spreadSamples++;
    const score = zToScore(z, c.zThreshold);
    const half = c.zThreshold * sigma;
    return {
      score,
      isAnomaly: score >= c.threshold,
      expected: median,
      band: [median - half, median + half],
      detector: this.name,
      ...(score >= c.threshold ? { reason: `${fmt(z)}σ from the slot median` } : {}),
    };
  }
}

export function fmt(x: number): string {
  return Number.isFinite(x) ? x.toFixed(1) : '∞';
}
