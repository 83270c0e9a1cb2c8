/**
 * The `journey-handoff` incident: the hand-off after one stage of one journey goes wrong while every
 * touchpoint keeps working. It exists to show watermelon detection (docs/analytics.md, "Watermelon
 * journeys"): a journey that turns red while its touchpoint reports stay green
 * (scenarios/watermelon-journey.yaml), beside a healthy twin with a mild hand-off loss that stays
 * within the journey's targets (scenarios/watermelon-journey-healthy.yaml).
 *
 * After a **successful** `afterStage` of `journey` (not the last stage):
 * - with probability `lossProbability` the customer silently never continues: no further event,
 *   no survey, no fallback contact (a confirmation e-mail that never arrives, a link that lands on a
 *   dead page). The stage itself succeeded with its usual latency, so its touchpoint stays green.
 * - otherwise the next stage starts after the usual think time × `gapMultiplier` (a hand-off that
 *   waits for a back office): each touchpoint's latency is unchanged, only the journey gets longer.
 *
 * The loss draws come from a PRNG of their own: an incident that loses nobody (the healthy twin's
 * `gapMultiplier` alone, or `lossProbability: 0`) takes no draw from the main stream.
 */
import { JOURNEYS } from './model.js';

export interface JourneyHandoffIncident {
  kind: 'journey-handoff';
  fromMs: number;
  toMs?: number;
  journey: string;
  /** Stage name within `journey` after which the hand-off goes wrong; not the journey's last stage. */
  afterStage: string;
  /** Share of customers who pass the stage and never continue. Default 0. */
  lossProbability: number;
  /** Multiplies the think time before the next stage. Default 1. */
  gapMultiplier: number;
}

/** JSON Schema of the incident's YAML form (`from`/`to` as in every incident). */
export function journeyHandoffSchema(times: object): object {
  return {
    properties: {
      kind: { const: 'journey-handoff' },
      ...times,
      journey: { type: 'string', enum: JOURNEYS.map((j) => j.journey) },
      afterStage: {
        type: 'string',
        enum: [...new Set(JOURNEYS.flatMap((j) => j.stages.map((s) => s.stage)))],
      },
      lossProbability: { type: 'number', minimum: 0, maximum: 1 },
      gapMultiplier: { type: 'number', minimum: 1, maximum: 10_000 },
    },
    required: ['kind', 'from', 'journey', 'afterStage'],
    anyOf: [{ required: ['lossProbability'] }, { required: ['gapMultiplier'] }],
  };
}

/**
 * What the schema cannot say: the stage must belong to the journey and have a stage after it.
 * Returns the problem, or undefined; fills in the defaults.
 */
export function checkJourneyHandoff(incident: JourneyHandoffIncident): string | undefined {
  incident.lossProbability ??= 0;
  incident.gapMultiplier ??= 1;
  const spec = JOURNEYS.find((j) => j.journey === incident.journey)!;
  const at = spec.stages.findIndex((s) => s.stage === incident.afterStage);
  const stages = spec.stages.map((s) => s.stage);
  if (at < 0) return `must be a stage of ${incident.journey} (${stages.join(', ')})`;
  if (at === stages.length - 1) return `must not be the last stage of ${incident.journey}`;
  return undefined;
}
