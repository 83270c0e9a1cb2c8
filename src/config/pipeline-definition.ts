/**
 * A pipeline definition after loading and validation (see `pipeline-loader.ts`).
 * Durations in the YAML are strings like `20s`, `5m`, `1h`; here they are milliseconds.
 */
import type { FilterPredicate } from './filter.js';
import type { ChannelDiversionDefinition, DriverAnalysisDefinition } from './insight-sections.js';
import type { ProactiveCareDefinition } from './proactive-care-section.js';

export const DIMENSIONS = [
  'queue',
  'channel',
  'touchpoint',
  'journey',
  'stage',
  'stageIndex',
  'segment',
  'region',
  'team',
  'platform',
] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export const INDICATOR_IDS = [
  'contacts_offered',
  'contacts_answered',
  'contacts_abandoned',
  'abandonment_rate',
  'service_level',
  'asa_seconds',
  'aht_seconds',
  'transfer_rate',
  'contacts_in_queue',
  'oldest_wait_seconds',
  'agents_available',
  'occupancy',
  'repeat_contact_rate',
  'csat',
  'nps',
  'ces',
  'sentiment',
  'negative_feedback_share',
  'polarization',
  'touchpoint_failure_rate',
  'touchpoint_latency_ms',
  'journey_completion_rate',
  'journey_duration_seconds',
  'funnel_reached',
  'funnel_passed',
  'funnel_lost',
  'experience_index',
  'usage_amount',
  'opinion_pressure',
  'time_weighted_occupancy',
  'after_contact_work_seconds',
  'overload_streak_share',
] as const;
export type IndicatorId = (typeof INDICATOR_IDS)[number];

export interface WindowDefinition {
  /** Name used in output and storage, e.g. `1m`, `5m/10s`. */
  name: string;
  sizeMs: number;
  /** Equal to sizeMs for a tumbling window. */
  hopMs: number;
}

export type TargetDirection = 'higher-is-better' | 'lower-is-better';

export interface TargetDefinition {
  direction: TargetDirection;
  /** Value at which the tile turns amber. */
  warn: number;
  /** Value at which the tile turns red and threshold alerts may fire. */
  breach: number;
}

export interface IndicatorDefinition {
  id: IndicatorId;
  /** Output name; defaults to the id. Lets one pipeline compute the same indicator twice with different filters. */
  name: string;
  filter?: FilterPredicate;
  /** Quantiles for sketch-based indicators (latency, duration), e.g. [0.5, 0.9, 0.99]. */
  quantiles?: number[];
  /** Indicator-specific parameters (e.g. `shortAbandonMs`, `serviceLevelThresholdMs`, `lookbackMs`, weights). */
  params: Record<string, number | string | boolean | Record<string, number>>;
  target?: TargetDefinition;
  /** Per-key target overrides; the key is `dim=value[,dim=value]`, e.g. `queue=billing`. */
  targetsByKey: Record<string, TargetDefinition>;
}

export interface PipelineDefinition {
  name: string;
  description?: string;
  /** File the definition came from (for error messages). */
  file?: string;
  source: { topics: string[]; eventTypes?: string[] };
  keyBy: Dimension[];
  windows: WindowDefinition[];
  /** Watermark = max event time seen − allowedLatenessMs. */
  allowedLatenessMs: number;
  /** A late event whose window ended less than this before the watermark re-opens it (a correction). */
  correctionHorizonMs: number;
  /** Processing-time quiet period after which the watermark advances by itself. */
  idleTimeoutMs: number;
  /** Processing-time interval of early firings for open windows. */
  earlyFiringIntervalMs: number;
  /** Keys not seen for this long (event time) are evicted. */
  keyIdleEvictMs: number;
  /** Cardinality guard: at most this many keys per pipeline. */
  maxKeys: number;
  indicators: IndicatorDefinition[];
  /** Alert rules over this pipeline's values (src/alerts, docs/alerting.md); absent when none. */
  alerts?: AlertRuleDefinition[];
  /** At-risk customers and their work orders (src/analytics/at-risk, docs/analytics.md); absent when none. */
  atRisk?: AtRiskDefinition;
  /** Channel diversion suggestions (src/analytics/diversion, docs/analytics.md); absent when none. */
  channelDiversion?: ChannelDiversionDefinition;
  /** Driver analysis of survey scores (src/analytics/drivers, docs/analytics.md); absent when none. */
  driverAnalysis?: DriverAnalysisDefinition;
  /** Consumption forecasts and proactive notifications (src/analytics/proactive, docs/analytics.md); absent when none. */
  proactiveCare?: ProactiveCareDefinition;
  /** Streaming top-k of tags per polarity (src/analytics/tags, docs/analytics.md); absent when none. */
  tagRankings?: TagRankingsDefinition;
}

