/**
 * The REST API: current indicator values, alerts and their acknowledgement.
 *
 *   GET  /api/indicators          ?pipeline=&indicator=&window=&<dimension>=… (repeatable or comma-separated)
 *   GET  /api/alerts              firing and recently resolved alerts
 *   POST /api/alerts/:id/ack      operator role
 *   GET  /api/silences            silences in force
 *   POST /api/silences            operator role: { matchers: [{ name, value }], minutes, comment? }
 *   DELETE /api/silences/:id      operator role
 *   GET  /api/work-orders         recent at-risk work orders, newest first
 *
 * Every route needs a token (viewer or operator) when tokens are configured; see auth.ts.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { LatestValues } from '../sinks/memory/latest-values.js';
import { canSilence, type AlertStore } from './alert-store.js';
import { errorSchema, listResponses, requireToken, tokenOnlyQuery } from './api-common.js';
import { mayAct, type Authenticator, type Principal, type Role } from './auth.js';
import { toWireValue } from './indicator-view.js';
import type { TargetResolver } from './target-status.js';
import type { WorkOrderFeed } from './work-order-feed.js';
import { compileSubscription, filterFromQuery } from './ws/subscription-matcher.js';

export interface ApiOptions {
  latest: LatestValues;
  alerts: AlertStore;
  targets: TargetResolver;
  authenticator: Authenticator;
  workOrders: WorkOrderFeed;
}

const stringMap = { type: 'object', additionalProperties: { type: 'string' } } as const;

/** `:id` of an alert or a silence. */
const idParams = {
  type: 'object',
  properties: { id: { type: 'string', minLength: 1, maxLength: 200 } },
  required: ['id'],
} as const;

export const wireValueSchema = {
  type: 'object',
  properties: {
    pipeline: { type: 'string' },
    indicator: { type: 'string' },
    window: { type: 'string' },
    key: stringMap,
    keyId: { type: 'string' },
    windowStart: { type: 'number' },
    windowEnd: { type: 'number' },
    value: { type: ['number', 'null'] },
    quantiles: { type: 'object', additionalProperties: { type: 'number' } },
    samples: { type: 'number' },
    kind: { type: 'string', enum: ['early', 'final'] },
    version: { type: 'integer' },
    status: { type: ['string', 'null'], enum: ['ok', 'warn', 'breach', null] },
  },
  required: [
    'pipeline',
    'indicator',
    'window',
    'key',
    'keyId',
    'windowStart',
    'windowEnd',
    'value',
    'kind',
    'version',
    'status',
  ],
} as const;

export const alertSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    rule: { type: 'string' },
    severity: { type: 'string', enum: ['warning', 'critical'] },
    state: { type: 'string', enum: ['firing', 'resolved'] },
    pipeline: { type: 'string' },
    indicator: { type: 'string' },
    window: { type: 'string' },
    key: stringMap,
    keyId: { type: 'string' },
    summary: { type: 'string' },
    value: { type: ['number', 'null'] },
    threshold: { type: 'number' },
    startedAt: { type: 'number' },
    resolvedAt: { type: 'number' },
    acknowledgedAt: { type: 'number' },
    acknowledgedBy: { type: 'string' },
  },
  required: [
    'id',
    'rule',
    'severity',
    'state',
    'pipeline',
    'indicator',
    'key',
    'keyId',
    'summary',
    'startedAt',
  ],
} as const;

const causeSchema = {
  type: 'string',
  enum: ['abandons', 'failedTouchpoints', 'negativeAnswers', 'longWaits', 'repeatContacts'],
} as const;

export const workOrderSchema = {
  type: 'object',
  // The response serialiser drops anything not listed: a raw customer id could never slip out here.
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    ts: { type: 'number' },
    pipeline: { type: 'string' },
    customer: { type: 'string' },
    segment: { type: 'string' },
    cause: causeSchema,
    causes: { type: 'array', items: causeSchema },
    threshold: { type: 'integer' },
    evidence: {
      type: 'object',
      properties: {
        abandons: { type: 'integer' },
        failedTouchpoints: { type: 'integer' },
        negativeAnswers: { type: 'integer' },
        longWaits: { type: 'integer' },
        repeatContacts: { type: 'integer' },
      },
      required: ['abandons', 'failedTouchpoints', 'negativeAnswers', 'longWaits', 'repeatContacts'],
    },
    touchpoint: { type: 'string' },
    ownerTeam: { type: 'string' },
    lookbackMs: { type: 'number' },
    periodStartMs: { type: 'number' },
  },
  required: [
    'id',
    'ts',
    'pipeline',
    'customer',
    'segment',
    'cause',
    'causes',
    'threshold',
    'evidence',
    'touchpoint',
    'ownerTeam',
    'lookbackMs',
    'periodStartMs',
  ],
} as const;

