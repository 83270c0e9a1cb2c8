/**
 * The default detector: the seasonal baseline, EWMA limits and CUSUM side by side, one verdict.
 *
 *   score = max_i(weight_i · score_i)      the strongest, weighted, evidence wins and is named
 *   alarm = score ≥ threshold for `persistence` observations in a row, and not suppressed
 *
 * After an alarm the ensemble stays quiet for `suppressFor` observations: one incident, one alert
 * (later observations still carry their score and say they are suppressed). Expected value and
 * band come from the seasonal baseline when its slot has learned, else from the EWMA.
 */
import { CusumDetector, type CusumConfig } from './cusum.js';
import { learning, type Detector, type DetectorResult } from './detector.js';
import { EwmaDetector, type EwmaConfig } from './ewma.js';
import { SeasonalDetector, type SeasonalConfig } from './seasonal.js';

export interface EnsembleConfig {
  seasonal: Partial<SeasonalConfig>;
  ewma: Partial<EwmaConfig>;
  cusum: Partial<CusumConfig>;
  /** Weights of the members' scores. Default 1 each. */
  weights: { seasonal: number; ewma: number; cusum: number };
  /** Score at or above which the ensemble alarms. Default 0.5. */
  threshold: number;
  /** Consecutive observations at or above the threshold before an alarm. Default 1. */
  persistence: number;
  /** Observations after an alarm during which no new alarm is raised. Default 576 (two days of 5-minute data). */
  suppressFor: number;
}

/**
 * Chosen on the NAB subset (docs/alerting.md, "NAB score"), one configuration for every series.
 * The members are stricter than alone because three chances to fire mean three chances of a false
 * alarm, and they watch residuals, which carry less noise than the raw series.
 */
export const ENSEMBLE_DEFAULTS: EnsembleConfig = {
  seasonal: { zThreshold: 6, minSamplesPerSlot: 8 },
  ewma: { zThreshold: 10 },
  cusum: { k: 1, h: 50, alpha: 0.002 },
  weights: { seasonal: 1, ewma: 1, cusum: 1 },
  threshold: 0.5,
  persistence: 1,
  suppressFor: 576,
};

export class EnsembleDetector implements Detector {
  readonly name = 'ensemble';
  private readonly config: EnsembleConfig;
  private readonly seasonal: SeasonalDetector;
  private readonly ewma: EwmaDetector;
  private readonly cusum: CusumDetector;
  private above = 0;
  private quietLeft = 0;

  constructor(config: Partial<EnsembleConfig> = {}) {
    this.config = {
      ...ENSEMBLE_DEFAULTS,
      ...config,
      seasonal: { ...ENSEMBLE_DEFAULTS.seasonal, ...config.seasonal },
      ewma: { ...ENSEMBLE_DEFAULTS.ewma, ...config.ewma },
      cusum: { ...ENSEMBLE_DEFAULTS.cusum, ...config.cusum },
      weights: { ...ENSEMBLE_DEFAULTS.weights, ...config.weights },
    };
    this.seasonal = new SeasonalDetector(this.config.seasonal);
    this.ewma = new EwmaDetector(this.config.ewma);
    this.cusum = new CusumDetector(this.config.cusum);
  }

  update(ts: number, value: number): DetectorResult {
    const c = this.config;
    const seasonal = this.seasonal.update(ts, value);
    // EWMA and CUSUM watch what the season does not explain: on the raw series every daily peak
    // would be "unusual" to them. Until the slot has learned they see nothing.
    const residual = seasonal.expected === null ? null : value - seasonal.expected;
    const members: [DetectorResult, number][] = [
      [seasonal, c.weights.seasonal],
      [residual === null ? learning('ewma') : this.ewma.update(ts, residual), c.weights.ewma],
      [residual === null ? learning('cusum') : this.cusum.update(ts, residual), c.weights.cusum],
    ];
    let best = members[0]!;
    let score = -1;
    for (const m of members) {
      const s = m[0].score * m[1];
      if (s > score) {
        score = s;
        best = m;
      }
    }
    score = Math.min(1, Math.max(0, score));
    const explained = seasonal;
    this.above = score >= c.threshold ? this.above + 1 : 0;
    let isAnomaly = false;
    let reason = best[0].reason;
    if (this.quietLeft > 0) {
      this.quietLeft--;
      if (this.above >= c.persistence)
        reason = `suppressed (${best[0].detector}: ${best[0].reason ?? 'high score'})`;
    } else if (this.above >= c.persistence) {
      isAnomaly = true;
      this.quietLeft = c.suppressFor;
    }
    return {
      score,
      isAnomaly,
      expected: explained.expected,
      band: explained.band,
      detector: score > 0 ? best[0].detector : explained.detector,
      ...(reason !== undefined ? { reason } : {}),
    };
  }
}
