/**
 * The statistics of one touchpoint's driver estimate, from running sums over the answers linked to
 * it: x = 1 when the customer had a failed outcome there, 0 otherwise; y = the survey score.
 *
 *   n, Σx (failures), Σy, Σxy, Σy²           (Σx² = Σx, x being 0 or 1)
 *   effect = Σxy/Σx − (Σy − Σxy)/(n − Σx)    mean score after a failure − mean score otherwise,
 *                                            the least-squares slope of y on x
 *   r      = (nΣxy − ΣxΣy) / √((nΣx − (Σx)²)(nΣy² − (Σy)²))     Pearson (point-biserial)
 *   z      = atanh(r), se = 1/√(n − 3)       Fisher: z is about normal for n > 10 or so
 *   CI     = tanh(z ± q·se), q the normal quantile of (1 + confidence)/2
 *   p      = 2·(1 − Φ(|z|/se))
 *   impact = (Σx / N)·(mean otherwise − mean after a failure), N every answer with the score:
 *            how much higher the overall mean would be if those answers had scored like the rest
 *
 * Sums of a few thousand small integers are exact in doubles, so the one-pass form loses nothing
 * here (the reference test compares it with a two-pass computation).
 */

export interface FailureSums {
  n: number;
  failures: number;
  sumY: number;
  sumXY: number;
  sumYY: number;
}

export interface FailureCorrelation {
  meanFailed: number;
  meanOk: number;
  effect: number;
  r: number;
  rLow: number;
  rHigh: number;
  pValue: number;
}

/** Undefined when r is not defined: no failure, no success, or every score equal. */
export function failureCorrelation(s: FailureSums, zQuantile: number): FailureCorrelation | undefined {
  const ok = s.n - s.failures;
  if (s.failures <= 0 || ok <= 0) return undefined;
  const sxx = s.n * s.failures - s.failures * s.failures;
  const syy = s.n * s.sumYY - s.sumY * s.sumY;
  if (!(sxx > 0) || !(syy > 0)) return undefined;
  const meanFailed = s.sumXY / s.failures;
  const meanOk = (s.sumY - s.sumXY) / ok;
  const r = clamp((s.n * s.sumXY - s.failures * s.sumY) / Math.sqrt(sxx * syy), -1, 1);
  let rLow = -1;
  let rHigh = 1;
  let pValue = 1;
  if (s.n > 3) {
    const se = 1 / Math.sqrt(s.n - 3);
    if (Math.abs(r) >= 1) {
      rLow = rHigh = r;
      pValue = 0;
    } else {
      const z = Math.atanh(r);
      rLow = Math.tanh(z - zQuantile * se);
      rHigh = Math.tanh(z + zQuantile * se);
      // Clamped: Φ is approximated (error ≈ 1e-7), and a p-value above 1 would read as a bug.
      pValue = Math.min(1, Math.max(0, 2 * (1 - normalCdf(Math.abs(z) / se))));
    }
  }
  return { meanFailed, meanOk, effect: meanFailed - meanOk, r, rLow, rHigh, pValue };
}

/**
 * Φ(x), the standard normal distribution function, from erfc by W. J. Cody's rational
 * approximation as given in Numerical Recipes (erfcc, fractional error below 1.2e-7 everywhere).
 */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const erfc =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/** The x with Φ(x) = p, by bisection on normalCdf (computed once per configuration). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`probability must be in (0, 1), got ${p}`);
  let lo = -40;
  let hi = 40;
  for (let i = 0; i < 200 && hi - lo > 1e-12; i++) {
    const mid = (lo + hi) / 2;
    if (normalCdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
