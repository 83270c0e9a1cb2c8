/**
 * A pipeline definition after loading and validation (see `pipeline-loader.ts`).
 * Durations in the YAML are strings like `20s`, `5m`, `1h`; here they are milliseconds.
 */
import type { FilterPredicate } from './filter.js';

export const DIMENSIONS = [
  'queue',
  'channel',
  'touchpoint',
  'journey',
  'stage',
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
  'experience_index',
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
}
