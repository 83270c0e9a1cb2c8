/**
 * JSON Schema (draft-07) of the WIRE form of every event type in `types.ts`.
 *
 * Wire and decoded forms differ in one place only: on the wire `ts` is an ISO-8601 string or epoch
 * milliseconds; the decoder turns it into epoch milliseconds. Everything else passes through as is.
 *
 * Unknown extra fields are tolerated (`additionalProperties: true`): producers may start sending a
 * field before every consumer knows it (the additive-change rule in docs/events.md), and rejecting
 * them would turn a harmless upgrade order into dead letters. The price is that a misspelt optional
 * field is silently ignored; misspelt required fields still fail.
 *
 * Each per-type schema is flat (common fields copied in, no `allOf`/`$ref`) so that ajv generates one
 * straight-line function per type. The `satisfies Record<keyof ...>` clauses make the compiler fail
 * when `types.ts` gains or loses a field that the schema does not.
 *
 * Lengths count UTF-16 code units (ajv `unicode: false`): the limits are safety bounds, and a bound in
 * code units is never looser than the same bound in characters.
 */
import {
  AGENT_STATES,
  CHANNELS,
  CONTACT_EVENT_TYPES,
  EVENT_SCHEMA_VERSION,
  TOUCHPOINT_OUTCOMES,
  type AccountUsageEvent,
  type AgentStateEvent,
  type ContactEvent,
  type EventBase,
  type EventType,
  type SocialFeedbackEvent,
  type SurveyResponseEvent,
  type TouchpointEvent,
} from './types.js';

export type JsonSchema = { [keyword: string]: unknown };

export const JSON_SCHEMA_DIALECT = 'http://json-schema.org/draft-07/schema#';

/** Identifiers: event, contact, customer, agent and journey ids. */
export const MAX_ID_LENGTH = 128;
/** Names: queues, regions, segments, teams, journeys, stages, touchpoints, platforms, error codes. */
export const MAX_NAME_LENGTH = 128;
/** Free text: survey comments and social post text. */
export const MAX_TEXT_LENGTH = 4096;
export const MAX_TAG_LENGTH = 64;
export const MAX_TAGS = 32;
export const MAX_AGENT_QUEUES = 256;

/**
 * Strict ISO-8601 date-time as RFC 3339 writes it: a `T` separator and an explicit zone are required
 * (a zoneless time means "local time somewhere", which a monitor cannot place). Day-of-month validity
 * (no 30 February) is checked by the decoder, which a regular expression cannot do sanely.
 */
export const ISO_DATE_TIME_PATTERN =
  '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])T([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(\\.\\d{1,9})?(Z|[+-]([01]\\d|2[0-3]):[0-5]\\d)$';

const id = { type: 'string', minLength: 1, maxLength: MAX_ID_LENGTH };
const name = { type: 'string', minLength: 1, maxLength: MAX_NAME_LENGTH };
const text = { type: 'string', maxLength: MAX_TEXT_LENGTH };
const tags = {
  type: 'array',
  maxItems: MAX_TAGS,
  items: { type: 'string', minLength: 1, maxLength: MAX_TAG_LENGTH },
};
const durationMs = { type: 'number', minimum: 0 };
const channel = { type: 'string', enum: [...CHANNELS] };

const commonProperties = {
  id,
  type: { type: 'string' }, // narrowed per event type below
  ts: {
    type: ['string', 'number'],
    // Applies to numbers only: epoch milliseconds.
    minimum: 0,
    // Apply to strings only. 35 = the longest string the pattern admits.
    maxLength: 35,
    pattern: ISO_DATE_TIME_PATTERN,
  },
  v: { type: 'integer', minimum: 1, maximum: EVENT_SCHEMA_VERSION },
  region: name,
  segment: name,
} satisfies Record<keyof EventBase, JsonSchema>;

const commonRequired = ['id', 'type', 'ts'] as const;

function eventSchema(
  schemaId: string,
  properties: JsonSchema,
  required: readonly string[],
  extra: JsonSchema = {},
): JsonSchema {
  return {
    $id: schemaId,
    type: 'object',
    required: [...commonRequired, ...required],
    properties,
    additionalProperties: true,
    ...extra,
  };
}

const contactProperties = {
  ...commonProperties,
  type: { type: 'string', enum: [...CONTACT_EVENT_TYPES] },
  channel,
  queue: name,
  contactId: id,
  customerId: id,
  waitMs: durationMs,
  talkMs: durationMs,
  holdMs: durationMs,
  wrapMs: durationMs,
  resolved: { type: 'boolean' },
  agentId: id,
  toQueue: name,
} satisfies Record<keyof ContactEvent, JsonSchema>;

const agentStateProperties = {
  ...commonProperties,
  type: { const: 'agent.state' },
  agentId: id,
  team: name,
  queues: { type: 'array', maxItems: MAX_AGENT_QUEUES, items: name },
  state: { type: 'string', enum: [...AGENT_STATES] },
} satisfies Record<keyof AgentStateEvent, JsonSchema>;

