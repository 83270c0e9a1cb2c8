/**
 * The two pipeline sections that raise insights (src/analytics/insights/insight.ts):
 * `channelDiversion:` (src/analytics/diversion) and `driverAnalysis:` (src/analytics/drivers).
 * Their definitions, defaults, JSON Schema, the checks the schema cannot express and the YAML →
 * definition step live here, beside each other, so that the shared loader and schema only refer to
 * them. Documented in docs/analytics.md.
 */
import { TOUCHPOINT_OUTCOMES, type TouchpointOutcome } from '../events/types.js';
import { DURATION_PATTERN, parseDuration } from './duration.js';

export const SURVEY_SCORES = ['csat', 'nps', 'ces'] as const;
export type SurveyScore = (typeof SURVEY_SCORES)[number];

/** Lowest and highest value of each survey score (src/events/types.ts). */
export const SURVEY_SCORE_RANGE: Record<SurveyScore, readonly [number, number]> = {
  csat: [1, 5],
  nps: [0, 10],
  ces: [1, 7],
};

export interface DiversionPair {
  /** Queue whose demand would be moved (the one predicted to breach). */
  from: string;
  /** Queue that would take it (the one with slack). */
  to: string;
}

export interface ChannelDiversionDefinition {
  /** Window of the staffing model's arrivals and AHT (a window of this pipeline). */
  window: string;
  model: 'erlang-a' | 'erlang-c';
  horizonMs: number;
  trend: boolean;
  plannedAhtMs?: number;
  patienceMs?: number;
  minSamples?: number;
  /** service_level indicator whose per-queue targets and thresholds the model keeps. */
  serviceLevel: string;
  arrivals: string;
  aht: string;
  agents: string;
  pairs: DiversionPair[];
  /** At most this share of the donor's arrivals can be moved (not every caller will switch). */
  maxShare: number;
  /** Granularity of the suggestion, contacts per hour. */
  stepPerHour: number;
  /** The donor breaches when its predicted service level is below its target by more than this. */
  margin: number;
  /** Consecutive evaluations the condition must hold before a suggestion. */
  forCount: number;
  /** Consecutive evaluations without it before the suggestion is resolved. */
  resolveAfter: number;
}

export interface DriverAnalysisDefinition {
  /** A window of this pipeline: answers over its size, recomputed every hop. */
  window: string;
  windowMs: number;
  everyMs: number;
  scores: SurveyScore[];
  /** A customer's touchpoint outcomes this long before an answer are linked to it. */
  lookbackMs: number;
  failedOutcomes: TouchpointOutcome[];
  minAnswers: number;
  minFailures: number;
  /** Level of the confidence intervals; 1 − confidence is the family-wise error of `driver`. */
  confidence: number;
  /** Smallest impact a driver must have, as a share of the score's range (0.02 = 0.08 CSAT points). */
  minImpact: number;
  top: number;
  maxCustomers: number;
  maxTouchpoints: number;
  touchpointsPerCustomer: number;
}

/** Defaults of the optional `channelDiversion:` fields, as written in YAML. */
export const CHANNEL_DIVERSION_DEFAULTS = {
  model: 'erlang-a',
  horizon: '5m',
  trend: false,
  serviceLevel: 'service_level',
  arrivals: 'contacts_offered',
  aht: 'aht_seconds',
  agents: 'agents_available',
  maxShare: 0.5,
  step: 1,
  margin: 0.05,
  for: 18,
  resolveAfter: 6,
} as const;

/** Defaults of the optional `driverAnalysis:` fields, as written in YAML. */
export const DRIVER_ANALYSIS_DEFAULTS = {
  scores: ['csat', 'nps'],
  lookback: '30m',
  failedOutcomes: ['failure'],
  minAnswers: 30,
  minFailures: 5,
  confidence: 0.95,
  minImpact: 0.02,
  top: 10,
  maxCustomers: 200_000,
  maxTouchpoints: 256,
  touchpointsPerCustomer: 16,
} as const;

const duration = (description: string, defaultValue?: string) =>
  ({
    type: 'string',
    pattern: DURATION_PATTERN,
    description,
    ...(defaultValue !== undefined ? { default: defaultValue } : {}),
  }) as const;

const indicatorName = (description: string, defaultValue: string) =>
  ({ type: 'string', description, default: defaultValue }) as const;

