/**
 * The WebSocket protocol's messages (docs/websocket.md describes each with an example). Every frame
 * is one JSON object with a `type`. Client messages are parsed here, by hand, into typed values or
 * a precise error, so a malformed message costs an `error` frame, never the connection.
 */
import type { TargetDefinition, TargetDirection } from '../../config/pipeline-definition.js';
import type { IndicatorUnit } from '../../indicators/registry.js';
import type { FiringKind } from '../../windows/indicator-value.js';
import type { Alert } from '../alert-store.js';
import type { Role } from '../auth.js';
import type { TargetStatus } from '../target-status.js';
import type { WireWorkOrder } from '../work-order-feed.js';
import type { WireProactiveNotification } from '../proactive-notification-feed.js';
import type { WireInsight } from '../insight-feed.js';
import type { WireTagRanking } from '../tag-ranking-feed.js';

/** Which values a client wants. An absent or empty list means "all". */
export interface SubscriptionFilter {
  pipelines?: string[];
  indicators?: string[];
  windows?: string[];
  /** Dimension → accepted values, e.g. { queue: ['billing/voice'] }; a value without the dimension does not match. */
  dims?: Record<string, string[]>;
}

export interface WireValue {
  pipeline: string;
  indicator: string;
  window: string;
  key: Readonly<Record<string, string>>;
  keyId: string;
  windowStart: number;
  windowEnd: number;
  value: number | null;
  quantiles?: Record<string, number>;
  samples?: number;
  /** A correction is sent as `final` with a higher version. */
  kind: Exclude<FiringKind, 'correction'>;
  version: number;
  /** From the pipeline's target for the indicator (per-key override first); null without a target. */
  status: TargetStatus | null;
}

export interface CatalogIndicator {
  name: string;
  id: string;
  unit: IndicatorUnit;
  direction: TargetDirection;
  range?: readonly [number, number];
  target?: TargetDefinition;
}

export interface CatalogPipeline {
  name: string;
  keyBy: string[];
  windows: string[];
  indicators: CatalogIndicator[];
}

export interface SnapshotMessage {
  type: 'snapshot';
  /** Epoch ms on the server when the snapshot was taken. */
  serverTime: number;
  role: Role;
  subscription: SubscriptionFilter;
  pipelines: CatalogPipeline[];
  values: WireValue[];
  alerts: Alert[];
  /** The recent at-risk work orders, newest first (at most the feed's limit, 50 by default). */
  workOrders: WireWorkOrder[];
  /** The recent proactive notifications, newest first (at most the feed's limit, 50 by default). */
  proactiveNotifications: WireProactiveNotification[];
  /** The recent insights, newest first: diversion suggestions, the latest driver report per score. */
  insights: WireInsight[];
  /** The current tag ranking of every series (pipeline, window, key, polarity); absent: none. */
  tagRankings?: WireTagRanking[];
}

export interface IndicatorsMessage {
  type: 'indicators';
  values: WireValue[];
}

export interface AlertMessage {
  type: 'alert';
  alert: Alert;
}

/** An at-risk work order just raised; to every client whatever its subscription, like alerts. */
export interface WorkOrderMessage {
  type: 'workOrder';
  workOrder: WireWorkOrder;
}

/** An insight just raised (docs/analytics.md); to every client whatever its subscription, like alerts. */
export interface InsightMessage {
  type: 'insight';
  insight: WireInsight;
}

/** Tag rankings just updated (early or final); to every client whatever its subscription. */
export interface TagRankingMessage {
  type: 'tagRanking';
  rankings: WireTagRanking[];
}

/** A proactive notification just raised; to every client whatever its subscription, like work orders. */
export interface ProactiveNotificationMessage {
  type: 'proactiveNotification';
  notification: WireProactiveNotification;
}

export type ErrorCode = 'bad-json' | 'bad-message' | 'unknown-type' | 'forbidden' | 'not-found';

export interface ErrorMessage {
  type: 'error';
  code: ErrorCode;
  message: string;
}

export type ServerMessage =
  | SnapshotMessage
  | IndicatorsMessage
  | AlertMessage
  | WorkOrderMessage
  | ProactiveNotificationMessage
  | TagRankingMessage
  | InsightMessage
  | ErrorMessage;

export interface SubscribeRequest {
  type: 'subscribe';
  filter: SubscriptionFilter;
}

export interface AckRequest {
  type: 'ack';
  alertId: string;
}

export type ClientMessage = SubscribeRequest | AckRequest;

export type ParseResult = { ok: true; message: ClientMessage } | { ok: false; error: ErrorMessage };

const fail = (code: ErrorCode, message: string): ParseResult => ({
  ok: false,
  error: { type: 'error', code, message },
});

const isStringList = (v: unknown): v is string[] =>
  Array.isArray(v) && v.length <= 1000 && v.every((s) => typeof s === 'string' && s.length <= 200);

const FILTER_FIELDS = new Set(['pipelines', 'indicators', 'windows', 'dims']);

/** Validates a filter object (from a subscribe message or query parameters). */
export function parseFilter(raw: unknown): { filter: SubscriptionFilter } | { error: string } {
  if (raw === undefined) return { filter: {} };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    return { error: 'filter must be an object' };
  const filter: SubscriptionFilter = {};
  for (const [field, value] of Object.entries(raw)) {
    if (!FILTER_FIELDS.has(field)) return { error: `filter.${field}: unknown field` };
    if (field === 'dims') {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        return { error: 'filter.dims must be an object of dimension → list of values' };
      }
      const dims: Record<string, string[]> = {};
      for (const [dim, values] of Object.entries(value as Record<string, unknown>)) {
        if (!isStringList(values)) return { error: `filter.dims.${dim} must be a list of strings` };
        dims[dim] = values;
      }
      filter.dims = dims;
    } else {
      if (!isStringList(value)) return { error: `filter.${field} must be a list of strings` };
      filter[field as 'pipelines' | 'indicators' | 'windows'] = value;
    }
  }
  return { filter };
}

export function parseClientMessage(data: string): ParseResult {
  let raw: unknown;
  try {
    raw = JSON.parse(data);
  } catch {
    return fail('bad-json', 'message is not valid JSON');
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return fail('bad-message', 'message must be a JSON object with a type');
  }
  const message = raw as Record<string, unknown>;
  switch (message.type) {
    case 'subscribe': {
      const parsed = parseFilter(message.filter);
      if ('error' in parsed) return fail('bad-message', parsed.error);
      return { ok: true, message: { type: 'subscribe', filter: parsed.filter } };
    }
    case 'ack':
      if (typeof message.alertId !== 'string' || message.alertId === '') {
        return fail('bad-message', 'ack needs an alertId string');
      }
      return { ok: true, message: { type: 'ack', alertId: message.alertId } };
    default:
      return fail(
        'unknown-type',
        `unknown message type ${JSON.stringify(message.type ?? null)} (expected subscribe or ack)`,
      );
  }
}
