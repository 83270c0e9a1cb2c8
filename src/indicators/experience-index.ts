/**
 * experience_index — a 0..100 composite: 100 × Σ wᵢ·cᵢ ÷ Σ wᵢ over the components cᵢ (each 0..1)
 * that have data in the window; a component without data drops out and the others' weights
 * renormalise. null when no component has data.
 *
 *   service_level       service_level (answered within threshold ÷ answered + long abandons)
 *   abandonment         1 − abandonment_rate
 *   csat                csat (share of 4–5)
 *   nps                 (nps + 100) ÷ 200
 *   touchpoint_success  1 − touchpoint_failure_rate
 *
 * Default weights (params.weights overrides them one by one; 0 removes a component):
 * service_level 0.25, abandonment 0.15, csat 0.25, nps 0.15, touchpoint_success 0.20.
 *
 * Two forms with the same formula: `deriveExperienceIndex` combines already computed results of a
 * window, and the accumulator keeps the sub-states itself (counts only), so it merges exactly like
 * the others. It reads shortAbandonMs, serviceLevelThresholdMs and thresholdsByQueue as
 * service_level does. parts carries each component's 0..1 value: a composite is re-aggregated
 * from its components, not from numerator/denominator sums.
 */
import type { IndicatorDefinition } from '../config/pipeline-definition.js';
import { CxPulseError } from '../errors/codes.js';
import type { IndicatorAccumulator, IndicatorResult } from './accumulator.js';
import { isLongAbandon, readContactParams } from './contact-params.js';
import { numberRecordParam } from './params.js';
import { isCsat, isNps } from './survey-scales.js';

export const EXPERIENCE_COMPONENTS = [
  'service_level',
  'abandonment',
  'csat',
  'nps',
  'touchpoint_success',
] as const;
export type ExperienceComponent = (typeof EXPERIENCE_COMPONENTS)[number];
export type ExperienceWeights = Readonly<Record<ExperienceComponent, number>>;

export const DEFAULT_EXPERIENCE_WEIGHTS: ExperienceWeights = {
  service_level: 0.25,
  abandonment: 0.15,
  csat: 0.25,
  nps: 0.15,
  touchpoint_success: 0.2,
};

export function readExperienceWeights(def: IndicatorDefinition): ExperienceWeights {
  const overrides = numberRecordParam(def, 'weights');
  const weights: Record<ExperienceComponent, number> = { ...DEFAULT_EXPERIENCE_WEIGHTS };
  for (const [name, weight] of Object.entries(overrides)) {
    if (!(EXPERIENCE_COMPONENTS as readonly string[]).includes(name) || weight < 0) {
      throw new CxPulseError(
        'CXP_ERR_PIPELINE_INVALID',
        `indicator ${def.name}: weights.${name} must name one of ${EXPERIENCE_COMPONENTS.join(', ')} with a weight ≥ 0`,
      );
    }
    weights[name as ExperienceComponent] = weight;
  }
  return weights;
}

/** Components as 0..1 values (null or absent = no data) → the index. */
export function combineExperience(
  components: Partial<Record<ExperienceComponent, number | null>>,
  weights: ExperienceWeights = DEFAULT_EXPERIENCE_WEIGHTS,
  samples?: number,
): IndicatorResult {
  let weighted = 0;
  let totalWeight = 0;
  const parts: Record<string, number> = {};
  for (const name of EXPERIENCE_COMPONENTS) {
    const value = components[name];
    if (value === null || value === undefined || !Number.isFinite(value)) continue;
    parts[name] = value;
    const weight = weights[name];
    if (weight <= 0) continue;
    weighted += weight * value;
    totalWeight += weight;
  }
  const result: IndicatorResult = {
    value: totalWeight > 0 ? (100 * weighted) / totalWeight : null,
    numerator: weighted,
    denominator: totalWeight,
    parts,
  };
  if (samples !== undefined) result.samples = samples;
  return result;
}

/**
 * The index from a window's results, looked up by indicator id (service_level, abandonment_rate,
 * csat, nps, touchpoint_failure_rate). Missing or null results are components without data.
 */