export const CHANNEL_DIVERSION_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['window', 'pairs'],
  description:
    "Channel diversion (docs/analytics.md): when a queue's predicted service level breaches while its paired queue has slack, suggest moving the fewest contacts per hour that bring both within target (Erlang A/C, the staffing rule's inputs).",
  properties: {
    window: { type: 'string', description: "Window of this pipeline the staffing model's inputs come from." },
    model: { type: 'string', enum: ['erlang-a', 'erlang-c'], default: CHANNEL_DIVERSION_DEFAULTS.model },
    horizon: duration('Prediction horizon (with trend).', CHANNEL_DIVERSION_DEFAULTS.horizon),
    trend: {
      type: 'boolean',
      default: CHANNEL_DIVERSION_DEFAULTS.trend,
      description: 'Extrapolate a significant rise of the arrival rate over the horizon.',
    },
    plannedAht: duration('Planned handle time, a prior for the measured AHT (src/alerts/planned-aht.ts).'),
    patience: duration('Erlang A: fixed mean patience. Default: estimated from abandons and queue length.'),
    minSamples: {
      type: 'integer',
      minimum: 1,
      description: 'Windows with fewer offered contacts get no verdict.',
    },
    serviceLevel: indicatorName(
      'service_level indicator whose per-queue targets and thresholds are kept.',
      CHANNEL_DIVERSION_DEFAULTS.serviceLevel,
    ),
    arrivals: indicatorName('contacts_offered indicator.', CHANNEL_DIVERSION_DEFAULTS.arrivals),
    aht: indicatorName('aht_seconds indicator.', CHANNEL_DIVERSION_DEFAULTS.aht),
    agents: indicatorName('agents_available indicator.', CHANNEL_DIVERSION_DEFAULTS.agents),
    pairs: {
      type: 'array',
      minItems: 1,
      description: 'Queues whose demand may move: from the one that breaches to the one with slack.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['from', 'to'],
        properties: {
          from: {
            type: 'string',
            minLength: 1,
            description: 'Queue that gives demand (e.g. billing/voice).',
          },
          to: { type: 'string', minLength: 1, description: 'Queue that takes it (e.g. billing/chat).' },
        },
      },
    },
    maxShare: {
      type: 'number',
      exclusiveMinimum: 0,
      maximum: 1,
      default: CHANNEL_DIVERSION_DEFAULTS.maxShare,
      description: "At most this share of the donor's arrivals can be moved.",
    },
    step: {
      type: 'number',
      exclusiveMinimum: 0,
      default: CHANNEL_DIVERSION_DEFAULTS.step,
      description: 'Granularity of the suggestion, contacts per hour.',
    },
    margin: {
      type: 'number',
      minimum: 0,
      maximum: 1,
      default: CHANNEL_DIVERSION_DEFAULTS.margin,
      description: 'The donor breaches when its predicted service level is below target by more than this.',
    },
    for: {
      type: 'integer',
      minimum: 1,
      default: CHANNEL_DIVERSION_DEFAULTS.for,
      description: 'Consecutive evaluations (final windows) the condition holds before a suggestion.',
    },
    resolve: {
      type: 'object',
      additionalProperties: false,
      properties: {
        after: {
          type: 'integer',
          minimum: 1,
          default: CHANNEL_DIVERSION_DEFAULTS.resolveAfter,
          description: 'Consecutive evaluations without the condition before the suggestion resolves.',
        },
      },
    },
  },
} as const;

