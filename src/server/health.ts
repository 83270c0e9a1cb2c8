/** GET /health (the process is alive) and GET /ready (it can do its job: sources connected, pipelines loaded). */
import type { FastifyInstance } from 'fastify';

export type ReadinessCheck = () => boolean;

export interface HealthOptions {
  checks: Record<string, ReadinessCheck>;
}

const healthResponse = {
  type: 'object',
  properties: { status: { type: 'string' }, uptimeSeconds: { type: 'number' } },
  required: ['status', 'uptimeSeconds'],
} as const;

const readyResponse = {
  type: 'object',
  properties: {
    ready: { type: 'boolean' },
    checks: { type: 'object', additionalProperties: { type: 'boolean' } },
  },
  required: ['ready', 'checks'],
} as const;

export async function healthPlugin(app: FastifyInstance, options: HealthOptions): Promise<void> {
  app.get('/health', { schema: { response: { 200: healthResponse } } }, async () => ({
    status: 'ok',
    uptimeSeconds: Math.round(process.uptime()),
  }));

  app.get(
    '/ready',
    { schema: { response: { 200: readyResponse, 503: readyResponse } } },
    async (_request, reply) => {
      const checks: Record<string, boolean> = {};
      let ready = true;
      for (const [name, check] of Object.entries(options.checks)) {
        const ok = check();
        checks[name] = ok;
        ready &&= ok;
      }
      return reply.code(ready ? 200 : 503).send({ ready, checks });
    },
  );
}
