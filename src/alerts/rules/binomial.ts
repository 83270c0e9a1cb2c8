/**
 * Exact binomial tails for judging a rate over a window's count. The normal approximation a
 * "k standard errors" floor rests on fails where it matters here: 8 failures in 100 attempts of a
 * touchpoint expected to fail 1 % of the time is 7σ by √(p(1−p)/n) (odds of about 1 in 10¹¹), yet
 * happens in one window of about 120 000; thirty touchpoints with a window every 10 seconds make
 * 260 000 (overlapping) windows a day.
 */

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7): about 15 significant digits. */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const y = x - 1;
  let a = LANCZOS[0]!;
  const t = y + 7.5;
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i]! / (y + i);
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a);
}

/** P(X ≥ k) for X ~ Binomial(n, p). Only small tails are computed exactly; at or below the mean it is ≥ ~0.5 and returned as 1. */
export function binomialUpperTail(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n || p <= 0) return 0;
  if (p >= 1) return 1;
  if (k <= n * p) return 1;
  const ratio = p / (1 - p);
  let term = Math.exp(
    logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1) + k * Math.log(p) + (n - k) * Math.log(1 - p),
  );
  let sum = 0;
  for (let i = k; i <= n && term > sum * 1e-15; i++) {
    sum += term;
    term *= ((n - i) / (i + 1)) * ratio;
  }
  return Math.min(1, sum);
}

/** P(X ≤ k) for X ~ Binomial(n, p), as the upper tail of the other outcome. */
export function binomialLowerTail(k: number, n: number, p: number): number {
  return binomialUpperTail(n - k, n, 1 - p);
}

/** P(Z > z) for a standard normal Z (Numerical Recipes' erfc, relative error < 1.2e-7). */
export function normalUpperTail(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc =
    t *
    Math.exp(
      -x * x -
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
  return z >= 0 ? erfc / 2 : 1 - erfc / 2;
}