export const DRIVER_ANALYSIS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['window'],
  description:
    "Driver analysis (docs/analytics.md): per touchpoint, the correlation of a customer's failed outcome there with their survey score, over the window's answers, recomputed every hop.",
  properties: {
    window: {
      type: 'string',
      description: 'A window of this pipeline: answers over its size, recomputed every hop.',
    },
    scores: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: { type: 'string', enum: [...SURVEY_SCORES] },
      default: [...DRIVER_ANALYSIS_DEFAULTS.scores],
      description: 'Survey scores analysed, one insight each.',
    },
    lookback: duration(
      "An answer is linked to the customer's touchpoint outcomes this long before it.",
      DRIVER_ANALYSIS_DEFAULTS.lookback,
    ),
    failedOutcomes: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: { type: 'string', enum: [...TOUCHPOINT_OUTCOMES] },
      default: [...DRIVER_ANALYSIS_DEFAULTS.failedOutcomes],
      description: 'Touchpoint outcomes that count as failed.',
    },
    minAnswers: {
      type: 'integer',
      minimum: 4,
      default: DRIVER_ANALYSIS_DEFAULTS.minAnswers,
      description: 'Linked answers a touchpoint needs to be ranked.',
    },
    minFailures: {
      type: 'integer',
      minimum: 1,
      default: DRIVER_ANALYSIS_DEFAULTS.minFailures,
      description: 'Failed and successful linked answers a touchpoint needs, each, to be a driver.',
    },
    confidence: {
      type: 'number',
      exclusiveMinimum: 0.5,
      exclusiveMaximum: 1,
      default: DRIVER_ANALYSIS_DEFAULTS.confidence,
      description: 'Level of the intervals; drivers are significant at 1 − confidence after Bonferroni.',
    },
    minImpact: {
      type: 'number',
      minimum: 0,
      maximum: 1,
      default: DRIVER_ANALYSIS_DEFAULTS.minImpact,
      description: "Smallest impact of a driver, as a share of the score's range.",
    },
    top: { type: 'integer', minimum: 1, maximum: 1000, default: DRIVER_ANALYSIS_DEFAULTS.top },
    maxCustomers: { type: 'integer', minimum: 1, default: DRIVER_ANALYSIS_DEFAULTS.maxCustomers },
    maxTouchpoints: { type: 'integer', minimum: 1, default: DRIVER_ANALYSIS_DEFAULTS.maxTouchpoints },
    touchpointsPerCustomer: {
      type: 'integer',
      minimum: 1,
      maximum: 255,
      default: DRIVER_ANALYSIS_DEFAULTS.touchpointsPerCustomer,
      description: 'Touchpoint outcomes kept per customer (the newest).',
    },
  },
} as const;

export interface ChannelDiversionYaml {
  window: string;
  model?: 'erlang-a' | 'erlang-c';
  horizon?: string;
  trend?: boolean;
  plannedAht?: string;
  patience?: string;
  minSamples?: number;
  serviceLevel?: string;
  arrivals?: string;
  aht?: string;
  agents?: string;
  pairs: DiversionPair[];
  maxShare?: number;
  step?: number;
  margin?: number;
  for?: number;
  resolve?: { after?: number };
}

export interface DriverAnalysisYaml {
  window: string;
  scores?: SurveyScore[];
  lookback?: string;
  failedOutcomes?: TouchpointOutcome[];
  minAnswers?: number;
  minFailures?: number;
  confidence?: number;
  minImpact?: number;
  top?: number;
  maxCustomers?: number;
  maxTouchpoints?: number;
  touchpointsPerCustomer?: number;
}

type PathSegment = string | number;
type Report = (path: PathSegment[], message: string, target?: 'key' | 'value') => void;

