/**
 * The measured AHT shrunk towards the planned one (workforce management's forecast), the usual
 * Bayesian shrinkage of a mean towards a prior worth `priorContacts` observations:
 *
 *   AHT = (n₀ · planned + n · measured) / (n₀ + n)
 *
 * with `n` the contacts whose handle time the measured mean is made of. A plan is worth
 * PLANNED_AHT_WEIGHT contacts: handle times vary with a coefficient of variation of about 0.6
 * (log-normal talk, σ 0.5–0.6, plus hold and wrap), so n₀ contacts measure the mean to
 * 0.6 / √n₀; at 36 that is ±10 %, about as well as a WFM forecast knows its AHT. A queue with
 * hundreds of contacts in the window follows its measurement; one with a dozen stays near the plan.
 */
export const PLANNED_AHT_WEIGHT = 36;

export function blendedAht(
  plannedSeconds: number,
  measuredSeconds: number | undefined,
  contacts: number,
  priorContacts = PLANNED_AHT_WEIGHT,
): number {
  if (measuredSeconds === undefined || !(contacts > 0)) return plannedSeconds;
  return (priorContacts * plannedSeconds + contacts * measuredSeconds) / (priorContacts + contacts);
}
