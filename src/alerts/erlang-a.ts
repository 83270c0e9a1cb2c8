/**
 * Erlang A: the M/M/N+M queue, Erlang C plus callers who hang up. Arrivals λ, AHT 1/μ, N agents,
 * exponential patience with mean 1/θ. Callers who abandon relieve the queue, so for the same
 * staffing Erlang A predicts a better service level than Erlang C (which is its θ → 0 limit), and
 * it stays finite when the load exceeds the agents (A ≥ N), where Erlang C can only say 0.
 *
 * Stationary distribution of the number in the system (a birth–death chain):
 *   π_n ∝ Aⁿ/n!                                   n ≤ N   (as in the loss system, so Σ_{n≤N} π_n/π_N = 1/B(N, A))
 *   π_{N+j} = π_N · Π_{k=1..j} λ / (Nμ + kθ)      j ≥ 1
 * An arrival sees the stationary state (PASTA). One that finds j callers waiting ahead waits in a
 * chain "k ahead": k → k−1 at rate Nμ + kθ (a service ends or someone ahead hangs up), k = 0 → served
 * at rate Nμ, and it hangs up itself at rate θ. The share answered within t and the share that
 * hangs up within s are integrated from that chain (fourth-order Runge–Kutta; at most a few
 * hundred states and steps).
 *
 * Sources: C. Palm (1943); O. Garnett, A. Mandelbaum, M. Reiman, "Designing a call center with
 * impatient customers", M&SOM 4(3), 2002; Mandelbaum & Zeltyn, "The M/M/n+G queue: summary of
 * performance measures" (2009). Patience estimate: θ̂ = abandons ÷ total time spent waiting (the
 * maximum-likelihood estimate for exponential patience, Brown et al., JASA 100, 2005), where the
 * total waiting time is the mean queue length × the period (Little's law).
 */
import { erlangB, offeredLoad } from './erlang-c.js';

export interface ErlangAInput {
  /** Contacts arriving per second. */
  arrivalRatePerSecond: number;
  /** Average handling time, seconds. */
  ahtSeconds: number;
  agents: number;
  /** Mean patience (1/θ), seconds; Infinity gives Erlang C. */
  patienceSeconds: number;
}

export interface ErlangAPrediction {
  /** Probability that an arrival has to wait. */
  probabilityOfWaiting: number;
  /** Probability that an arrival hangs up before being answered. */
  probabilityOfAbandoning: number;
  /** Mean time in queue over all arrivals (answered or not), seconds: E[Q]/λ. */
  meanWaitSeconds: number;
  /**
   * Answered within `thresholdSeconds` ÷ (every arrival except those who hang up within
   * `shortAbandonSeconds`): the definition of the service_level indicator.
   */
  serviceLevel: number;
}

/** Tail terms below this share of the running sum end the sum. */
const TAIL_EPSILON = 1e-12;
const MAX_QUEUE_STATES = 5_000;
const NEGLIGIBLE_PATIENCE_FACTOR = 1000;
/** Steps per leg; RK4 stays stable whenever span·fastest ≤ this, and past it the chain has long emptied. */
const MAX_STEPS = 20_000;

