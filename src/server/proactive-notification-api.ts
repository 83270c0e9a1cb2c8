/**
 * The recent proactive notifications over REST, beside the API of api.ts and behind the same
 * tokens: `GET /api/proactive-notifications` → `{ count, notifications }`, newest first.
 */
import type { FastifyInstance } from 'fastify';
import { listResponses, requireToken, tokenOnlyQuery } from './api-common.js';
import type { Authenticator } from './auth.js';
import type { ProactiveNotificationFeed } from './proactive-notification-feed.js';

export interface ProactiveNotificationApiOptions {
  authenticator: Authenticator;
  notifications: ProactiveNotificationFeed;
}

export const proactiveNotificationSchema = {
  type: 'object',
  // The response serialiser drops anything not listed: a raw account id could never slip out here.
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    ts: { type: 'number' },
    pipeline: { type: 'string' },
    entityField: { type: 'string' },
    entity: { type: 'string' },
    customer: { type: 'string' },
    segment: { type: 'string' },
    series: { type: 'string' },
    remaining: { type: 'number' },
    predictedUsage: { type: 'number' },
    horizonMs: { type: 'number' },
    margin: { type: 'number' },
    predictedRunOutTs: { type: ['number', 'null'] },
    runOutProbability: { type: 'number' },
    usageNextBucket: { type: 'number' },
    bucketMs: { type: 'number' },
    level: { type: 'number' },
    trend: { type: 'number' },
    residualSd: { type: 'number' },
    historyBuckets: { type: 'integer' },
    cycleStartTs: { type: 'number' },
  },
  required: [
    'id',
    'ts',
    'pipeline',
    'entityField',
    'entity',
    'customer',
    'segment',
    'series',
    'remaining',
    'predictedUsage',
    'horizonMs',
    'margin',
    'predictedRunOutTs',
    'runOutProbability',
    'usageNextBucket',
    'bucketMs',
    'level',
    'trend',
    'residualSd',
    'historyBuckets',
    'cycleStartTs',
  ],
} as const;

export async function proactiveNotificationApiPlugin(
  app: FastifyInstance,
  options: ProactiveNotificationApiOptions,
): Promise<void> {
  const { authenticator, notifications } = options;
  requireToken(app, authenticator);

  app.get(
    '/api/proactive-notifications',
    {
      schema: {
        querystring: tokenOnlyQuery,
        response: listResponses('notifications', proactiveNotificationSchema),
      },
    },
    async () => {
      const list = notifications.recent();
      return { count: list.length, notifications: list };
    },
  );
}
