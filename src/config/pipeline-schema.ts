/**
 * The JSON Schema of a pipeline definition file (`pipelines/*.yaml`). It is the single source:
 * the loader validates with it, and `scripts/generate-pipeline-schema.ts` writes it to
 * `pipelines/pipeline.schema.json` for editors (a unit test fails when that file is stale).
 * What a schema cannot say (hop divides size, names unique, targets ordered) is checked in
 * `pipeline-loader.ts`.
 */
import { EVENT_TYPES } from '../events/types.js';
import { DURATION_PATTERN } from './duration.js';
import { PROACTIVE_CARE_SCHEMA } from './proactive-care-section.js';
import { FILTER_SCHEMA } from './filter.js';
import { CHANNEL_DIVERSION_SCHEMA, DRIVER_ANALYSIS_SCHEMA } from './insight-sections.js';
import { DETECTOR_NAMES } from '../alerts/detectors/registry.js';
import {
  ALERT_SEVERITIES,
  AT_RISK_CAUSES,
  DIMENSIONS,
  INDICATOR_IDS,
  KEYWORD_SCOPES,
} from './pipeline-definition.js';

/** Defaults of the optional fields, as written in YAML (documented in docs/pipelines.md). */
export const PIPELINE_DEFAULTS = {
  topics: ['cx.events'],
  keyBy: [] as string[],
  lateness: '30s',
  correctionHorizon: '1h',
  idleTimeout: '10s',
  earlyFiring: '1s',
  keyIdleEvict: '1h',
  maxKeys: 10_000,
} as const;

/** Defaults of the optional `atRisk:` fields, as written in YAML (documented in docs/analytics.md). */
export const AT_RISK_DEFAULTS = {
  lookback: '1d',
  buckets: 6,
  dedupWindow: '1d',
  longWait: '2m',
  negative: { csatAtMost: 2, npsAtMost: 4, sentimentAtMost: -0.5 },
  maxCustomers: 2_000_000,
} as const;

/** Defaults of the optional `tagRankings:` fields, as written in YAML (documented in docs/analytics.md). */
export const TAG_RANKINGS_DEFAULTS = {
  capacity: 64,
  top: 10,
  maxKeys: 1_000,
  negative: { csatAtMost: 2, npsAtMost: 6, cesAtMost: 2, sentimentAtMost: -0.3 },
  positive: { csatAtLeast: 4, npsAtLeast: 9, cesAtLeast: 6, sentimentAtLeast: 0.3 },
  keywordsApplyTo: 'untagged',
} as const;

export const PIPELINE_NAME_PATTERN = '^[a-z][a-z0-9-]*$';
export const ALERT_NAME_PATTERN = '^[a-z][a-z0-9-]*$';
export const ALERT_TYPES = ['threshold', 'anomaly', 'silence', 'erlang-c', 'watermelon'] as const;
export const WINDOW_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9/_.-]*$';
export const INDICATOR_NAME_PATTERN = '^[a-z][a-z0-9_]*$';
export const SEGMENT_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]*$';
/** `dim=value[,dim=value]`; the dimensions themselves are checked against keyBy by the loader. */
export const TARGET_KEY_PATTERN = '^[a-z]+=[^,=]+(,[a-z]+=[^,=]+)*$';

/** Human wording of the patterns above, for error messages. */
export const PIPELINE_PATTERN_HINTS: Record<string, string> = {
  [PIPELINE_NAME_PATTERN]: 'must be lower-case letters, digits and dashes, starting with a letter',
  [WINDOW_NAME_PATTERN]: 'must be letters, digits and / _ . -',
  [INDICATOR_NAME_PATTERN]: 'must be lower-case letters, digits and underscores, starting with a letter',
  [TARGET_KEY_PATTERN]: 'must be written dim=value or dim=value,dim=value (e.g. queue=billing)',
  '^[A-Za-z][A-Za-z0-9_]*$': 'must be an event field name (letters, digits, underscores)',
  [SEGMENT_NAME_PATTERN]: 'must be a segment name (letters, digits and _ . -), or default',
};

function duration(description: string, defaultValue?: string) {
  return {
    type: 'string',
    pattern: DURATION_PATTERN,
    description,
    ...(defaultValue !== undefined ? { default: defaultValue } : {}),
  } as const;
}

