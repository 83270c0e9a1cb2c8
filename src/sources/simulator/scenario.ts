/**
 * Scenario files: incidents injected into the simulation at simulated times, and the ground-truth
 * labels they produce. Loaded from YAML, validated with ajv; every error names the file and the key.
 *
 * Times (`from`, `to`) are offsets from the simulation start: a number of seconds or a string such
 * as `90s`, `2m`, `1h30m`, `500ms`. A missing `to` means "until the end of the run".
 */
import { readFile } from 'node:fs/promises';
import { Ajv, type ErrorObject } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { CxPulseError } from '../../errors/codes.js';
import { EVENT_TYPES, type EventType } from '../../events/types.js';
import { QUEUES, SOCIAL_TOPICS, TOUCHPOINTS } from './model.js';
import { accountUsageSchema, type AccountUsageIncident } from './account-usage.js';
import { customerContactsSchema, type CustomerContactsIncident } from './customer-contacts.js';
import { tagStormSchema, type TagStormIncident } from './tag-storm.js';
import { checkJourneyHandoff, journeyHandoffSchema, type JourneyHandoffIncident } from './journey-handoff.js';

export const INCIDENT_KINDS = [
  'understaffing',
  'touchpoint-outage',
  'latency-degradation',
  'social-surge',
  'silent-feed',
  'customer-contacts',
  'overstaffing',
  'survey-campaign',
  'tag-storm',
  'journey-handoff',
  'account-usage',
] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

interface IncidentTimes {
  /** Offset from simulation start, ms. */
  fromMs: number;
  /** Offset from simulation start, ms; undefined = open-ended. */
  toMs?: number;
}

export type Incident = IncidentTimes &
  (
    | { kind: 'understaffing'; queues: string[]; awayFraction: number }
    | { kind: 'touchpoint-outage'; touchpoint: string; failureProbability: number }
    | { kind: 'latency-degradation'; touchpoint: string; multiplier: number }
    | {
        kind: 'social-surge';
        topic: string;
        rateMultiplier: number;
        sentimentShift: number;
        /** Multiplies the reach of the surge's posts (well-followed accounts joining in); default 1. */
        reachMultiplier: number;
      }
    | { kind: 'silent-feed'; eventTypes: EventType[]; queue?: string }
    | { kind: 'overstaffing'; queues: string[]; extraFraction: number }
    | { kind: 'survey-campaign'; journeyProbability: number }
    | Omit<CustomerContactsIncident, 'fromMs' | 'toMs'>
    | Omit<TagStormIncident, 'fromMs' | 'toMs'>
    | Omit<JourneyHandoffIncident, 'fromMs' | 'toMs'>
    | Omit<AccountUsageIncident, 'fromMs' | 'toMs'>
  );

export interface Scenario {
  name: string;
  description?: string;
  incidents: Incident[];
}

/** One line of the labels file: what was injected, where and when (epoch ms). */
export interface IncidentLabel {
  scenario: string;
  kind: IncidentKind;
  target: string;
  startTs: number;
  /** null when the incident lasts until the end of the run. */
  endTs: number | null;
}

export const EMPTY_SCENARIO: Scenario = { name: 'none', incidents: [] };

const DURATION_PATTERN = '^\\s*(\\d+(\\.\\d+)?\\s*(ms|s|m|h)\\s*)+$';
const duration = {
  anyOf: [
    { type: 'number', minimum: 0 },
    { type: 'string', pattern: DURATION_PATTERN },
  ],
};
const times = { from: duration, to: duration };
const queueName = { type: 'string', enum: QUEUES.map((q) => q.name) };
const touchpointName = { type: 'string', enum: [...TOUCHPOINTS] };

