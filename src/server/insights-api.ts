/**
 * GET /api/insights  ?kind=channel-diversion|driver-analysis&state=suggested|resolved|report
 *
 * The recent insights, newest first (insight-feed.ts): diversion suggestions and their
 * resolutions, the latest driver analysis report per score. Needs a token (viewer or operator)
 * when tokens are configured, like the rest of the API (auth.ts).
 */
import type { FastifyInstance } from 'fastify';
import { INSIGHT_KINDS, INSIGHT_STATES } from '../analytics/insights/insight.js';
import { listResponses, requireToken } from './api-common.js';
import type { Authenticator } from './auth.js';
import type { InsightFeed } from './insight-feed.js';

export interface InsightsApiOptions {
  authenticator: Authenticator;
  insights: InsightFeed;
}

export const insightSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    kind: { type: 'string', enum: [...INSIGHT_KINDS] },
    pipeline: { type: 'string' },
    key: { type: 'string' },
    state: { type: 'string', enum: [...INSIGHT_STATES] },
    ts: { type: 'number' },
    windowStart: { type: 'number' },
    windowEnd: { type: 'number' },
    summary: { type: 'string' },
    subject: { type: 'string' },
    value: { type: ['number', 'null'] },
    // Typed per kind (src/analytics/insights/insight.ts); passed through as built.
    details: { type: 'object', additionalProperties: true },
  },
  required: [
    'id',
    'kind',
    'pipeline',
    'key',
    'state',
    'ts',
    'windowStart',
    'windowEnd',
    'summary',
    'subject',
    'value',
    'details',
  ],
} as const;

export async function insightsApiPlugin(app: FastifyInstance, options: InsightsApiOptions): Promise<void> {
  const { authenticator, insights } = options;
  requireToken(app, authenticator);

  app.get<{ Querystring: { kind?: string; state?: string } }>(
    '/api/insights',
    {
      schema: {
        querystring: {
          type: 'object',
          properties: {
            kind: { type: 'string', enum: [...INSIGHT_KINDS] },
            state: { type: 'string', enum: [...INSIGHT_STATES] },
            token: { type: 'string' },
          },
          additionalProperties: false,
        },
        response: listResponses('insights', insightSchema),
      },
    },
    async (request) => {
      const { kind, state } = request.query;
      const list = insights.recent({
        ...(kind !== undefined ? { kind } : {}),
        ...(state !== undefined ? { state } : {}),
      });
      return { count: list.length, insights: list };
    },
  );
}
