/**
 * What every REST plugin of the live server shares: the error body's schema and the bearer-token
 * check. Each plugin adds the check itself, because a fastify hook is scoped to the plugin that
 * adds it; the answer is the same for a missing or a wrong token.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Authenticator, Principal } from './auth.js';

export const errorSchema = {
  type: 'object',
  properties: { code: { type: 'string' }, message: { type: 'string' } },
  required: ['code', 'message'],
} as const;

/**
 * Answers 401 to a request without a valid token; `onPrincipal` receives the caller of every
 * accepted request (for role checks).
 */
export function requireToken(
  app: FastifyInstance,
  authenticator: Authenticator,
  onPrincipal?: (request: FastifyRequest, principal: Principal) => void,
): void {
  app.addHook('onRequest', async (request, reply) => {
    const principal = authenticator.authenticate(request.raw);
    if (principal === null) {
      return reply.code(401).header('www-authenticate', 'Bearer realm="cxpulse"').send({
        code: 'unauthorized',
        message: 'a valid token is required (Authorization: Bearer or ?token=)',
      });
    }
    onPrincipal?.(request, principal);
  });
}

/** The query string of a route that takes nothing but the token. */
export const tokenOnlyQuery = {
  type: 'object',
  properties: { token: { type: 'string' } },
  additionalProperties: false,
} as const;

/** Responses of a route that lists recent items: `{ count, [field]: items }`, or 401. */
export function listResponses<F extends string, S extends object>(field: F, itemSchema: S) {
  return {
    200: {
      type: 'object',
      properties: { count: { type: 'integer' }, [field]: { type: 'array', items: itemSchema } },
      required: ['count', field],
    },
    401: errorSchema,
  } as const;
}
