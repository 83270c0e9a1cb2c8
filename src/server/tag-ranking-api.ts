/**
 * The tag rankings over REST, beside the API of api.ts and behind the same tokens:
 *
 *   GET /api/tag-rankings   ?pipeline=&window=&polarity=negative|positive&key=&kind=current|final
 *
 * `current` (default): per series the ranking of the newest window, early while it is open;
 * `final`: the newest final one. `key` is the key id (`touchpoint=login`; empty for no keyBy).
 */
import type { FastifyInstance } from 'fastify';
import { listResponses, requireToken } from './api-common.js';
import type { Authenticator } from './auth.js';
import type { TagRankingFeed, TagRankingQuery } from './tag-ranking-feed.js';

export interface TagRankingApiOptions {
  authenticator: Authenticator;
  rankings: TagRankingFeed;
}

const entrySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    rank: { type: 'integer' },
    tag: { type: 'string' },
    count: { type: 'integer' },
    error: { type: 'integer' },
    share: { type: 'number' },
    shareError: { type: 'number' },
  },
  required: ['rank', 'tag', 'count', 'error', 'share', 'shareError'],
} as const;

export const tagRankingSchema = {
  type: 'object',
  // The response serialiser drops anything not listed.
  additionalProperties: false,
  properties: {
    pipeline: { type: 'string' },
    window: { type: 'string' },
    windowStart: { type: 'number' },
    windowEnd: { type: 'number' },
    key: { type: 'object', additionalProperties: { type: 'string' } },
    keyId: { type: 'string' },
    polarity: { type: 'string', enum: ['negative', 'positive'] },
    kind: { type: 'string', enum: ['early', 'final'] },
    answers: { type: 'integer' },
    allAnswers: { type: 'integer' },
    tagOccurrences: { type: 'integer' },
    floor: { type: 'integer' },
    capacity: { type: 'integer' },
    entries: { type: 'array', items: entrySchema },
  },
  required: [
    'pipeline',
    'window',
    'windowStart',
    'windowEnd',
    'key',
    'keyId',
    'polarity',
    'kind',
    'answers',
    'allAnswers',
    'tagOccurrences',
    'floor',
    'capacity',
    'entries',
  ],
} as const;

export async function tagRankingApiPlugin(
  app: FastifyInstance,
  options: TagRankingApiOptions,
): Promise<void> {
  const { authenticator, rankings } = options;
  requireToken(app, authenticator);

  app.get(
    '/api/tag-rankings',
    {
      schema: {
        querystring: {
          type: 'object',
          properties: {
            pipeline: { type: 'string' },
            window: { type: 'string' },
            polarity: { type: 'string', enum: ['negative', 'positive'] },
            key: { type: 'string' },
            kind: { type: 'string', enum: ['current', 'final'], default: 'current' },
            token: { type: 'string' },
          },
          additionalProperties: false,
        },
        response: listResponses('rankings', tagRankingSchema),
      },
    },
    async (request) => {
      const q = request.query as {
        pipeline?: string;
        window?: string;
        polarity?: string;
        key?: string;
        kind?: 'current' | 'final';
      };
      const query: TagRankingQuery = {
        ...(q.pipeline !== undefined ? { pipeline: q.pipeline } : {}),
        ...(q.window !== undefined ? { window: q.window } : {}),
        ...(q.polarity !== undefined ? { polarity: q.polarity } : {}),
        ...(q.key !== undefined ? { keyId: q.key } : {}),
        ...(q.kind !== undefined ? { kind: q.kind } : {}),
      };
      const list = rankings.list(query);
      return { count: list.length, rankings: list };
    },
  );
}
