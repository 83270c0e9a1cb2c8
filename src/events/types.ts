/**
 * The event contract, as TypeScript sees it after decoding.
 *
 * On the wire `ts` may be ISO-8601 or epoch milliseconds; the decoder normalises it to epoch
 * milliseconds so that everything downstream compares numbers, never strings.
 * The JSON Schema that validates the wire form lives in `schema.ts`; keep the two in step.
 */

/** Bumped when a change is not backwards compatible for producers. */
export const EVENT_SCHEMA_VERSION = 1;

export const CHANNELS = ['voice', 'chat', 'email', 'app', 'web', 'social', 'store'] as const;
export type Channel = (typeof CHANNELS)[number];

export const AGENT_STATES = ['available', 'busy', 'wrap', 'away'] as const;
export type AgentStateName = (typeof AGENT_STATES)[number];

export const TOUCHPOINT_OUTCOMES = ['success', 'failure', 'abandoned'] as const;
export type TouchpointOutcome = (typeof TOUCHPOINT_OUTCOMES)[number];

export const CONTACT_EVENT_TYPES = [
  'contact.queued',
  'contact.answered',
  'contact.abandoned',
  'contact.transferred',
  'contact.ended',
] as const;
export type ContactEventType = (typeof CONTACT_EVENT_TYPES)[number];

export const EVENT_TYPES = [
  ...CONTACT_EVENT_TYPES,
  'agent.state',
  'survey.response',
  'feedback.social',
  'touchpoint.event',
  'account.usage',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface EventBase {
  /** Unique id of the event (producers' responsibility; used for idempotency downstream). */
  id: string;
  type: EventType;
  /** Event time, epoch milliseconds (normalised by the decoder). */
  ts: number;
  /** Optional contract version the producer wrote; absent means 1. */
  v?: number;
  region?: string;
  /** Customer segment, e.g. `vip` or `standard`. */
  segment?: string;
}

export interface ContactEvent extends EventBase {
  type: ContactEventType;
  channel: Channel;
  queue: string;
  contactId: string;
  customerId?: string;
  /** Time spent waiting in queue before answer or abandon. */
  waitMs?: number;
  talkMs?: number;
  holdMs?: number;
  wrapMs?: number;
  /** On `contact.ended`: resolved at first contact. */
  resolved?: boolean;
  agentId?: string;
  /** On `contact.transferred`: the queue the contact moves to. */
  toQueue?: string;
}

export interface AgentStateEvent extends EventBase {
  type: 'agent.state';
  agentId: string;
  team: string;
  /** Queue skills: the queues this agent serves. */
  queues: string[];
  state: AgentStateName;
}

export interface SurveyResponseEvent extends EventBase {
  type: 'survey.response';
  /** 1..5 */
  csat?: number;
  /** 0..10 */
  nps?: number;
  /** 1..7 */
  ces?: number;
  comment?: string;
  tags?: string[];
  touchpoint?: string;
  journey?: string;
  queue?: string;
  channel?: Channel;
  contactId?: string;
  customerId?: string;
}

export interface SocialFeedbackEvent extends EventBase {
  type: 'feedback.social';
  platform: string;
  /** -1 (very negative) .. 1 (very positive) */
  sentiment: number;
  text?: string;
  tags?: string[];
  /** Audience reached (followers, views); 0 when unknown. */
  reach?: number;
  touchpoint?: string;
  customerId?: string;
}

export interface TouchpointEvent extends EventBase {
  type: 'touchpoint.event';
  journeyId: string;
  /** Journey type, e.g. `sign-up`, `payment`. */
  journey: string;
  /** Stage name within the journey, e.g. `verify-identity`. */
  stage: string;
  /** 0-based position of the stage in its journey. */
  stageIndex?: number;
  /** Number of stages in the journey; the last one has stageIndex === stageCount - 1. */
  stageCount?: number;
  touchpoint: string;
  channel?: Channel;
  outcome: TouchpointOutcome;
  latencyMs: number;
  errorCode?: string;
  customerId?: string;
}

/**
 * Consumption of one metered allowance of an account (prepaid credit, data, minutes): what this
 * event used and what is left. The proactive-care forecasts read it (docs/analytics.md).
 */
export interface AccountUsageEvent extends EventBase {
  type: 'account.usage';
  accountId: string;
  customerId?: string;
  /** What is metered, e.g. `data-mb`, `credit`, `voice-min`; one series per account and metric. */
  metric: string;
  /** Amount consumed by this event (since the account's previous report of this metric), ≥ 0. */
  used: number;
  /** What is left after this event, in the metric's unit; negative when overdrawn. */
  remaining?: number;
  /** The allowance of the current cycle (plan size, credit limit), when there is one. */
  allowance?: number;
  /** Amount added by this event (a top-up or a renewal), ≥ 0. */
  topUp?: number;
  unit?: string;
}

export type CxEvent =
  | ContactEvent
  | AgentStateEvent
  | SurveyResponseEvent
  | SocialFeedbackEvent
  | TouchpointEvent
  | AccountUsageEvent;

export function isContactEvent(e: CxEvent): e is ContactEvent {
  return e.type.startsWith('contact.');
}