const incidentSchemas: Record<IncidentKind, object> = {
  understaffing: {
    properties: {
      kind: { const: 'understaffing' },
      ...times,
      queues: { type: 'array', minItems: 1, items: queueName },
      awayFraction: { type: 'number', minimum: 0, maximum: 1 },
    },
    required: ['kind', 'from', 'queues', 'awayFraction'],
  },
  'touchpoint-outage': {
    properties: {
      kind: { const: 'touchpoint-outage' },
      ...times,
      touchpoint: touchpointName,
      failureProbability: { type: 'number', minimum: 0, maximum: 1 },
    },
    required: ['kind', 'from', 'touchpoint', 'failureProbability'],
  },
  'latency-degradation': {
    properties: {
      kind: { const: 'latency-degradation' },
      ...times,
      touchpoint: touchpointName,
      multiplier: { type: 'number', exclusiveMinimum: 0, maximum: 1000 },
    },
    required: ['kind', 'from', 'touchpoint', 'multiplier'],
  },
  'social-surge': {
    properties: {
      kind: { const: 'social-surge' },
      ...times,
      topic: { type: 'string', enum: SOCIAL_TOPICS.map((t) => t.topic) },
      rateMultiplier: { type: 'number', minimum: 1, maximum: 1000 },
      sentimentShift: { type: 'number', minimum: -2, maximum: 2 },
      reachMultiplier: { type: 'number', minimum: 1, maximum: 10000 },
    },
    required: ['kind', 'from', 'topic', 'rateMultiplier'],
  },
  'silent-feed': {
    properties: {
      kind: { const: 'silent-feed' },
      ...times,
      eventTypes: { type: 'array', minItems: 1, items: { type: 'string', enum: [...EVENT_TYPES] } },
      queue: queueName,
    },
    required: ['kind', 'from'],
    anyOf: [{ required: ['eventTypes'] }, { required: ['queue'] }],
  },
  // Scripted events laid over the traffic by scripted-simulator.ts; the simulator itself ignores it.
  'customer-contacts': customerContactsSchema(queueName, times),
  // More agents than the plan on the queues' teams (an idle queue beside a busy one).
  overstaffing: {
    properties: {
      kind: { const: 'overstaffing' },
      ...times,
      queues: { type: 'array', minItems: 1, items: queueName },
      extraFraction: { type: 'number', exclusiveMinimum: 0, maximum: 10 },
    },
    required: ['kind', 'from', 'queues', 'extraFraction'],
  },
  // An in-app survey campaign: this share of finished or failed journeys is asked for a score.
  'survey-campaign': {
    properties: {
      kind: { const: 'survey-campaign' },
      ...times,
      journeyProbability: { type: 'number', minimum: 0, maximum: 0.5 },
    },
    required: ['kind', 'from', 'journeyProbability'],
  },
  // Scripted like customer-contacts: answers and posts about one topic saying one thing.
  'tag-storm': tagStormSchema({ type: 'string', enum: SOCIAL_TOPICS.map((t) => t.topic) }, times),
  'journey-handoff': journeyHandoffSchema(times),
  // Scripted like customer-contacts: prepaid accounts reporting what they use of an allowance.
  'account-usage': accountUsageSchema(times),
};

const scenarioSchema = {
  type: 'object',
  required: ['name', 'incidents'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 128 },
    description: { type: 'string' },
    incidents: {
      type: 'array',
      items: {
        type: 'object',
        discriminator: { propertyName: 'kind' },
        required: ['kind'],
        oneOf: INCIDENT_KINDS.map((kind) => ({
          ...incidentSchemas[kind],
          additionalProperties: false,
        })),
      },
    },
  },
};

const ajv = new Ajv({ allErrors: false, discriminator: true, strict: false });
const validateScenario = ajv.compile(scenarioSchema);

/** `/incidents/0/awayFraction` → `incidents[0].awayFraction` */
function keyPath(err: ErrorObject): string {
  const parts = err.instancePath.split('/').slice(1);
  const params = err.params as { missingProperty?: string; additionalProperty?: string; tag?: string };
  const extra = params.missingProperty ?? params.additionalProperty ?? params.tag;
  if (extra !== undefined && (err.keyword !== 'discriminator' || parts.length > 0)) parts.push(extra);
  let path = '';
  for (const p of parts) path += /^\d+$/.test(p) ? `[${p}]` : path === '' ? p : `.${p}`;
  return path === '' ? '(root)' : path;
}

