/**
 * Workforce management habits of a healthy contact centre that the simulated teams follow: when an
 * agent may go on break, how the intraday plan forecasts re-contacts, and when real-time management
 * pulls reserve agents onto a queue that builds. Pure, so the policy is tested apart from the
 * simulation.
 */

/**
 * Breaks are staggered: no more of a team away at once than the share the plan reserved for breaks
 * (at least one, so a team of six never has two away together); real-time adherence holds a break
 * while callers of the team's queues wait. A break held back is taken later, not skipped.
 */
export function mayStartBreak(
  team: { onBreak: number; staffed: number },
  breakTimeShare: number,
  callersWaiting: boolean,
): boolean {
  if (callersWaiting) return false;
  return team.onBreak < Math.max(1, Math.ceil(breakTimeShare * team.staffed));
}

/** How far back the re-contact forecast looks: callbacks come 15 minutes to hours after the cause. */
export const RECONTACT_FORECAST_SPAN_MS = 60 * 60_000;

/**
 * Re-contacts per second forecast for the next interval: an exponentially weighted mean of the
 * measured rates, each interval weighted by its length over RECONTACT_FORECAST_SPAN_MS. The last
 * quarter hour's raw count alone carries its Poisson noise (±√n) into the plan, one interval
 * understaffed for every interval that happened to be quiet; no WFM forecast works that way.
 */
export function forecastRecontactRate(
  previousPerSecond: number | undefined,
  measuredPerSecond: number,
  elapsedMs: number,
): number {
  if (previousPerSecond === undefined) return measuredPerSecond;
  const weight = Math.min(1, elapsedMs / RECONTACT_FORECAST_SPAN_MS);
  return previousPerSecond + (measuredPerSecond - previousPerSecond) * weight;
}

/**
 * Share of a team's planned headcount that real-time management can move onto the queues within
 * the quarter hour: agents on deferrable offline work (back office, e-mail backlog, coaching). The
 * plan covers the forecast; a quarter running one or two standard deviations over it (the
 * square-root rule's slack is one) is what the reserve is for.
 */
export const INTRADAY_RESERVE_SHARE = 0.15;

/**
 * Callers waiting, in units of √N, beyond which a real-time analyst pulls the next reserve agent.
 * A team staffed by the square-root rule N = A + β√A keeps a queue of order √N only when arrivals
 * run over plan; half of that is a queue building, not a moment's bunching.
 */
export const RESERVE_TRIGGER = 0.5;

/**
 * Whether real-time management pulls one more agent onto the team's queues now: callers of the team
 * wait beyond the trigger and the reserve for the planned headcount is not used up. The next quarter
 * hour's plan sends the extra agents back (its target counts only the forecast).
 */
export function shouldPullReserve(
  team: { staffed: number; target: number },
  callersWaiting: number,
  reserveShare: number = INTRADAY_RESERVE_SHARE,
): boolean {
  if (team.target <= 0 || reserveShare <= 0) return false;
  if (team.staffed >= team.target + Math.ceil(reserveShare * team.target)) return false;
  return callersWaiting > Math.max(1, RESERVE_TRIGGER * Math.sqrt(team.target));
}
