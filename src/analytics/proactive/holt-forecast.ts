/**
 * The arithmetic of the usage forecast (docs/analytics.md, "Proactive care forecasts"), as pure
 * functions of numbers so that tests can hold it against closed forms.
 *
 * Holt's linear exponential smoothing of consumption per bucket u₁, u₂, …:
 *   first bucket:  L = u₁, T = 0, V = 0
 *   then:          p = L + T, e = u − p                  (p: what this bucket was expected to use)
 *                  L' = α u + (1 − α) p
 *                  T' = β (L' − L) + (1 − β) T
 *                  V' = e² (second bucket), else α e² + (1 − α) V
 * The trend starts at 0 rather than at u₂ − u₁: one noisy day would otherwise be extrapolated over
 * the whole horizon. A constant series is tracked from its first bucket (to rounding), a straight
 * line with an error that decays geometrically.
 *
 * Projection: bucket j after the last smoothed one (j = 1 is the bucket "now" is in) is expected to
 * consume r_j = max(0, L + j T). Consumption from `now` over h buckets is the integral of that step
 * function from `from` (the share of the current bucket already elapsed) to `from + h`.
 */

/** Holt's state of one series: level, trend, smoothed squared one-step error, buckets smoothed. */
export interface HoltState {
  level: number;
  trend: number;
  errorVariance: number;
  buckets: number;
}

/** Adds one complete bucket's consumption `u` to the state, in place (the recursion above). */
export function holtStep(state: HoltState, u: number, alpha: number, beta: number): void {
  if (state.buckets === 0) {
    state.level = u;
    state.trend = 0;
    state.errorVariance = 0;
  } else {
    const predicted = state.level + state.trend;
    const error = u - predicted;
    state.errorVariance =
      state.buckets === 1 ? error * error : alpha * error * error + (1 - alpha) * state.errorVariance;
    const level = alpha * u + (1 - alpha) * predicted;
    state.trend = beta * (level - state.level) + (1 - beta) * state.trend;
    state.level = level;
  }
  state.buckets++;
}

/**
 * Expected consumption from `from` (share of the current bucket elapsed, 0 ≤ from < 1) over `h`
 * buckets: Σ_j max(0, level + j × trend) × |[j − 1, j) ∩ [from, from + h)|.
 */
export function projectedUsage(level: number, trend: number, from: number, h: number): number {
  const end = from + h;
  let total = 0;
  let t = from;
  for (let j = 1; t < end; j++) {
    const stop = j < end ? j : end;
    const rate = level + j * trend;
    if (rate > 0) total += rate * (stop - t);
    t = stop;
  }
  return total;
}

/**
 * Buckets from `from` until the projected consumption reaches `remaining` (> 0), searching at most
 * `within` buckets ahead; null when it does not get there.
 */
export function bucketsUntilRunOut(
  level: number,
  trend: number,
  from: number,
  remaining: number,
  within: number,
): number | null {
  const end = from + within;
  let used = 0;
  let t = from;
  for (let j = 1; t < end; j++) {
    const stop = j < end ? j : end;
    const rate = level + j * trend;
    if (rate > 0) {
      const span = stop - t;
      if (used + rate * span >= remaining) return t + (remaining - used) / rate - from;
      used += rate * span;
    }
    t = stop;
  }
  return null;
}

/**
 * Φ(x), the standard normal distribution function, from erf by Abramowitz & Stegun 7.1.26
 * (absolute error below 1.5 × 10⁻⁷, plenty for a probability shown with two digits).
 */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/**
 * P(consumption over h buckets ≥ remaining) when each bucket's consumption misses the projection by
 * an independent normal error of variance `errorVariance`: Φ((U − R) / (σ √h)). A series that has
 * never missed (σ = 0) gets 1 or 0.
 */
export function runOutProbability(
  predicted: number,
  remaining: number,
  errorVariance: number,
  h: number,
): number {
  const sd = Math.sqrt(errorVariance * h);
  if (!(sd > 0)) return predicted >= remaining ? 1 : 0;
  return normalCdf((predicted - remaining) / sd);
}