export const TAG_POLARITIES = ['negative', 'positive'] as const;
export type TagPolarity = (typeof TAG_POLARITIES)[number];

/** Where keyword rules apply: only to answers and posts without tags, or to every one. */
export const KEYWORD_SCOPES = ['untagged', 'all'] as const;
export type KeywordScope = (typeof KEYWORD_SCOPES)[number];

export interface TagRankingsDefinition {
  /** Names of the pipeline's windows the rankings are computed over (default: all of them). */
  windows: string[];
  /** Dimensions a ranking is kept per (default none: one ranking per window and polarity). */
  keyBy: Dimension[];
  /** Counters per Space-Saving summary (m): every count overestimates by at most N / m. */
  capacity: number;
  /** Entries reported per ranking (≤ capacity). */
  top: number;
  /** Cardinality guard on keys. */
  maxKeys: number;
  /**
   * A survey answer is judged by its first score of csat, nps, ces; a social post by its sentiment.
   * At or below `negative`'s bound it is negative, at or above `positive`'s positive, else neutral.
   */
  negative: { csatAtMost: number; npsAtMost: number; cesAtMost: number; sentimentAtMost: number };
  positive: { csatAtLeast: number; npsAtLeast: number; cesAtLeast: number; sentimentAtLeast: number };
  /** Tag → words or phrases that give it to a comment or post text (case-insensitive, whole words). */
  keywords: Record<string, string[]>;
  keywordsApplyTo: KeywordScope;
  /** Tags never ranked (lower case), e.g. generic mood tags such as `complaint`; their answers still count. */
  ignoreTags: string[];
}

/**
 * What counts against a customer in the at-risk record, in priority order: when one event makes
 * several causes cross at once, the work order names the first of them.
 */
export const AT_RISK_CAUSES = [
  'abandons',
  'failedTouchpoints',
  'negativeAnswers',
  'longWaits',
  'repeatContacts',
] as const;
export type AtRiskCause = (typeof AT_RISK_CAUSES)[number];

export interface AtRiskDefinition {
  /** How far back a customer's experience counts (event time). */
  lookbackMs: number;
  /** The lookback is kept as this many time buckets of lookbackMs / buckets each (the approximation). */
  buckets: number;
  /** At most one work order per customer and cause per aligned period of this length. */
  dedupWindowMs: number;
  /** A contact answered or abandoned after at least this wait is a long wait. */
  longWaitMs: number;
  /** Which answers are negative: csat ≤ csatAtMost, nps ≤ npsAtMost, social sentiment ≤ sentimentAtMost. */
  negative: { csatAtMost: number; npsAtMost: number; sentimentAtMost: number };
  /**
   * Per segment, the count of each cause within the lookback at which a work order is raised.
   * `default` applies to every segment; a named segment overrides causes of it. A cause absent
   * from both is never raised for that segment.
   */
  thresholds: { default: Partial<Record<AtRiskCause, number>> } & Record<
    string,
    Partial<Record<AtRiskCause, number>>
  >;
  /** Owning team per touchpoint (or contact queue); `default` for the rest. */
  owners: { default: string } & Record<string, string>;
  /** Cap on customers held; beyond it the least recently active one is forgotten. */
  maxCustomers: number;
}

export const ALERT_SEVERITIES = ['warning', 'critical'] as const;
export type AlertSeverityName = (typeof ALERT_SEVERITIES)[number];

interface AlertRuleCommon {
  /** Unique in the pipeline; the Alertmanager `alertname`. */
  name: string;
  severity: AlertSeverityName;
  /** Consecutive bad evaluations (final windows, or checks for silence rules) before firing. */
  forCount: number;
  /** Consecutive good evaluations before a firing alert resolves (hysteresis). */
  resolveAfter: number;
  /** Key dimensions that name the alert's group (alerts sharing a cause); default: the key's queue/touchpoint/journey. */
  groupBy?: Dimension[];
  /** Replaces the generated summary line. */
  summary?: string;
}