const surveyResponseProperties = {
  ...commonProperties,
  type: { const: 'survey.response' },
  csat: { type: 'integer', minimum: 1, maximum: 5 },
  nps: { type: 'integer', minimum: 0, maximum: 10 },
  ces: { type: 'integer', minimum: 1, maximum: 7 },
  comment: text,
  tags,
  touchpoint: name,
  journey: name,
  queue: name,
  channel,
  contactId: id,
  customerId: id,
} satisfies Record<keyof SurveyResponseEvent, JsonSchema>;

const socialFeedbackProperties = {
  ...commonProperties,
  type: { const: 'feedback.social' },
  platform: name,
  sentiment: { type: 'number', minimum: -1, maximum: 1 },
  text,
  tags,
  reach: { type: 'number', minimum: 0 },
  touchpoint: name,
  customerId: id,
} satisfies Record<keyof SocialFeedbackEvent, JsonSchema>;

const touchpointProperties = {
  ...commonProperties,
  type: { const: 'touchpoint.event' },
  journeyId: id,
  journey: name,
  stage: name,
  stageIndex: { type: 'integer', minimum: 0 },
  stageCount: { type: 'integer', minimum: 1 },
  touchpoint: name,
  channel,
  outcome: { type: 'string', enum: [...TOUCHPOINT_OUTCOMES] },
  latencyMs: durationMs,
  errorCode: name,
  customerId: id,
} satisfies Record<keyof TouchpointEvent, JsonSchema>;

const accountUsageProperties = {
  ...commonProperties,
  type: { const: 'account.usage' },
  accountId: id,
  customerId: id,
  metric: name,
  used: { type: 'number', minimum: 0 },
  remaining: { type: 'number' },
  allowance: { type: 'number', minimum: 0 },
  topUp: { type: 'number', minimum: 0 },
  unit: name,
} satisfies Record<keyof AccountUsageEvent, JsonSchema>;

const SCHEMA_ID_BASE = 'https://cxpulse.dev/schemas/events/v1/';

/**
 * One schema per event shape. The five `contact.*` types share a shape and so a schema; the
 * decoder picks the schema from `type` before validating, which is both faster and gives clearer
 * errors than a `oneOf` over all shapes.
 */
export const EVENT_WIRE_SCHEMAS = {
  contact: eventSchema(`${SCHEMA_ID_BASE}contact.json`, contactProperties, ['channel', 'queue', 'contactId']),
  agentState: eventSchema(`${SCHEMA_ID_BASE}agent-state.json`, agentStateProperties, [
    'agentId',
    'team',
    'queues',
    'state',
  ]),
  surveyResponse: eventSchema(
    `${SCHEMA_ID_BASE}survey-response.json`,
    surveyResponseProperties,
    [],
    // At least one score: a survey answer with no score carries nothing an indicator can use.
    { anyOf: [{ required: ['csat'] }, { required: ['nps'] }, { required: ['ces'] }] },
  ),
  socialFeedback: eventSchema(`${SCHEMA_ID_BASE}social-feedback.json`, socialFeedbackProperties, [
    'platform',
    'sentiment',
  ]),
  touchpoint: eventSchema(`${SCHEMA_ID_BASE}touchpoint.json`, touchpointProperties, [
    'journeyId',
    'journey',
    'stage',
    'touchpoint',
    'outcome',
    'latencyMs',
  ]),
  accountUsage: eventSchema(`${SCHEMA_ID_BASE}account-usage.json`, accountUsageProperties, [
    'accountId',
    'metric',
    'used',
  ]),
} as const satisfies Record<string, JsonSchema>;

export type EventShape = keyof typeof EVENT_WIRE_SCHEMAS;

/** Which shape (and so which validator) each event type uses. */
export const EVENT_SHAPE_BY_TYPE = {
  'contact.queued': 'contact',
  'contact.answered': 'contact',
  'contact.abandoned': 'contact',
  'contact.transferred': 'contact',
  'contact.ended': 'contact',
  'agent.state': 'agentState',
  'survey.response': 'surveyResponse',
  'feedback.social': 'socialFeedback',
  'touchpoint.event': 'touchpoint',
  'account.usage': 'accountUsage',
} as const satisfies Record<EventType, EventShape>;

/**
 * The whole contract as one self-contained document for producers and external tools. Not used on
 * the hot path (a `oneOf` tries every branch); the decoder uses the per-shape validators.
 */
export function eventWireSchemaDocument(): JsonSchema {
  const definitions: Record<string, JsonSchema> = {};
  for (const [shape, schema] of Object.entries(EVENT_WIRE_SCHEMAS)) {
    const { $id: _id, ...rest } = schema;
    definitions[shape] = rest;
  }
  return {
    $schema: JSON_SCHEMA_DIALECT,
    $id: `${SCHEMA_ID_BASE}cx-event.json`,
    title: 'CX Pulse event (wire form)',
    description: `CX Pulse event contract, version ${EVENT_SCHEMA_VERSION}. See docs/events.md.`,
    oneOf: Object.keys(EVENT_WIRE_SCHEMAS).map((shape) => ({ $ref: `#/definitions/${shape}` })),
    definitions,
  };
}