export function deriveExperienceIndex(
  results: ReadonlyMap<string, IndicatorResult>,
  weights: ExperienceWeights = DEFAULT_EXPERIENCE_WEIGHTS,
): IndicatorResult {
  const value = (id: string): number | null => results.get(id)?.value ?? null;
  const complement = (v: number | null): number | null => (v === null ? null : 1 - v);
  const npsValue = value('nps');
  return combineExperience(
    {
      service_level: value('service_level'),
      abandonment: complement(value('abandonment_rate')),
      csat: value('csat'),
      nps: npsValue === null ? null : (npsValue + 100) / 200,
      touchpoint_success: complement(value('touchpoint_failure_rate')),
    },
    weights,
  );
}

export interface ExperienceState {
  answeredWithin: number;
  answeredJudged: number;
  answered: number;
  longAbandons: number;
  csatPositive: number;
  csatAnswers: number;
  promoters: number;
  detractors: number;
  npsAnswers: number;
  touchpointFailures: number;
  touchpoints: number;
}

function createExperienceState(): ExperienceState {
  return {
    answeredWithin: 0,
    answeredJudged: 0,
    answered: 0,
    longAbandons: 0,
    csatPositive: 0,
    csatAnswers: 0,
    promoters: 0,
    detractors: 0,
    npsAnswers: 0,
    touchpointFailures: 0,
    touchpoints: 0,
  };
}

const ratio = (num: number, den: number): number | null => (den > 0 ? num / den : null);

export function experienceComponents(s: ExperienceState): Record<ExperienceComponent, number | null> {
  const abandonRate = ratio(s.longAbandons, s.answered + s.longAbandons);
  const failureRate = ratio(s.touchpointFailures, s.touchpoints);
  return {
    service_level: ratio(s.answeredWithin, s.answeredJudged + s.longAbandons),
    abandonment: abandonRate === null ? null : 1 - abandonRate,
    csat: ratio(s.csatPositive, s.csatAnswers),
    nps: s.npsAnswers > 0 ? ((100 * (s.promoters - s.detractors)) / s.npsAnswers + 100) / 200 : null,
    touchpoint_success: failureRate === null ? null : 1 - failureRate,
  };
}

export function experienceIndex(def: IndicatorDefinition): IndicatorAccumulator<ExperienceState> {
  const { shortAbandonMs, thresholdFor } = readContactParams(def);
  const weights = readExperienceWeights(def);
  return {
    name: def.name,
    eventTypes: ['contact.answered', 'contact.abandoned', 'survey.response', 'touchpoint.event'],
    create: createExperienceState,
    add(s, event) {
      switch (event.type) {
        case 'contact.answered': {
          s.answered++;
          const wait = event.waitMs;
          if (wait === undefined) return;
          s.answeredJudged++;
          if (wait <= thresholdFor(event.queue)) s.answeredWithin++;
          return;
        }
        case 'contact.abandoned':
          if (isLongAbandon(event, shortAbandonMs)) s.longAbandons++;
          return;
        case 'survey.response': {
          const c = event.csat;
          if (isCsat(c)) {
            s.csatAnswers++;
            if (c >= 4) s.csatPositive++;
          }
          const n = event.nps;
          if (isNps(n)) {
            s.npsAnswers++;
            if (n >= 9) s.promoters++;
            else if (n <= 6) s.detractors++;
          }
          return;
        }
        case 'touchpoint.event':
          s.touchpoints++;
          if (event.outcome === 'failure') s.touchpointFailures++;
          return;
        default:
          return;
      }
    },
    merge(into, from) {
      into.answeredWithin += from.answeredWithin;
      into.answeredJudged += from.answeredJudged;
      into.answered += from.answered;
      into.longAbandons += from.longAbandons;
      into.csatPositive += from.csatPositive;
      into.csatAnswers += from.csatAnswers;
      into.promoters += from.promoters;
      into.detractors += from.detractors;
      into.npsAnswers += from.npsAnswers;
      into.touchpointFailures += from.touchpointFailures;
      into.touchpoints += from.touchpoints;
    },
    result: (s) =>
      combineExperience(
        experienceComponents(s),
        weights,
        s.answered + s.longAbandons + s.csatAnswers + s.npsAnswers + s.touchpoints,
      ),
  };
}
