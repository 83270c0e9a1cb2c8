/**
 * Workforce management habits of a healthy contact centre that the simulated teams follow: when an
 * agent may go on break, and how the intraday plan forecasts re-contacts. Pure, so the policy is
 * tested apart from the simulation.
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
