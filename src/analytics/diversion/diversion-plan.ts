/**
 * How many contacts an hour to move from a queue predicted to breach to one with slack, and what
 * that does to both, on the staffing rule's own model and inputs (src/alerts/rules/erlang-c-rule.ts
 * hands them over unrounded as a StaffingPrediction):
 *
 *   SL_from(x) = model(λ_from − x/3600, AHT_from, N_from, patience_from)
 *   SL_to(x)   = model(λ_to + x/3600,   AHT_to,   N_to,   patience_to)
 *
 * A moved contact takes the receiving queue's handle time (a billing question answered in chat
 * takes as long as other chats). x is the smallest multiple of `stepPerHour`, at most `maxShare`
 * of the donor's arrivals, with SL_from(x) ≥ target_from; SL_from grows with x, so a bisection
 * finds it. The plan exists when the receiver meets its own target at that x: SL_to falls with x,
 * so when it misses at the smallest x that helps the donor, no x helps both.
 */
import { erlangA } from '../../alerts/erlang-a.js';
import { serviceLevel } from '../../alerts/erlang-c.js';
import type { StaffingPrediction } from '../../alerts/rules/rule-evaluator.js';

export interface DiversionPlan {
  contactsPerHour: number;
  fromServiceLevelNow: number;
  fromServiceLevelAfter: number;
  toServiceLevelNow: number;
  toServiceLevelAfter: number;
}

export type DiversionVerdict =
  | { feasible: true; plan: DiversionPlan }
  | {
      feasible: false;
      /** `no-slack`: the receiver misses its own target already; `not-enough`: moving the most allowed does not bring the donor within target; `receiver-breaks`: the receiver would miss its target. */
      reason: 'no-slack' | 'not-enough' | 'receiver-breaks';
      fromServiceLevelNow: number;
      toServiceLevelNow: number;
    };

export interface DiversionLimits {
  /** At most this share of the donor's arrivals. */
  maxShare: number;
  stepPerHour: number;
}

/** The model's service level for a queue's staffing at another arrival rate (per second). */
export function serviceLevelAt(p: StaffingPrediction, arrivalRatePerSecond: number): number {
  const rate = Math.max(0, arrivalRatePerSecond);
  if (p.model === 'erlang-a') {
    return erlangA(
      {
        arrivalRatePerSecond: rate,
        ahtSeconds: p.ahtSeconds,
        agents: p.agents,
        patienceSeconds: p.patienceSeconds,
      },
      p.answerWithinSeconds,
      p.shortAbandonSeconds,
    ).serviceLevel;
  }
  return serviceLevel(
    { arrivalRatePerSecond: rate, ahtSeconds: p.ahtSeconds, agents: p.agents },
    p.answerWithinSeconds,
  );
}

export function planDiversion(
  from: StaffingPrediction,
  to: StaffingPrediction,
  limits: DiversionLimits,
): DiversionVerdict {
  const fromAt = (perHour: number) => serviceLevelAt(from, from.arrivalRatePerSecond - perHour / 3600);
  const toAt = (perHour: number) => serviceLevelAt(to, to.arrivalRatePerSecond + perHour / 3600);
  const fromNow = fromAt(0);
  const toNow = toAt(0);
  const refuse = (reason: 'no-slack' | 'not-enough' | 'receiver-breaks'): DiversionVerdict => ({
    feasible: false,
    reason,
    fromServiceLevelNow: fromNow,
    toServiceLevelNow: toNow,
  });
  if (toNow < to.target) return refuse('no-slack');
  const step = limits.stepPerHour;
  const maxSteps = Math.floor((limits.maxShare * from.arrivalRatePerSecond * 3600) / step + 1e-9);
  if (fromNow >= from.target) {
    return {
      feasible: true,
      plan: {
        contactsPerHour: 0,
        fromServiceLevelNow: fromNow,
        fromServiceLevelAfter: fromNow,
        toServiceLevelNow: toNow,
        toServiceLevelAfter: toNow,
      },
    };
  }
  if (maxSteps < 1 || fromAt(maxSteps * step) < from.target) return refuse('not-enough');
  // Invariant: fromAt(lo·step) < target ≤ fromAt(hi·step).
  let lo = 0;
  let hi = maxSteps;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (fromAt(mid * step) >= from.target) hi = mid;
    else lo = mid;
  }
  const x = hi * step;
  const toAfter = toAt(x);
  if (toAfter < to.target) return refuse('receiver-breaks');
  return {
    feasible: true,
    plan: {
      contactsPerHour: x,
      fromServiceLevelNow: fromNow,
      fromServiceLevelAfter: fromAt(x),
      toServiceLevelNow: toNow,
      toServiceLevelAfter: toAfter,
    },
  };
}