/** FILTER_SCHEMA refers to itself by `$id`; in a standalone file it lives under `definitions`. */
function localiseFilterSchema(): unknown {
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (node === null || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === '$id') continue;
      out[key] = key === '$ref' && value === FILTER_SCHEMA.$id ? '#/definitions/filter' : rewrite(value);
    }
    return out;
  };
  return {
    description:
      'Which events the indicator sees: {field, eq|ne|in|gt|gte|lt|lte|exists}, or {all: [...]}, {any: [...]}, {not: {...}}.',
    ...(rewrite(FILTER_SCHEMA) as object),
  };
}

export const PIPELINE_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'CX Pulse pipeline definition',
  description: 'One pipeline: which events to read, how to key and window them, which indicators to compute.',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'windows', 'indicators'],
  properties: {
    $schema: { type: 'string', description: 'Optional pointer to this schema, for editors.' },
    name: {
      type: 'string',
      pattern: PIPELINE_NAME_PATTERN,
      description: 'Unique name of the pipeline; used in storage and on the wallboard.',
    },
    description: { type: 'string' },
    source: {
      type: 'object',
      additionalProperties: false,
      description: 'Where events come from. Default: all event types on topic cx.events.',
      properties: {
        topics: {
          type: 'array',
          minItems: 1,
          uniqueItems: true,
          items: { type: 'string', minLength: 1 },
          description: 'Kafka topics to read.',
          default: [...PIPELINE_DEFAULTS.topics],
        },
        eventTypes: {
          type: 'array',
          minItems: 1,
          uniqueItems: true,
          items: { type: 'string', enum: [...EVENT_TYPES] },
          description: 'Event types the pipeline reads; omit for all.',
        },
      },
    },
    keyBy: {
      type: 'array',
      uniqueItems: true,
      items: { type: 'string', enum: [...DIMENSIONS] },
      description:
        'Dimensions that form the key; indicators are computed per key. Default: [] (one global key).',
      default: [],
    },
    windows: {
      type: 'array',
      minItems: 1,
      description: 'Event-time windows. Tumbling when hop is omitted, hopping (sliding) otherwise.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['size'],
        properties: {
          name: {
            type: 'string',
            pattern: WINDOW_NAME_PATTERN,
            description: 'Name in output and storage. Default: `size`, or `size/hop` for a hopping window.',
          },
          size: duration('Window length.'),
          hop: duration('How often a hopping window starts; must divide size. Default: size (tumbling).'),
        },
      },
    },
    lateness: duration(
      'Allowed lateness: watermark = max event time seen − lateness.',
      PIPELINE_DEFAULTS.lateness,
    ),
    correctionHorizon: duration(
      'A late event for a window that closed less than this before the watermark re-opens it and emits a correction; older ones are dropped as too late.',
      PIPELINE_DEFAULTS.correctionHorizon,
    ),
    idleTimeout: duration(
      'Processing-time quiet period after which the watermark advances by itself.',
      PIPELINE_DEFAULTS.idleTimeout,
    ),
    earlyFiring: duration(
      'Processing-time interval of early (provisional) results for open windows.',
      PIPELINE_DEFAULTS.earlyFiring,
    ),
    keyIdleEvict: duration(
      'Keys not seen for this long (event time) are evicted; at least the largest window size.',
      PIPELINE_DEFAULTS.keyIdleEvict,
    ),
    maxKeys: {
      type: 'integer',
      minimum: 1,
      description: 'Cardinality guard: at most this many keys per pipeline.',
      default: PIPELINE_DEFAULTS.maxKeys,
    },
    indicators: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id'],
        properties: {
          id: {
            type: 'string',
            enum: [...INDICATOR_IDS],
            description: 'Which indicator (see docs/indicators.md).',
          },
          name: {
            type: 'string',
            pattern: INDICATOR_NAME_PATTERN,
            description: 'Output name, unique in the pipeline. Default: the id.',
          },
          filter: { $ref: '#/definitions/filter' },
          quantiles: {
            type: 'array',
            minItems: 1,
            uniqueItems: true,
            items: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
            description: 'Quantiles for sketch-based indicators, e.g. [0.5, 0.9, 0.99].',
          },
          params: {
            type: 'object',
            description: 'Indicator-specific parameters (see docs/indicators.md).',
            additionalProperties: {
              type: ['number', 'string', 'boolean', 'object'],
              additionalProperties: { type: 'number' },
            },
          },
          target: { $ref: '#/definitions/target' },
          targetsByKey: {
            type: 'object',
            description: 'Per-key target overrides; keys are dim=value[,dim=value] using keyBy dimensions.',
            propertyNames: { pattern: TARGET_KEY_PATTERN },
            additionalProperties: { $ref: '#/definitions/target' },
          },
        },
      },
    },
    alerts: {
      type: 'array',
      description: 'Alert rules over this pipeline (docs/alerting.md). Which fields apply depends on `type`.',
      items: { $ref: '#/definitions/alertRule' },
    },
    atRisk: { $ref: '#/definitions/atRisk' },
    channelDiversion: CHANNEL_DIVERSION_SCHEMA,
    driverAnalysis: DRIVER_ANALYSIS_SCHEMA,
    proactiveCare: PROACTIVE_CARE_SCHEMA,
    tagRankings: { $ref: '#/definitions/tagRankings' },
  },
  definitions: {
    filter: localiseFilterSchema(),
    alertRule: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'type'],
      properties: {
        name: {
          type: 'string',
          pattern: ALERT_NAME_PATTERN,
          description: 'Unique in the pipeline; sent as `alertname`.',
        },
        type: { type: 'string', enum: [...ALERT_TYPES] },
        severity: { type: 'string', enum: [...ALERT_SEVERITIES], default: 'warning' },
        indicator: { type: 'string', description: 'threshold, anomaly: indicator name in this pipeline.' },
        window: {
          type: 'string',
          description: 'threshold, anomaly, erlang-c: window name in this pipeline; only final values count.',
        },
        above: { type: 'number', description: 'threshold: fires when the value is above this.' },
        below: { type: 'number', description: 'threshold: fires when the value is below this.' },
        breach: {
          type: 'string',
          enum: ['target'],
          description: "threshold: fires on a breach of the indicator's target (targetsByKey honoured).",
        },
        for: {
          type: 'integer',
          minimum: 1,
          default: 1,
          description:
            'Consecutive bad final windows (checks, for silence) before firing; pending until then.',
        },
        resolve: {
          type: 'object',
          additionalProperties: false,
          description: 'Hysteresis: resolve only after `after` good windows, good meaning past `at`.',
          properties: {
            after: { type: 'integer', minimum: 1, default: 1 },
            at: {
              type: ['number', 'string'],
              description:
                'Resolve threshold (threshold rules): a number, or `warn` for the target warn level.',
            },
          },
        },
        detector: { type: 'string', enum: [...DETECTOR_NAMES], default: 'ensemble' },
        threshold: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
        minSamples: {
          type: 'integer',
          minimum: 1,
          description:
            'threshold, anomaly: skip a window whose denominator (or sample count) is below this; erlang-c: one with fewer offered contacts. A 5 % failure rate over 12 attempts is no evidence (default: none).',
        },
        minDeviation: {
          type: 'number',
          minimum: 0,
          description:
            'anomaly: smallest distance from the expected value that may alert, in the indicator unit (default 0).',
        },
        minRelativeDeviation: {
          type: 'number',
          minimum: 0,
          description:
            'anomaly: smallest distance from the expected value that may alert, as a share of the expected value (0.5 = 50 %; default 0).',
        },
        minZ: {
          type: 'number',
          minimum: 0,
          description:
            'anomaly, on a rate: the window count must be at least as unlikely under the expected rate as a minZ-sigma normal excursion, by the exact binomial tail over the window denominator (default: none).',
        },
        scope: { type: 'string', enum: ['pipeline', 'key'], default: 'pipeline' },
        factor: { type: 'number', exclusiveMinimum: 1, default: 3 },
        minSilence: duration('silence: shortest gap that can fire.', '1m'),
        checkEvery: duration('silence: how often silence is checked.', '10s'),
        horizon: duration('erlang-c: how far ahead to predict.', '15m'),
        arrivals: { type: 'string', default: 'contacts_offered' },
        aht: { type: 'string', default: 'aht_seconds' },
        agents: { type: 'string', default: 'agents_available' },
        serviceLevel: {
          type: 'string',
          description: 'erlang-c: service_level indicator giving the default target and threshold.',
        },
        target: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
        answerWithin: duration('erlang-c: the service level threshold (answered within).'),
        trend: { type: 'boolean', default: true },
        model: {
          type: 'string',
          enum: ['erlang-a', 'erlang-c'],
          default: 'erlang-a',
          description:
            'erlang-c: queueing model of the prediction; erlang-a counts callers who hang up, erlang-c assumes everyone waits.',
        },
        patience: duration(
          'erlang-c with model erlang-a: mean caller patience; default: estimated from contacts_abandoned and contacts_in_queue.',
        ),
        plannedAht: duration(
          "erlang-c: planned (workforce management) handle time per contact, a prior for the measured AHT: alone until the data spans a window, then worth 36 contacts against the window's ended ones (docs/alerting.md); default: measured AHT only.",
        ),
        journey: {
          type: 'array',
          minItems: 1,
          description:
            'watermelon: journey-level indicators of this pipeline (each with a target); red when one is at or past its breach level.',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['indicator'],
            properties: {
              indicator: { type: 'string', description: 'Indicator name in this pipeline.' },
              minSamples: {
                type: 'integer',
                minimum: 1,
                description: 'A window with fewer observations (denominator, else samples) is not judged.',
              },
            },
          },
        },
        touchpoints: {
          type: 'object',
          additionalProperties: false,
          required: ['pipeline', 'indicators'],
          description:
            "watermelon: the journey's touchpoints, the keys of a pipeline keyed by journey and touchpoint.",
          properties: {
            pipeline: {
              type: 'string',
              description: 'Pipeline of the touchpoint indicators, keyed by journey and touchpoint.',
            },
            window: {
              type: 'string',
              description:
                "Window of that pipeline, the same size and hop as the rule's. Default: the rule's window name.",
            },
            indicators: {
              type: 'array',
              minItems: 1,
              uniqueItems: true,
              items: { type: 'string' },
              description: 'Touchpoint indicators of that pipeline, each with a target.',
            },
          },
        },
        groupBy: {
          type: 'array',
          uniqueItems: true,
          items: { type: 'string', enum: [...DIMENSIONS] },
          description: 'Key dimensions naming the group of alerts that share a cause.',
        },
        summary: { type: 'string' },
      },
    },
    atRisk: {
      type: 'object',
      additionalProperties: false,
      required: ['thresholds', 'owners'],
      description:
        "At-risk customers (docs/analytics.md): per customer, bad experiences over a lookback; crossing a segment's threshold raises one work order for the owning team.",
      properties: {
        lookback: duration(
          'How far back a customer’s experience counts (event time).',
          AT_RISK_DEFAULTS.lookback,
        ),
        buckets: {
          type: 'integer',
          minimum: 1,
          maximum: 24,
          default: AT_RISK_DEFAULTS.buckets,
          description:
            'Time buckets the lookback is kept in (memory per customer grows with it); must divide lookback.',
        },
        dedupWindow: duration(
          'At most one work order per customer and cause per aligned period of this length.',
          AT_RISK_DEFAULTS.dedupWindow,
        ),
        longWait: duration(
          'A contact answered or abandoned after at least this wait is a long wait.',
          AT_RISK_DEFAULTS.longWait,
        ),
        negative: {
          type: 'object',
          additionalProperties: false,
          description: 'Which answers count as negative.',
          properties: {
            csatAtMost: {
              type: 'number',
              minimum: 1,
              maximum: 5,
              default: AT_RISK_DEFAULTS.negative.csatAtMost,
            },
            npsAtMost: {
              type: 'number',
              minimum: 0,
              maximum: 10,
              default: AT_RISK_DEFAULTS.negative.npsAtMost,
            },
            sentimentAtMost: {
              type: 'number',
              minimum: -1,
              maximum: 1,
              default: AT_RISK_DEFAULTS.negative.sentimentAtMost,
            },
          },
        },
        thresholds: {
          type: 'object',
          required: ['default'],
          description:
            'Per segment (`default` for all; a named segment such as `vip` overrides causes of it), the count within the lookback at which a work order is raised.',
          propertyNames: { pattern: SEGMENT_NAME_PATTERN },
          properties: { default: { $ref: '#/definitions/atRiskThresholds' } },
          additionalProperties: { $ref: '#/definitions/atRiskThresholds' },
        },
        owners: {
          type: 'object',
          required: ['default'],
          description: 'Owning team per touchpoint or contact queue; `default` for the rest.',
          properties: {
            default: { type: 'string', minLength: 1, description: 'Team of every other touchpoint.' },
          },
          additionalProperties: { type: 'string', minLength: 1 },
        },
        maxCustomers: {
          type: 'integer',
          minimum: 1,
          default: AT_RISK_DEFAULTS.maxCustomers,
          description: 'Cap on customers held; beyond it the least recently active one is forgotten.',
        },
      },
    },
    tagRankings: {
      type: 'object',
      additionalProperties: false,
      description:
        'Tag rankings (docs/analytics.md): per window and polarity, the top tags of survey answers and social posts with their share, from a Space-Saving summary (bounded memory, error ≤ N / capacity).',
      properties: {
        windows: {
          type: 'array',
          minItems: 1,
          uniqueItems: true,
          items: { type: 'string' },
          description: "Names of this pipeline's windows to rank in. Default: all of them.",
        },
        keyBy: {
          type: 'array',
          uniqueItems: true,
          items: { type: 'string', enum: [...DIMENSIONS] },
          description: 'Dimensions a ranking is kept per. Default: [] (one ranking per window and polarity).',
          default: [],
        },
        capacity: {
          type: 'integer',
          minimum: 1,
          maximum: 10_000,
          default: TAG_RANKINGS_DEFAULTS.capacity,
          description:
            'Counters per Space-Saving summary (m): every count overestimates by at most tags counted / m.',
        },
        top: {
          type: 'integer',
          minimum: 1,
          maximum: 1_000,
          default: TAG_RANKINGS_DEFAULTS.top,
          description: 'Tags reported per ranking; at most capacity.',
        },
        maxKeys: {
          type: 'integer',
          minimum: 1,
          default: TAG_RANKINGS_DEFAULTS.maxKeys,
          description: 'Cardinality guard: at most this many keys.',
        },
        negative: {
          type: 'object',
          additionalProperties: false,
          description:
            'At or below these an answer (its first score of csat, nps, ces) or a post (sentiment) is negative.',
          properties: {
            csatAtMost: {
              type: 'number',
              minimum: 1,
              maximum: 5,
              default: TAG_RANKINGS_DEFAULTS.negative.csatAtMost,
            },
            npsAtMost: {
              type: 'number',
              minimum: 0,
              maximum: 10,
              default: TAG_RANKINGS_DEFAULTS.negative.npsAtMost,
            },
            cesAtMost: {
              type: 'number',
              minimum: 1,
              maximum: 7,
              default: TAG_RANKINGS_DEFAULTS.negative.cesAtMost,
            },
            sentimentAtMost: {
              type: 'number',
              minimum: -1,
              maximum: 1,
              default: TAG_RANKINGS_DEFAULTS.negative.sentimentAtMost,
            },
          },
        },
        positive: {
          type: 'object',
          additionalProperties: false,
          description: 'At or above these an answer or a post is positive; between the two bounds, neutral.',
          properties: {
            csatAtLeast: {
              type: 'number',
              minimum: 1,
              maximum: 5,
              default: TAG_RANKINGS_DEFAULTS.positive.csatAtLeast,
            },
            npsAtLeast: {
              type: 'number',
              minimum: 0,
              maximum: 10,
              default: TAG_RANKINGS_DEFAULTS.positive.npsAtLeast,
            },
            cesAtLeast: {
              type: 'number',
              minimum: 1,
              maximum: 7,
              default: TAG_RANKINGS_DEFAULTS.positive.cesAtLeast,
            },
            sentimentAtLeast: {
              type: 'number',
              minimum: -1,
              maximum: 1,
              default: TAG_RANKINGS_DEFAULTS.positive.sentimentAtLeast,
            },
          },
        },
        keywords: {
          type: 'object',
          description:
            'Tag → words or phrases that give the tag to a comment or post text (case-insensitive, whole words; data, never code).',
          propertyNames: { minLength: 1, maxLength: 64 },
          additionalProperties: {
            type: 'array',
            minItems: 1,
            items: { type: 'string', minLength: 1, maxLength: 200 },
          },
        },
        keywordsApplyTo: {
          type: 'string',
          enum: [...KEYWORD_SCOPES],
          default: TAG_RANKINGS_DEFAULTS.keywordsApplyTo,
          description: 'untagged: keyword rules read only answers and posts without tags; all: every one.',
        },
        ignoreTags: {
          type: 'array',
          uniqueItems: true,
          items: { type: 'string', minLength: 1, maxLength: 64 },
          description:
            'Tags never ranked (compared in lower case), e.g. generic mood tags; their answers still count in the shares. Default: none.',
        },
      },
    },
    atRiskThresholds: {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(
        AT_RISK_CAUSES.map((cause) => [cause, { type: 'integer', minimum: 1, maximum: 255 }]),
      ),
    },
    target: {
      type: 'object',
      additionalProperties: false,
      required: ['direction', 'warn', 'breach'],
      description: 'Thresholds for the wallboard colours and threshold alerts.',
      properties: {
        direction: { type: 'string', enum: ['higher-is-better', 'lower-is-better'] },
        warn: { type: 'number', description: 'Value at which the tile turns amber.' },
        breach: { type: 'number', description: 'Value at which the tile turns red and alerts may fire.' },
      },
    },
  },
} as const;

/** The schema file's text, as committed in `pipelines/pipeline.schema.json` (before prettier). */
export function pipelineSchemaJson(): string {
  return `${JSON.stringify(PIPELINE_SCHEMA, null, 2)}\n`;
}