const listParam = { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] } as const;

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export async function apiPlugin(app: FastifyInstance, options: ApiOptions): Promise<void> {
  const { latest, alerts, targets, authenticator, workOrders } = options;
  app.decorateRequest('principal', null);
  requireToken(app, authenticator, (request, principal) => {
    request.principal = principal;
  });
  const require = (role: Role) => async (request: FastifyRequest, reply: import('fastify').FastifyReply) => {
    if (!mayAct(request.principal!, role)) {
      return reply.code(403).send({ code: 'forbidden', message: `this needs the ${role} role` });
    }
  };

  app.get(
    '/api/indicators',
    {
      schema: {
        querystring: {
          type: 'object',
          properties: {
            pipeline: listParam,
            indicator: listParam,
            window: listParam,
            token: { type: 'string' },
          },
          // Any other parameter filters by that dimension, e.g. ?queue=billing/voice.
          additionalProperties: listParam,
        },
        response: {
          200: {
            type: 'object',
            properties: { count: { type: 'integer' }, values: { type: 'array', items: wireValueSchema } },
            required: ['count', 'values'],
          },
          401: errorSchema,
        },
      },
    },
    async (request) => {
      const matcher = compileSubscription(
        filterFromQuery(request.query as Record<string, string | string[] | undefined>),
      );
      const values = latest
        .all()
        .filter((v) => matcher.matches(v))
        .map((v) => toWireValue(v, targets));
      return { count: values.length, values };
    },
  );

  app.get(
    '/api/alerts',
    {
      schema: {
        querystring: {
          type: 'object',
          properties: { state: { type: 'string', enum: ['firing', 'resolved'] }, token: { type: 'string' } },
          additionalProperties: false,
        },
        response: {
          200: {
            type: 'object',
            properties: { alerts: { type: 'array', items: alertSchema } },
            required: ['alerts'],
          },
          401: errorSchema,
        },
      },
    },
    async (request) => {
      const { state } = request.query as { state?: 'firing' | 'resolved' };
      const list = alerts.list();
      return { alerts: state ? list.filter((a) => a.state === state) : list };
    },
  );

  app.get(
    '/api/work-orders',
    {
      schema: {
        querystring: tokenOnlyQuery,
        response: listResponses('workOrders', workOrderSchema),
      },
    },
    async () => {
      const list = workOrders.recent();
      return { count: list.length, workOrders: list };
    },
  );

  app.post(
    '/api/alerts/:id/ack',
    {
      preHandler: require('operator'),
      schema: {
        params: idParams,
        response: {
          200: { type: 'object', properties: { alert: alertSchema }, required: ['alert'] },
          401: errorSchema,
          403: errorSchema,
          404: errorSchema,
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const alert = alerts.acknowledge(id, request.principal!.name);
      if (!alert) return reply.code(404).send({ code: 'not-found', message: `no alert ${id}` });
      return { alert };
    },
  );

  const silenceSchema = {
    type: 'object',
    properties: {
      id: { type: 'string' },
      matchers: {
        type: 'array',
        items: {
          type: 'object',
          properties: { name: { type: 'string' }, value: { type: 'string' } },
          required: ['name', 'value'],
        },
      },
      until: { type: 'number' },
      createdBy: { type: 'string' },
      createdAt: { type: 'number' },
      comment: { type: 'string' },
    },
    required: ['id', 'matchers', 'until', 'createdBy', 'createdAt'],
  } as const;
  const notSupported = (reply: import('fastify').FastifyReply) =>
    reply.code(501).send({ code: 'not-supported', message: 'this alert store cannot silence' });

  app.get(
    '/api/silences',
    {
      schema: {
        response: {
          200: {
            type: 'object',
            properties: { silences: { type: 'array', items: silenceSchema } },
            required: ['silences'],
          },
          401: errorSchema,
          501: errorSchema,
        },
      },
    },
    async (_request, reply) => (canSilence(alerts) ? { silences: alerts.silences() } : notSupported(reply)),
  );

  app.post(
    '/api/silences',
    {
      preHandler: require('operator'),
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['matchers', 'minutes'],
          properties: {
            // Exact label matches only: a regex from a client would be a ReDoS door on every alert.
            matchers: {
              type: 'array',
              minItems: 1,
              maxItems: 20,
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['name', 'value'],
                properties: {
                  name: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$', maxLength: 100 },
                  value: { type: 'string', maxLength: 500 },
                },
              },
            },
            minutes: { type: 'number', exclusiveMinimum: 0, maximum: 43200 },
            comment: { type: 'string', maxLength: 1000 },
          },
        },
        response: {
          201: { type: 'object', properties: { silence: silenceSchema }, required: ['silence'] },
          400: errorSchema,
          401: errorSchema,
          403: errorSchema,
          501: errorSchema,
        },
      },
    },
    async (request, reply) => {
      if (!canSilence(alerts)) return notSupported(reply);
      const body = request.body as {
        matchers: Array<{ name: string; value: string }>;
        minutes: number;
        comment?: string;
      };
      const until = Date.now() + body.minutes * 60_000;
      const silence = alerts.silence(body.matchers, until, request.principal!.name, body.comment);
      return reply.code(201).send({ silence });
    },
  );

  app.delete(
    '/api/silences/:id',
    {
      preHandler: require('operator'),
      schema: {
        params: idParams,
        response: {
          204: { type: 'null' },
          401: errorSchema,
          403: errorSchema,
          404: errorSchema,
          501: errorSchema,
        },
      },
    },
    async (request, reply) => {
      if (!canSilence(alerts)) return notSupported(reply);
      const { id } = request.params as { id: string };
      if (!alerts.expireSilence(id))
        return reply.code(404).send({ code: 'not-found', message: `no silence ${id}` });
      return reply.code(204).send();
    },
  );
}