/** Erlang A performance at one staffing; `thresholdSeconds` is the answer-within time. */
export function erlangA(
  input: ErlangAInput,
  thresholdSeconds: number,
  shortAbandonSeconds = 0,
): ErlangAPrediction {
  const { arrivalRatePerSecond: lambda, ahtSeconds, agents: n, patienceSeconds } = input;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`agents must be an integer ≥ 1, got ${n}`);
  if (!(ahtSeconds > 0)) throw new RangeError(`AHT must be > 0, got ${ahtSeconds}`);
  if (!(lambda >= 0)) throw new RangeError(`arrival rate must be ≥ 0, got ${lambda}`);
  if (!(patienceSeconds > 0)) throw new RangeError(`patience must be > 0, got ${patienceSeconds}`);
  if (!(thresholdSeconds >= 0)) throw new RangeError(`threshold must be ≥ 0, got ${thresholdSeconds}`);
  const a = offeredLoad(lambda, ahtSeconds);
  if (a === 0)
    return { probabilityOfWaiting: 0, probabilityOfAbandoning: 0, meanWaitSeconds: 0, serviceLevel: 1 };
  const mu = 1 / ahtSeconds;
  // Patience a thousand handling times long changes nothing measurable, and would need thousands of
  // queue states (the tail decays like ρ^j): that is Erlang C.
  const theta = patienceSeconds < NEGLIGIBLE_PATIENCE_FACTOR * ahtSeconds ? 1 / patienceSeconds : 0;
  const serviceRate = n * mu;

  // Tail r_j = π_{N+j}/π_N, j ≥ 0. Without patience and at A ≥ N the queue grows without bound.
  if (theta === 0 && a >= n)
    return {
      probabilityOfWaiting: 1,
      probabilityOfAbandoning: 0,
      meanWaitSeconds: Infinity,
      serviceLevel: 0,
    };
  if (theta === 0) {
    // Erlang C: the wait is exponential with rate Nμ − λ given that one waits.
    const pWaitC = 1 / (1 + (1 / erlangB(n, a) - 1) * (1 - a / n));
    const within = 1 - pWaitC * Math.exp(-(serviceRate - lambda) * thresholdSeconds);
    return {
      probabilityOfWaiting: pWaitC,
      probabilityOfAbandoning: 0,
      meanWaitSeconds: pWaitC / (serviceRate - lambda),
      serviceLevel: clamp01(within),
    };
  }
  const tail: number[] = [1];
  let tailSum = 1;
  let queueSum = 0; // Σ j·r_j
  for (let j = 1; j < MAX_QUEUE_STATES; j++) {
    const r = (tail[j - 1]! * lambda) / (serviceRate + j * theta);
    tail.push(r);
    tailSum += r;
    queueSum += j * r;
    if (r < TAIL_EPSILON * tailSum && serviceRate + j * theta > lambda) break;
  }
  const below = 1 / erlangB(n, a) - 1; // Σ_{n'<N} π_{n'}/π_N
  const total = below + tailSum;
  const pWait = tailSum / total;
  const meanQueue = queueSum / total;
  const meanWait = meanQueue / lambda;

  // "k ahead" chain of an arrival that waits, started from the arrival distribution.
  const states = tail.length;
  let q = tail.map((r) => r / total);
  const deriv = (x: number[]): { dq: number[]; served: number; abandoned: number } => {
    const dq = new Array<number>(states);
    let waiting = 0;
    for (let k = 0; k < states; k++) {
      const inflow = k + 1 < states ? (serviceRate + (k + 1) * theta) * x[k + 1]! : 0;
      dq[k] = inflow - (serviceRate + k * theta + theta) * x[k]!;
      waiting += x[k]!;
    }
    return { dq, served: serviceRate * x[0]!, abandoned: theta * waiting };
  };
  // Two legs, so that both checkpoints fall on a step: [0, first] and [first, second].
  const fastest = serviceRate + states * theta + theta;
  let served = 0;
  let abandoned = 0;
  let waiting = pWait;
  let t = 0;
  const advanceTo = (until: number) => {
    const span = until - t;
    if (span <= 0 || waiting < TAIL_EPSILON) {
      t = Math.max(t, until);
      return;
    }
    // RK4 is stable for dt·rate < 2.78; one step per 1/fastest keeps it well inside.
    const steps = Math.min(MAX_STEPS, Math.max(20, Math.ceil(span * fastest)));
    const dt = span / steps;
    for (let step = 0; step < steps && waiting >= TAIL_EPSILON; step++) {
      const k1 = deriv(q);
      const k2 = deriv(q.map((x, i) => x + (dt / 2) * k1.dq[i]!));
      const k3 = deriv(q.map((x, i) => x + (dt / 2) * k2.dq[i]!));
      const k4 = deriv(q.map((x, i) => x + dt * k3.dq[i]!));
      served += (dt / 6) * (k1.served + 2 * k2.served + 2 * k3.served + k4.served);
      abandoned += (dt / 6) * (k1.abandoned + 2 * k2.abandoned + 2 * k3.abandoned + k4.abandoned);
      q = q.map((x, i) => x + (dt / 6) * (k1.dq[i]! + 2 * k2.dq[i]! + 2 * k3.dq[i]! + k4.dq[i]!));
      waiting = q.reduce((sum, x) => sum + x, 0);
    }
    t = until;
  };
  let servedByThreshold: number;
  let abandonedByShort: number;
  if (thresholdSeconds <= shortAbandonSeconds) {
    advanceTo(thresholdSeconds);
    servedByThreshold = served;
    advanceTo(shortAbandonSeconds);
    abandonedByShort = abandoned;
  } else {
    advanceTo(shortAbandonSeconds);
    abandonedByShort = abandoned;
    advanceTo(thresholdSeconds);
    servedByThreshold = served;
  }
  const answeredWithin = 1 - pWait + servedByThreshold;
  return {
    probabilityOfWaiting: pWait,
    probabilityOfAbandoning: (theta * meanQueue) / lambda,
    meanWaitSeconds: meanWait,
    serviceLevel: clamp01(answeredWithin / (1 - abandonedByShort)),
  };
}

/**
 * The fewest agents whose Erlang A service level reaches `targetServiceLevel`. With patience,
 * fewer agents than the load can still keep a queue stable, so the search starts at 1; the service
 * level rises with every agent, so a binary search finds the first one.
 */
export function agentsNeededErlangA(
  arrivalRatePerSecond: number,
  ahtSeconds: number,
  patienceSeconds: number,
  thresholdSeconds: number,
  targetServiceLevel: number,
  shortAbandonSeconds = 0,
): number {
  if (!(targetServiceLevel > 0 && targetServiceLevel < 1))
    throw new RangeError(`target service level must be in (0, 1), got ${targetServiceLevel}`);
  const a = offeredLoad(arrivalRatePerSecond, ahtSeconds);
  const meets = (agents: number) =>
    erlangA(
      { arrivalRatePerSecond, ahtSeconds, agents, patienceSeconds },
      thresholdSeconds,
      shortAbandonSeconds,
    ).serviceLevel >= targetServiceLevel;
  let lo = 1;
  let hi = Math.max(2, Math.ceil(a + 10 * Math.sqrt(a) + 10));
  while (!meets(hi)) hi *= 2;
  if (meets(lo)) return lo;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (meets(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}
