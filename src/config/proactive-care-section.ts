/**
 * The `proactiveCare:` pipeline section (src/analytics/proactive, docs/analytics.md "Proactive care
 * forecasts"): its definition, defaults, JSON Schema, the checks the schema cannot express and the
 * YAML → definition step, kept together so that the shared loader and schema only refer to them.
 *
 * Generic on purpose: the section names the event fields of the entity (an account, a customer),
 * of the consumption series and of the balance it is compared with, so any metered allowance read
 * from any event type can be forecast.
 */
import { EVENT_SHAPE_BY_TYPE, EVENT_WIRE_SCHEMAS } from '../events/schema.js';
import { EVENT_TYPES } from '../events/types.js';
import { DURATION_PATTERN, parseDuration } from './duration.js';

export interface ProactiveCareDefinition {
  /** Event field naming the entity (e.g. `accountId`); its value is pseudonymised in every output. */
  entityField: string;
  /** Event field splitting an entity's consumption into series (e.g. `metric`); absent: one series. */
  seriesField?: string;
  /** Numeric event field: the amount consumed by the event (≥ 0). */
  valueField: string;
  /** Numeric event field: what the entity has left after the event (balance, remaining allowance). */
  limitField: string;
  /** Consumption is summed per event-time bucket of this length, aligned to the epoch (UTC). */
  bucketMs: number;
  /** How far ahead consumption is projected. */
  horizonMs: number;
  /** Notify when predicted consumption over the horizon × (1 + margin) ≥ what is left. */
  margin: number;
  /** Complete buckets of history a series needs before it is forecast. */
  minHistory: number;
  /** Holt's smoothing weights: `level` (α) and `trend` (β), both in (0, 1]. */
  smoothing: { level: number; trend: number };
  /** A series without events for this long (event time) is forgotten; a gap this long restarts it. */
  expireAfterMs: number;
  /** Cap on series held; beyond it the least recently active one is forgotten. */
  maxSeries: number;
}

/** Defaults of the optional `proactiveCare:` fields, as written in YAML (documented in docs/analytics.md). */
export const PROACTIVE_CARE_DEFAULTS = {
  bucket: '1d',
  horizon: '7d',
  margin: 0.1,
  minHistory: 3,
  smoothing: { level: 0.4, trend: 0.1 },
  expireAfter: '30d',
  maxSeries: 2_000_000,
} as const;

/** Longest gap, in buckets, that is filled with zero-usage buckets; the expiry may not be longer. */
export const MAX_GAP_BUCKETS = 1000;
/** Longest horizon, in buckets: the projection walks it bucket by bucket. */
export const MAX_HORIZON_BUCKETS = 1000;

const FIELD_NAME_PATTERN = '^[A-Za-z][A-Za-z0-9_]*$';

const duration = (description: string, defaultValue?: string) =>
  ({
    type: 'string',
    pattern: DURATION_PATTERN,
    description,
    ...(defaultValue !== undefined ? { default: defaultValue } : {}),
  }) as const;

const field = (description: string) =>
  ({ type: 'string', pattern: FIELD_NAME_PATTERN, description }) as const;

const weight = (description: string, defaultValue: number) =>
  ({ type: 'number', exclusiveMinimum: 0, maximum: 1, default: defaultValue, description }) as const;

export const PROACTIVE_CARE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['entity', 'value', 'limit'],
  description:
    "Proactive care forecasts (docs/analytics.md): per entity, Holt's linear smoothing of its consumption per bucket, projected over the horizon; when the projection reaches what the entity has left, one proactive notification per cycle (re-armed by a top-up).",
  properties: {
    entity: field('Event field naming the entity, e.g. accountId (pseudonymised in every output).'),
    series: field(
      "Event field splitting an entity's consumption into separate series, e.g. metric. Default: one series per entity.",
    ),
    value: field('Numeric event field: the amount the event consumed (≥ 0), e.g. used.'),
    limit: field(
      'Numeric event field: what the entity has left after the event, e.g. remaining. A rise is a top-up and re-arms the notification.',
    ),
    bucket: duration(
      'Consumption is summed per event-time bucket of this length (aligned to the epoch, UTC).',
      PROACTIVE_CARE_DEFAULTS.bucket,
    ),
    horizon: duration(
      'How far ahead consumption is projected; at least one bucket.',
      PROACTIVE_CARE_DEFAULTS.horizon,
    ),
    margin: {
      type: 'number',
      minimum: 0,
      maximum: 10,
      default: PROACTIVE_CARE_DEFAULTS.margin,
      description: 'Safety margin: notify when predicted consumption × (1 + margin) ≥ what is left.',
    },
    minHistory: {
      type: 'integer',
      minimum: 1,
      maximum: 1000,
      default: PROACTIVE_CARE_DEFAULTS.minHistory,
      description:
        "Complete buckets of a series' history before it is forecast (its first, partial bucket does not count).",
    },
    smoothing: {
      type: 'object',
      additionalProperties: false,
      description: "Holt's linear exponential smoothing weights.",
      properties: {
        level: weight(
          'α: weight of the newest bucket in the level.',
          PROACTIVE_CARE_DEFAULTS.smoothing.level,
        ),
        trend: weight(
          'β: weight of the newest level change in the trend.',
          PROACTIVE_CARE_DEFAULTS.smoothing.trend,
        ),
      },
    },
    expireAfter: duration(
      'A series without events for this long (event time) is forgotten; a longer gap restarts its history.',
      PROACTIVE_CARE_DEFAULTS.expireAfter,
    ),
    maxSeries: {
      type: 'integer',
      minimum: 1,
      default: PROACTIVE_CARE_DEFAULTS.maxSeries,
      description: 'Cap on series held; beyond it the least recently active one is forgotten.',
    },
  },
} as const;

