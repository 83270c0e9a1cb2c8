/**
 * The indicator registry: id → factory, and what the docs and the wallboard need to know about
 * each id (unit, direction, kind). docs/indicators.md holds the full definitions.
 */
import type { IndicatorDefinition, IndicatorId, TargetDirection } from '../config/pipeline-definition.js';
import { CxPulseError } from '../errors/codes.js';
import type { IndicatorAccumulator } from './accumulator.js';
import { abandonmentRate } from './abandonment-rate.js';
import { afterContactWorkSeconds } from './after-contact-work-seconds.js';
import { agentsAvailable } from './agents-available.js';
import { ahtSeconds } from './aht-seconds.js';
import { asaSeconds } from './asa-seconds.js';
import { ces } from './ces.js';
import { contactsAbandoned } from './contacts-abandoned.js';
import { contactsAnswered } from './contacts-answered.js';
import { contactsInQueue } from './contacts-in-queue.js';
import { contactsOffered } from './contacts-offered.js';
import { csat } from './csat.js';
import type { IndicatorContext } from './enrichment-marks.js';
import { experienceIndex } from './experience-index.js';
import { funnelLost, funnelPassed, funnelReached } from './funnel-counts.js';
import { journeyCompletionRate } from './journey-completion-rate.js';
import { journeyDurationSeconds } from './journey-duration-seconds.js';
import { negativeFeedbackShare } from './negative-feedback-share.js';
import { nps } from './nps.js';
import { occupancy } from './occupancy.js';
import { oldestWaitSeconds } from './oldest-wait-seconds.js';
import { opinionPressure } from './opinion-pressure.js';
import { overloadStreakShare } from './overload-streak-share.js';
import { polarization } from './polarization.js';
import { repeatContactRate } from './repeat-contact-rate.js';
import { sentiment } from './sentiment.js';
import { serviceLevel } from './service-level.js';
import { timeWeightedOccupancy } from './time-weighted-occupancy.js';
import { touchpointFailureRate } from './touchpoint-failure-rate.js';
import { touchpointLatencyMs } from './touchpoint-latency-ms.js';
import { transferRate } from './transfer-rate.js';
import { usageAmount } from './usage-amount.js';

export type IndicatorUnit = 'ratio' | 'seconds' | 'count' | 'score' | 'ms';

/**
 * `windowed`: a sum over the window's events. `gauge`: a live value read from LiveContactState;
 * its windowed accumulator is null (contacts_in_queue, agents_available) or an approximation
 * (oldest_wait_seconds, occupancy). `composite`: combines other indicators.
 */
export type IndicatorKind = 'windowed' | 'gauge' | 'composite';

export type IndicatorFactory = (def: IndicatorDefinition, context?: IndicatorContext) => IndicatorAccumulator;

export interface IndicatorMetadata {
  id: IndicatorId;
  unit: IndicatorUnit;
  kind: IndicatorKind;
  /** Default direction of a target when the pipeline does not say. */
  direction: TargetDirection;
  /** Range of the value when it is bounded, for gauges on the wallboard. */
  range?: readonly [number, number];
  description: string;
  factory: IndicatorFactory;
  /** Needs an enrichment tracker to run before the windows. */
  enrichment?: 'repeat-contact-tracker' | 'journey-tracker' | 'agent-state-tracker';
}

const HIGHER: TargetDirection = 'higher-is-better';
const LOWER: TargetDirection = 'lower-is-better';
const RATIO: readonly [number, number] = [0, 1];

