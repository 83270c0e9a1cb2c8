/**
 * The wallboard: a static page (plain HTML, CSS and JS, no build step) at `/`, its assets under
 * `/wallboard/`. The page holds no data; it fetches everything over the WebSocket with the token
 * from its own URL, so serving it needs no auth.
 */
import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';

const STATIC_DIR = new URL('./static/', import.meta.url);

const ASSETS: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'wallboard.css': 'text/css; charset=utf-8',
  'wallboard.js': 'text/javascript; charset=utf-8',
  'format.js': 'text/javascript; charset=utf-8',
  'proactive.js': 'text/javascript; charset=utf-8',
  'proactive.css': 'text/css; charset=utf-8',
  'insights.js': 'text/javascript; charset=utf-8',
  'insights.css': 'text/css; charset=utf-8',
  'tag-rankings.js': 'text/javascript; charset=utf-8',
  'funnel.js': 'text/javascript; charset=utf-8',
  'funnel.css': 'text/css; charset=utf-8',
};

export async function wallboardPlugin(app: FastifyInstance): Promise<void> {
  // Read once at start: a few kilobytes, and a missing file fails the start rather than a request.
  const files = new Map<string, Buffer>();
  for (const name of Object.keys(ASSETS)) files.set(name, await readFile(new URL(name, STATIC_DIR)));

  const send = (name: string) => async (_request: unknown, reply: import('fastify').FastifyReply) =>
    reply.header('content-type', ASSETS[name]!).header('cache-control', 'no-cache').send(files.get(name));

  app.get('/', send('index.html'));
  for (const name of Object.keys(ASSETS)) app.get(`/wallboard/${name}`, send(name));
}
