/**
 * Erlang C: the M/M/N queue behind contact-centre staffing. Offered load A = λ·AHT (erlangs), N
 * agents. Computed through the Erlang B recursion, which never forms A^N or N! and so stays exact
 * and finite for thousands of agents:
 *   B(0) = 1,  B(k) = A·B(k−1) / (k + A·B(k−1))
 *   C(N, A) = N·B(N) / (N − A·(1 − B(N)))            (valid for A < N; C = 1 otherwise)
 *   SL(t) = 1 − C·e^{−(N − A)·t/AHT}                 (share answered within t)
 *   ASA = C·AHT / (N − A)
 * Sources: A. K. Erlang (1917); the formulas as given in Koole, "Call Center Optimization"
 * (2013), ch. 4, and Gans, Koole & Mandelbaum, "Telephone call centers: tutorial, review, and
 * research prospects", M&SOM 5(2), 2003.
 */
export interface ErlangCInput {
  /** Contacts arriving per second. */
  arrivalRatePerSecond: number;
  /** Average handling time, seconds. */
  ahtSeconds: number;
  agents: number;
}

/** Offered load in erlangs: λ · AHT. */
export function offeredLoad(arrivalRatePerSecond: number, ahtSeconds: number): number {
  return arrivalRatePerSecond * ahtSeconds;
}

/** Erlang B blocking probability for `agents` servers and load `a`, by the stable recursion. */
export function erlangB(agents: number, a: number): number {
  checkAgents(agents);
  if (!(a >= 0)) throw new RangeError(`offered load must be ≥ 0, got ${a}`);
  let b = 1;
  for (let k = 1; k <= agents; k++) b = (a * b) / (k + a * b);
  return b;
}

/** Probability that a contact has to wait (Erlang C). 1 when the load is at or above capacity. */
export function probabilityOfWaiting(input: ErlangCInput): number {
  const a = loadOf(input);
  const n = input.agents;
  if (a >= n) return 1;
  if (a === 0) return 0;
  const b = erlangB(n, a);
  return (n * b) / (n - a * (1 - b));
}

/** Share of contacts answered within `thresholdSeconds` (the service level). */
export function serviceLevel(input: ErlangCInput, thresholdSeconds: number): number {
  const a = loadOf(input);
  const n = input.agents;
  if (a >= n) return 0;
  const c = probabilityOfWaiting(input);
  return 1 - c * Math.exp((-(n - a) * thresholdSeconds) / input.ahtSeconds);
}

/** Average speed of answer in seconds (mean wait over all contacts, answered at once or not). */
export function averageSpeedOfAnswer(input: ErlangCInput): number {
  const a = loadOf(input);
  const n = input.agents;
  if (a >= n) return Infinity;
  return (probabilityOfWaiting(input) * input.ahtSeconds) / (n - a);
}

/**
 * The fewest agents that reach `targetServiceLevel` (0..1) within `thresholdSeconds`. Starts just
 * above the load (fewer agents can never keep the queue stable) and walks up; the service level
 * rises with every agent, so the first one that reaches the target is the answer.
 */
export function agentsNeeded(
  arrivalRatePerSecond: number,
  ahtSeconds: number,
  thresholdSeconds: number,
  targetServiceLevel: number,
  maxAgents = 100_000,
): number {
  if (!(targetServiceLevel > 0 && targetServiceLevel < 1))
    throw new RangeError(`target service level must be in (0, 1), got ${targetServiceLevel}`);
  const a = offeredLoad(arrivalRatePerSecond, ahtSeconds);
  for (let n = Math.max(1, Math.floor(a) + 1); n <= maxAgents; n++) {
    if (serviceLevel({ arrivalRatePerSecond, ahtSeconds, agents: n }, thresholdSeconds) >= targetServiceLevel)
      return n;
  }
  throw new RangeError(`no staffing up to ${maxAgents} agents reaches the target`);
}

function loadOf(input: ErlangCInput): number {
  checkAgents(input.agents);
  if (!(input.ahtSeconds > 0)) throw new RangeError(`AHT must be > 0, got ${input.ahtSeconds}`);
  if (!(input.arrivalRatePerSecond >= 0))
    throw new RangeError(`arrival rate must be ≥ 0, got ${input.arrivalRatePerSecond}`);
  return offeredLoad(input.arrivalRatePerSecond, input.ahtSeconds);
}

function checkAgents(agents: number): void {
  if (!Number.isInteger(agents) || agents < 1)
    throw new RangeError(`agents must be an integer ≥ 1, got ${agents}`);
}