export interface ProactiveCareYaml {
  entity: string;
  series?: string;
  value: string;
  limit: string;
  bucket?: string;
  horizon?: string;
  margin?: number;
  minHistory?: number;
  smoothing?: { level?: number; trend?: number };
  expireAfter?: string;
  maxSeries?: number;
}

type PathSegment = string | number;
type Report = (path: PathSegment[], message: string, target?: 'key' | 'value') => void;

/** JSON Schema `type` of an event field in one event type's wire schema; undefined when it has none. */
function fieldType(eventType: string, name: string): string | undefined {
  const shape = (EVENT_SHAPE_BY_TYPE as Record<string, keyof typeof EVENT_WIRE_SCHEMAS>)[eventType];
  if (shape === undefined) return undefined;
  const properties = EVENT_WIRE_SCHEMAS[shape].properties as Record<string, { type?: unknown }>;
  const type = properties[name]?.type;
  return typeof type === 'string' ? type : undefined;
}

/**
 * What the schema cannot say about `proactiveCare:`: the named fields exist, with the right type, in
 * the event types the pipeline reads; the horizon and expiry are whole numbers of buckets.
 */
export function proactiveCareIssues(
  section: Record<string, unknown>,
  eventTypes: readonly string[] | undefined,
  at: Report,
): void {
  const types = (eventTypes ?? EVENT_TYPES).filter((t) => (EVENT_TYPES as readonly string[]).includes(t));
  const wants = [
    ['entity', 'string'],
    ['series', 'string'],
    ['value', 'number'],
    ['limit', 'number'],
  ] as const;
  for (const [key, type] of wants) {
    const name = section[key];
    if (typeof name !== 'string' || types.length === 0) continue;
    const found = types.map((t) => fieldType(t, name));
    if (found.every((f) => f === undefined)) {
      at(
        ['proactiveCare', key],
        `no event type the pipeline reads (${types.join(', ')}) has a field "${name}"`,
      );
    } else if (!found.includes(type)) {
      at(['proactiveCare', key], `"${name}" must be a ${type} field, it is ${found.find((f) => f)}`);
    }
  }
  if (typeof section.value === 'string' && section.value === section.limit) {
    at(['proactiveCare', 'limit'], 'must be another field than value');
  }
  const bucket = parseDuration(
    typeof section.bucket === 'string' ? section.bucket : PROACTIVE_CARE_DEFAULTS.bucket,
  );
  if (bucket === undefined) return;
  if (bucket === 0) {
    at(['proactiveCare', 'bucket'], 'must be longer than 0');
    return;
  }
  const multiple = (key: 'horizon' | 'expireAfter', max: number) => {
    const given = section[key];
    const text = typeof given === 'string' ? given : PROACTIVE_CARE_DEFAULTS[key];
    const ms = parseDuration(text);
    if (ms === undefined) return;
    // A defaulted horizon or expiry is wrong because of the bucket someone wrote: point there.
    const path =
      given !== undefined
        ? ['proactiveCare', key]
        : section.bucket !== undefined
          ? ['proactiveCare', 'bucket']
          : ['proactiveCare'];
    const target = path.length === 1 ? 'key' : 'value';
    if (ms < bucket || ms % bucket !== 0) {
      at(
        path,
        `${key} (${text}) must be a whole number of buckets (bucket ${formatBucket(section)})`,
        target,
      );
    } else if (ms / bucket > max) {
      at(path, `${key} (${text}) must be at most ${max} buckets (bucket ${formatBucket(section)})`, target);
    }
  };
  multiple('horizon', MAX_HORIZON_BUCKETS);
  multiple('expireAfter', MAX_GAP_BUCKETS);
}

function formatBucket(section: Record<string, unknown>): string {
  return typeof section.bucket === 'string' ? section.bucket : PROACTIVE_CARE_DEFAULTS.bucket;
}

export function toProactiveCare(yaml: ProactiveCareYaml): ProactiveCareDefinition {
  const d = PROACTIVE_CARE_DEFAULTS;
  const ms = (text: string | undefined, fallback: string): number => parseDuration(text ?? fallback)!;
  return {
    entityField: yaml.entity,
    ...(yaml.series !== undefined ? { seriesField: yaml.series } : {}),
    valueField: yaml.value,
    limitField: yaml.limit,
    bucketMs: ms(yaml.bucket, d.bucket),
    horizonMs: ms(yaml.horizon, d.horizon),
    margin: yaml.margin ?? d.margin,
    minHistory: yaml.minHistory ?? d.minHistory,
    smoothing: {
      level: yaml.smoothing?.level ?? d.smoothing.level,
      trend: yaml.smoothing?.trend ?? d.smoothing.trend,
    },
    expireAfterMs: ms(yaml.expireAfter, d.expireAfter),
    maxSeries: yaml.maxSeries ?? d.maxSeries,
  };
}