export interface SectionContext {
  /** Window name → [size ms, hop ms] (undefined when its durations are invalid). */
  windows: ReadonlyMap<string, readonly [number, number] | undefined>;
  /** Indicator name → id. */
  indicators: ReadonlyMap<string, string>;
  keyBy: ReadonlySet<string>;
  /** `source.eventTypes`, undefined when the pipeline reads every type. */
  eventTypes: readonly string[] | undefined;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** What the schema cannot say about `channelDiversion:` and `driverAnalysis:`. */
export function insightSectionIssues(
  data: Record<string, unknown>,
  context: SectionContext,
  at: Report,
): void {
  if (isRecord(data.channelDiversion)) diversionIssues(data.channelDiversion, context, at);
  if (isRecord(data.driverAnalysis)) driverIssues(data.driverAnalysis, context, at);
}

function windowIssue(section: string, name: unknown, context: SectionContext, at: Report): void {
  if (typeof name === 'string' && !context.windows.has(name)) {
    at([section, 'window'], `no window named "${name}" (windows: ${[...context.windows.keys()].join(', ')})`);
  }
}

function diversionIssues(section: Record<string, unknown>, context: SectionContext, at: Report): void {
  windowIssue('channelDiversion', section.window, context, at);
  if (!context.keyBy.has('queue')) {
    at(['channelDiversion'], 'pairs name queues: keyBy must include queue', 'key');
  }
  const inputs = [
    ['serviceLevel', 'service_level'],
    ['arrivals', 'contacts_offered'],
    ['aht', 'aht_seconds'],
    ['agents', 'agents_available'],
  ] as const;
  for (const [field, id] of inputs) {
    const given = section[field];
    const name = typeof given === 'string' ? given : CHANNEL_DIVERSION_DEFAULTS[field];
    const found = context.indicators.get(name);
    const path = given === undefined ? ['channelDiversion'] : ['channelDiversion', field];
    const target = given === undefined ? 'key' : 'value';
    if (found === undefined) at(path, `needs the ${id} indicator ("${name}") in this pipeline`, target);
    else if (found !== id) at(path, `"${name}" must be a ${id} indicator, it is ${found}`, target);
  }
  if (Array.isArray(section.pairs)) {
    const seen = new Set<string>();
    section.pairs.forEach((pair: unknown, i) => {
      if (!isRecord(pair) || typeof pair.from !== 'string' || typeof pair.to !== 'string') return;
      if (pair.from === pair.to) at(['channelDiversion', 'pairs', i, 'to'], 'must differ from `from`');
      const id = `${pair.from}\u0000${pair.to}`;
      if (seen.has(id)) at(['channelDiversion', 'pairs', i], `duplicate pair ${pair.from} → ${pair.to}`);
      seen.add(id);
    });
  }
}

function driverIssues(section: Record<string, unknown>, context: SectionContext, at: Report): void {
  windowIssue('driverAnalysis', section.window, context, at);
  if (typeof section.lookback === 'string' && parseDuration(section.lookback) === 0) {
    at(['driverAnalysis', 'lookback'], 'must be longer than 0');
  }
  const types = context.eventTypes;
  if (types !== undefined) {
    for (const needed of ['survey.response', 'touchpoint.event']) {
      if (!types.includes(needed)) {
        at(['source', 'eventTypes'], `driverAnalysis reads ${needed}: list it in source.eventTypes`);
      }
    }
  }
  if (typeof section.top === 'number' && typeof section.maxTouchpoints === 'number') {
    if (section.top > section.maxTouchpoints) {
      at(['driverAnalysis', 'top'], `must not be above maxTouchpoints (${section.maxTouchpoints})`);
    }
  }
}

const ms = (text: string | undefined, fallback: string): number => parseDuration(text ?? fallback)!;

export function toChannelDiversion(yaml: ChannelDiversionYaml): ChannelDiversionDefinition {
  const d = CHANNEL_DIVERSION_DEFAULTS;
  return {
    window: yaml.window,
    model: yaml.model ?? d.model,
    horizonMs: ms(yaml.horizon, d.horizon),
    trend: yaml.trend ?? d.trend,
    ...(yaml.plannedAht !== undefined ? { plannedAhtMs: ms(yaml.plannedAht, yaml.plannedAht) } : {}),
    ...(yaml.patience !== undefined ? { patienceMs: ms(yaml.patience, yaml.patience) } : {}),
    ...(yaml.minSamples !== undefined ? { minSamples: yaml.minSamples } : {}),
    serviceLevel: yaml.serviceLevel ?? d.serviceLevel,
    arrivals: yaml.arrivals ?? d.arrivals,
    aht: yaml.aht ?? d.aht,
    agents: yaml.agents ?? d.agents,
    pairs: yaml.pairs.map((p) => ({ from: p.from, to: p.to })),
    maxShare: yaml.maxShare ?? d.maxShare,
    stepPerHour: yaml.step ?? d.step,
    margin: yaml.margin ?? d.margin,
    forCount: yaml.for ?? d.for,
    resolveAfter: yaml.resolve?.after ?? d.resolveAfter,
  };
}

export function toDriverAnalysis(
  yaml: DriverAnalysisYaml,
  windows: readonly { name: string; sizeMs: number; hopMs: number }[],
): DriverAnalysisDefinition {
  const d = DRIVER_ANALYSIS_DEFAULTS;
  const window = windows.find((w) => w.name === yaml.window)!;
  return {
    window: yaml.window,
    windowMs: window.sizeMs,
    everyMs: window.hopMs,
    scores: yaml.scores ?? [...d.scores],
    lookbackMs: ms(yaml.lookback, d.lookback),
    failedOutcomes: yaml.failedOutcomes ?? [...d.failedOutcomes],
    minAnswers: yaml.minAnswers ?? d.minAnswers,
    minFailures: yaml.minFailures ?? d.minFailures,
    confidence: yaml.confidence ?? d.confidence,
    minImpact: yaml.minImpact ?? d.minImpact,
    top: yaml.top ?? d.top,
    maxCustomers: yaml.maxCustomers ?? d.maxCustomers,
    maxTouchpoints: yaml.maxTouchpoints ?? d.maxTouchpoints,
    touchpointsPerCustomer: yaml.touchpointsPerCustomer ?? d.touchpointsPerCustomer,
  };
}