export const INDICATORS: Readonly<Record<IndicatorId, IndicatorMetadata>> = {
  contacts_offered: {
    id: 'contacts_offered',
    unit: 'count',
    kind: 'windowed',
    direction: LOWER,
    description: 'Contacts queued (contact.queued) in the window.',
    factory: contactsOffered,
  },
  contacts_answered: {
    id: 'contacts_answered',
    unit: 'count',
    kind: 'windowed',
    direction: HIGHER,
    description: 'Contacts answered in the window.',
    factory: contactsAnswered,
  },
  contacts_abandoned: {
    id: 'contacts_abandoned',
    unit: 'count',
    kind: 'windowed',
    direction: LOWER,
    description: 'Contacts abandoned in the window, short abandons included.',
    factory: contactsAbandoned,
  },
  abandonment_rate: {
    id: 'abandonment_rate',
    unit: 'ratio',
    kind: 'windowed',
    direction: LOWER,
    range: RATIO,
    description: 'Long abandons ÷ (answered + long abandons), by outcome time.',
    factory: abandonmentRate,
  },
  service_level: {
    id: 'service_level',
    unit: 'ratio',
    kind: 'windowed',
    direction: HIGHER,
    range: RATIO,
    description: 'Answered within threshold ÷ (answered + long abandons), by outcome time.',
    factory: serviceLevel,
  },
  asa_seconds: {
    id: 'asa_seconds',
    unit: 'seconds',
    kind: 'windowed',
    direction: LOWER,
    description: 'Average speed of answer: mean wait of answered contacts.',
    factory: asaSeconds,
  },
  aht_seconds: {
    id: 'aht_seconds',
    unit: 'seconds',
    kind: 'windowed',
    direction: LOWER,
    description: 'Average handle time: mean talk + hold + wrap of ended contacts.',
    factory: ahtSeconds,
  },
  transfer_rate: {
    id: 'transfer_rate',
    unit: 'ratio',
    kind: 'windowed',
    direction: LOWER,
    description: 'Transfers ÷ answered contacts.',
    factory: transferRate,
  },
  contacts_in_queue: {
    id: 'contacts_in_queue',
    unit: 'count',
    kind: 'gauge',
    direction: LOWER,
    description: 'Contacts waiting now (live gauge; null as a windowed value).',
    factory: contactsInQueue,
  },
  oldest_wait_seconds: {
    id: 'oldest_wait_seconds',
    unit: 'seconds',
    kind: 'gauge',
    direction: LOWER,
    description:
      'Wait of the oldest waiting contact (live); windowed: longest wait that ended in the window.',
    factory: oldestWaitSeconds,
  },
  agents_available: {
    id: 'agents_available',
    unit: 'count',
    kind: 'gauge',
    direction: HIGHER,
    description: 'Agents available now for the queue (live gauge; null as a windowed value).',
    factory: agentsAvailable,
  },
  occupancy: {
    id: 'occupancy',
    unit: 'ratio',
    kind: 'gauge',
    direction: HIGHER,
    range: RATIO,
    description: 'Busy + wrap ÷ logged-in agents (live); windowed: share of agent.state samples.',
    factory: occupancy,
  },
  repeat_contact_rate: {
    id: 'repeat_contact_rate',
    unit: 'ratio',
    kind: 'windowed',
    direction: LOWER,
    range: RATIO,
    description: 'Share of queued contacts whose customer contacted within the lookback.',
    factory: repeatContactRate,
    enrichment: 'repeat-contact-tracker',
  },
  csat: {
    id: 'csat',
    unit: 'ratio',
    kind: 'windowed',
    direction: HIGHER,
    range: RATIO,
    description: 'Share of csat answers at 4–5.',
    factory: csat,
  },
  nps: {
    id: 'nps',
    unit: 'score',
    kind: 'windowed',
    direction: HIGHER,
    range: [-100, 100],
    description: '% promoters (9–10) − % detractors (0–6).',
    factory: nps,
  },
  ces: {
    id: 'ces',
    unit: 'score',
    kind: 'windowed',
    direction: LOWER,
    range: [1, 7],
    description: 'Mean customer effort score (1–7, lower is easier).',
    factory: ces,
  },
  sentiment: {
    id: 'sentiment',
    unit: 'score',
    kind: 'windowed',
    direction: HIGHER,
    range: [-1, 1],
    description: 'Mean sentiment of social feedback.',
    factory: sentiment,
  },
  negative_feedback_share: {
    id: 'negative_feedback_share',
    unit: 'ratio',
    kind: 'windowed',
    direction: LOWER,
    range: RATIO,
    description: 'Negative social posts and csat ≤ 2 answers ÷ all of both.',
    factory: negativeFeedbackShare,
  },
  polarization: {
    id: 'polarization',
    unit: 'ratio',
    kind: 'windowed',
    direction: LOWER,
    range: RATIO,
    description: '4 × low share × high share of survey answers: 0 consensus, 1 a 50/50 split.',
    factory: polarization,
  },
  touchpoint_failure_rate: {
    id: 'touchpoint_failure_rate',
    unit: 'ratio',
    kind: 'windowed',
    direction: LOWER,
    range: RATIO,
    description: 'Failed touchpoint events ÷ all touchpoint events.',
    factory: touchpointFailureRate,
  },
  touchpoint_latency_ms: {
    id: 'touchpoint_latency_ms',
    unit: 'ms',
    kind: 'windowed',
    direction: LOWER,
    description: 'Touchpoint latency quantiles (p50/p90/p99).',
    factory: touchpointLatencyMs,
  },
  journey_completion_rate: {
    id: 'journey_completion_rate',
    unit: 'ratio',
    kind: 'windowed',
    direction: HIGHER,
    description: 'Successful last stages ÷ journey starts.',
    factory: journeyCompletionRate,
  },
  journey_duration_seconds: {
    id: 'journey_duration_seconds',
    unit: 'seconds',
    kind: 'windowed',
    direction: LOWER,
    description: 'End-to-end duration quantiles of completed journeys (p50/p90).',
    factory: journeyDurationSeconds,
    enrichment: 'journey-tracker',
  },
  experience_index: {
    id: 'experience_index',
    unit: 'score',
    kind: 'composite',
    direction: HIGHER,
    range: [0, 100],
    description: 'Weighted 0–100 composite of service level, abandonment, csat, nps and touchpoint success.',
    factory: experienceIndex,
  },
  usage_amount: {
    id: 'usage_amount',
    unit: 'count',
    kind: 'windowed',
    direction: LOWER,
    description: 'Σ used of account.usage events in the window (filter by metric: units differ).',
    factory: usageAmount,
  },
  opinion_pressure: {
    id: 'opinion_pressure',
    unit: 'score',
    kind: 'windowed',
    direction: LOWER,
    description:
      'Σ over negative social posts of |sentiment| × (1 + log10(1 + reach)): rate × negativity × reach.',
    factory: opinionPressure,
  },
  time_weighted_occupancy: {
    id: 'time_weighted_occupancy',
    unit: 'ratio',
    kind: 'windowed',
    // Employee experience: past a point, more occupancy is burnout, not efficiency.
    direction: LOWER,
    range: RATIO,
    description: 'Busy + wrap time ÷ logged-in time of agents, from agent state spans.',
    factory: timeWeightedOccupancy,
    enrichment: 'agent-state-tracker',
  },
  after_contact_work_seconds: {
    id: 'after_contact_work_seconds',
    unit: 'seconds',
    kind: 'windowed',
    direction: LOWER,
    description: 'Mean length of wrap-ups (after-contact work), from agent state spans.',
    factory: afterContactWorkSeconds,
    enrichment: 'agent-state-tracker',
  },
  overload_streak_share: {
    id: 'overload_streak_share',
    unit: 'ratio',
    kind: 'windowed',
    direction: LOWER,
    range: RATIO,
    description: 'Share of logged-in agent time spent past streakMs of unbroken work (no free moment).',
    factory: overloadStreakShare,
    enrichment: 'agent-state-tracker',
  },
  funnel_reached: {
    id: 'funnel_reached',
    unit: 'count',
    kind: 'windowed',
    direction: HIGHER,
    description: 'Journeys reaching the stage (their first event there), each journey once per stage.',
    factory: funnelReached,
  },
  funnel_passed: {
    id: 'funnel_passed',
    unit: 'count',
    kind: 'windowed',
    direction: HIGHER,
    description: 'Journeys passing the stage (their first success there); at the last stage, completions.',
    factory: funnelPassed,
  },
  funnel_lost: {
    id: 'funnel_lost',
    unit: 'count',
    kind: 'windowed',
    direction: LOWER,
    description: 'Journeys that gave up at the stage after it failed for them (abandoned after a failure).',
    factory: funnelLost,
  },
};

export function indicatorMetadata(id: IndicatorId): IndicatorMetadata {
  return INDICATORS[id];
}

/**
 * Builds the accumulator for a definition. Parameters are checked here, once, and a bad one
 * throws CXP_ERR_PIPELINE_INVALID. `context.marks` must be the marks object the pipeline's
 * trackers write into (default: the shared one).
 */
export function createAccumulator(
  def: IndicatorDefinition,
  context?: IndicatorContext,
): IndicatorAccumulator {
  const meta = (INDICATORS as Partial<Record<string, IndicatorMetadata>>)[def.id];
  if (meta === undefined) {
    throw new CxPulseError('CXP_ERR_PIPELINE_INVALID', `unknown indicator id ${String(def.id)}`);
  }
  return meta.factory(def, context);
}