function describe(err: ErrorObject): string {
  const params = err.params as { allowedValues?: unknown[] };
  if (err.keyword === 'discriminator') return `must be one of ${INCIDENT_KINDS.join(', ')}`;
  if (/\/(from|to)$/.test(err.instancePath)) return 'must be seconds or a duration like 90s, 5m, 1h30m';
  if (err.keyword === 'enum' && params.allowedValues)
    return `must be one of ${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  if (err.keyword === 'required') return 'is required';
  if (err.keyword === 'additionalProperties') return 'is not allowed here';
  return err.message ?? 'is invalid';
}

/** Parses `90`, `90s`, `1m30s`, `500ms`, `2h` into milliseconds. */
export function parseDurationMs(value: number | string): number {
  if (typeof value === 'number') return value * 1000;
  let total = 0;
  for (const m of value.matchAll(/(\d+(?:\.\d+)?)\s*(ms|s|m|h)/g)) {
    const n = Number(m[1]);
    const unit = m[2];
    total += unit === 'ms' ? n : unit === 's' ? n * 1000 : unit === 'm' ? n * 60_000 : n * 3_600_000;
  }
  return total;
}

function invalid(file: string, key: string, message: string): CxPulseError {
  return new CxPulseError('CXP_ERR_CONFIG_INVALID', `scenario ${file}: ${key} ${message}`);
}

/**
 * Validates a parsed YAML document as a scenario. `file` is only used in error messages.
 * Throws CxPulseError(CXP_ERR_CONFIG_INVALID) whose message names the file and the key.
 */
export function parseScenario(doc: unknown, file: string): Scenario {
  if (!validateScenario(doc)) {
    const err = validateScenario.errors?.[0];
    if (err === undefined) throw invalid(file, '(root)', 'is invalid');
    throw invalid(file, keyPath(err), describe(err));
  }
  const raw = doc as { name: string; description?: string; incidents: Record<string, unknown>[] };
  const incidents = raw.incidents.map((inc, i): Incident => {
    const { from, to, ...rest } = inc as { from: number | string; to?: number | string };
    const fromMs = parseDurationMs(from);
    const toMs = to === undefined ? undefined : parseDurationMs(to);
    if (toMs !== undefined && toMs <= fromMs) throw invalid(file, `incidents[${i}].to`, 'must be after from');
    const incident = { ...rest, fromMs, toMs } as Incident;
    if (incident.kind === 'social-surge') {
      incident.sentimentShift ??= 0;
      incident.reachMultiplier ??= 1;
    }
    if (incident.kind === 'silent-feed') incident.eventTypes ??= [];
    if (incident.kind === 'journey-handoff') {
      const problem = checkJourneyHandoff(incident as JourneyHandoffIncident);
      if (problem !== undefined) throw invalid(file, `incidents[${i}].afterStage`, problem);
    }
    return incident;
  });
  return { name: raw.name, ...(raw.description ? { description: raw.description } : {}), incidents };
}

export async function loadScenarioFile(path: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new CxPulseError('CXP_ERR_CONFIG_READ', `scenario ${path}: cannot be read`, { cause });
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (cause) {
    const msg = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
    throw new CxPulseError('CXP_ERR_CONFIG_INVALID', `scenario ${path}: not valid YAML: ${msg}`, { cause });
  }
  return parseScenario(doc, path);
}

export function incidentTarget(incident: Incident): string {
  switch (incident.kind) {
    case 'understaffing':
      return incident.queues.join(',');
    case 'touchpoint-outage':
    case 'latency-degradation':
      return incident.touchpoint;
    case 'social-surge':
      return incident.topic;
    case 'silent-feed':
      return incident.queue ?? incident.eventTypes.join(',');
    case 'customer-contacts':
      return incident.customer;
    case 'overstaffing':
      return incident.queues.join(',');
    case 'survey-campaign':
      return 'journey-surveys';
    case 'tag-storm':
      return `${incident.topic}/${incident.tag}`;
    case 'journey-handoff':
      return `${incident.journey}/${incident.afterStage}`;
    case 'account-usage':
      return incident.accounts !== undefined && incident.accounts > 1
        ? `${incident.account}-*`
        : incident.account;
  }
}

/** Ground-truth labels of a scenario for a run starting at `startTs`, in start order. */
export function scenarioLabels(scenario: Scenario, startTs: number): IncidentLabel[] {
  return scenario.incidents
    .map((inc) => ({
      scenario: scenario.name,
      kind: inc.kind,
      target: incidentTarget(inc),
      startTs: startTs + inc.fromMs,
      endTs: inc.toMs === undefined ? null : startTs + inc.toMs,
    }))
    .sort((a, b) => a.startTs - b.startTs);
}