export interface ThresholdAlertRule extends AlertRuleCommon {
  type: 'threshold';
  indicator: string;
  window: string;
  /** Fires above or below a fixed value, or on a breach of the indicator's target (per key). */
  condition: { kind: 'above' | 'below'; value: number } | { kind: 'target' };
  /** Resolve threshold (default: the firing threshold); `warn` = the target's warn level. */
  resolveAt?: number | 'warn';
  /** Windows with fewer observations (denominator, else samples) are skipped: no verdict at all. */
  minSamples?: number;
}

export interface AnomalyAlertRule extends AlertRuleCommon {
  type: 'anomaly';
  indicator: string;
  window: string;
  /** A name from src/alerts/detectors/registry.ts; default `ensemble`. */
  detector: string;
  /** Score threshold (0..1); default the detector's own (0.5). */
  threshold?: number;
  /**
   * Smallest |value − expected| that may alert, in the indicator's unit. Robust baselines of a
   * series that is almost always 0 have a zero-width band, and every blip would page someone.
   */
  minDeviation?: number;
  /** Smallest |value − expected| ÷ |expected| that may alert (a relative effect size). */
  minRelativeDeviation?: number;
  /**
   * For a rate (a value with a denominator): the window's count must be at least as unlikely under
   * the expected rate as a minZ-σ normal excursion, by the exact binomial tail. A fixed floor is
   * overwhelming evidence on a busy key and noise on a quiet one; this one scales with the count.
   */
  minZ?: number;
  /** Windows with fewer observations (denominator, else samples) are neither judged nor learned from. */
  minSamples?: number;
}

export interface SilenceAlertRule extends AlertRuleCommon {
  type: 'silence';
  /** `pipeline`: no value at all; `key`: one key stops while others go on. */
  scope: 'pipeline' | 'key';
  /** Silent for longer than usual interval × factor. */
  factor: number;
  /** Never fires for a gap shorter than this, however regular the values were. */
  minSilenceMs: number;
  /** How often the silence is checked (processing time). */
  checkEveryMs: number;
}

export interface ErlangCAlertRule extends AlertRuleCommon {
  type: 'erlang-c';
  /** Window of the arrivals and AHT values the prediction uses. */
  window: string;
  horizonMs: number;
  /** Indicator names in this pipeline (defaults: contacts_offered, aht_seconds, agents_available). */
  arrivals: string;
  aht: string;
  agents: string;
  /** service_level indicator whose per-key target and threshold are the defaults below. */
  serviceLevel?: string;
  /** Service level to keep (0..1); default the service level indicator's breach target. */
  target?: number;
  /** Answer-within threshold; default the service level indicator's threshold for the queue. */
  answerWithinMs?: number;
  /** Extrapolates the arrival rate's trend over the horizon; default true. */
  trend: boolean;
  /** `erlang-a` (default) counts callers who hang up; `erlang-c` assumes everyone waits. */
  model: 'erlang-a' | 'erlang-c';
  /** erlang-a: fixed mean patience; default: estimated from contacts_abandoned and contacts_in_queue. */
  patienceMs?: number;
  /** Planned handle time per contact (a prior for the measured AHT); default: measured only. */
  plannedAhtMs?: number;
  /** Windows with fewer offered contacts get no verdict. */
  minSamples?: number;
}

/**
 * Watermelon rule: per journey and window, a journey-level indicator of this pipeline breaches its
 * target while every touchpoint of the journey (keys of the touchpoint pipeline with that journey) is
 * inside its targets: green outside, red inside (src/alerts/rules/watermelon-rule.ts).
 */
export interface WatermelonAlertRule extends AlertRuleCommon {
  type: 'watermelon';
  /** Window of the journey-level indicators (this pipeline, keyed by journey). */
  window: string;
  /** Journey-level indicators (each with a target); one with fewer observations is not judged. */
  journey: { indicator: string; minSamples?: number }[];
  touchpoints: {
    /** Pipeline of the touchpoint indicators (keyBy has journey and another dimension). */
    pipeline: string;
    /** Its window compared with `window` (same end); default the same name. */
    window: string;
    /** Touchpoint indicators of that pipeline, each with a target. */
    indicators: string[];
  };
}

export type AlertRuleDefinition =
  ThresholdAlertRule | AnomalyAlertRule | SilenceAlertRule | ErlangCAlertRule | WatermelonAlertRule;
