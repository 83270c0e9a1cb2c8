/**
 * Fastify plugin around the hub: attaches it to the HTTP server's `upgrade` event, feeds it the
 * pipelines' value batches once the server is ready, and terminates every client before the
 * server closes (an upgraded socket would otherwise hold `close()` open).
 *
 * Plain `ws` in noServer mode rather than @fastify/websocket: the hub needs the raw upgrade request
 * to refuse unauthenticated or surplus clients with an HTTP status before the handshake, its own
 * per-socket state, and nothing of fastify's per-route machinery — one dependency fewer.
 */
import type { FastifyInstance } from 'fastify';
import type { Observable, Subscription } from 'rxjs';
import type { IndicatorValue } from '../../windows/indicator-value.js';
import type { WebSocketHub } from './hub.js';

export interface WebSocketPluginOptions {
  hub: WebSocketHub;
  values$: Observable<IndicatorValue[]>;
}

export async function websocketPlugin(app: FastifyInstance, options: WebSocketPluginOptions): Promise<void> {
  const { hub, values$ } = options;
  let subscription: Subscription | null = null;
  hub.attach(app.server);
  app.addHook('onReady', async () => {
    subscription = values$.subscribe({
      next: (batch) => hub.broadcast(batch),
      error: (err: unknown) => app.log.error({ err }, 'websocket hub lost the value stream'),
    });
  });
  app.addHook('preClose', async () => {
    subscription?.unsubscribe();
    hub.close();
  });
}
