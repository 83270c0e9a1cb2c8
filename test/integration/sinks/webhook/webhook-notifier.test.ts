import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Alert, AlertTransition } from '../../../../src/alerts/alert.js';
import { NotificationQueue } from '../../../../src/alerts/notifier.js';
import {
  SIGNATURE_HEADER,
  createWebhookNotifier,
  signBody,
} from '../../../../src/sinks/webhook/webhook-notifier.js';

const FAST_RETRY = { initialDelayMs: 20, maxDelayMs: 50, factor: 2, jitter: 0, maxRetries: 4 };
const SECRET = 'hunter2';

interface Received {
  body: string;
  signature: string | undefined;
}

const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A real HTTP server on port 0 answering `statuses` in turn (then 200). */
async function receiver(statuses: number[] = []): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      received.push({
        body: Buffer.concat(chunks).toString('utf8'),
        signature: request.headers[SIGNATURE_HEADER] as string,
      });
      response.statusCode = statuses.shift() ?? 200;
      response.end();
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received };
}

function firing(id: string): AlertTransition {
  const alert = {
    id,
    dedupKey: `cc/r|queue=${id}`,
    rule: 'r',
    status: 'firing',
    labels: { alertname: 'r', queue: id },
    annotations: { summary: `alert ${id}` },
    startsAt: 1000,
    activeAt: 1000,
    silenced: false,
    flapping: false,
  } as unknown as Alert;
  return { from: 'pending', to: 'firing', change: 'firing', alert, at: 1000 };
}

describe('webhook notifier against a real HTTP server', () => {
  it('posts the transitions as JSON signed with HMAC-SHA256 over the exact body', async () => {
    const { url, received } = await receiver();
    const queue = new NotificationQueue(createWebhookNotifier({ url, secret: SECRET }), {
      retry: FAST_RETRY,
    });
    queue.enqueue([firing('a'), firing('b')]);
    await queue.idle();
    expect(received).toHaveLength(1);
    const body = JSON.parse(received[0]!.body) as { version: number; transitions: AlertTransition[] };
    expect(body.version).toBe(1);
    expect(body.transitions.map((t) => t.alert.id)).toEqual(['a', 'b']);
    expect(received[0]!.signature).toBe(signBody(received[0]!.body, SECRET));
    expect(received[0]!.signature).not.toBe(signBody(received[0]!.body, 'other-secret'));
    expect(queue.stats).toEqual({ sent: 2, failed: 0, failedAttempts: 0, dropped: 0 });
  });

  it('retries with backoff through a server that fails twice, then delivers once', async () => {
    const { url, received } = await receiver([503, 500]);
    const queue = new NotificationQueue(createWebhookNotifier({ url, secret: SECRET }), {
      retry: FAST_RETRY,
    });
    queue.enqueue([firing('a')]);
    await queue.idle();
    expect(received).toHaveLength(3);
    expect(new Set(received.map((r) => r.body)).size).toBe(1);
    expect(queue.stats).toEqual({ sent: 1, failed: 0, failedAttempts: 2, dropped: 0 });
  });

  it('never blocks the caller on a server that is down: failures are counted, overflow drops the oldest', async () => {
    // A port that was just free: nothing listens there.
    const { url } = await receiver();
    await new Promise((resolve) => servers.pop()!.close(resolve));
    const queue = new NotificationQueue(createWebhookNotifier({ url, secret: SECRET }), {
      retry: FAST_RETRY,
      capacity: 3,
      maxBatch: 1,
    });
    // enqueue returns synchronously while the first delivery is still retrying.
    for (const id of ['a', 'b', 'c', 'd', 'e']) queue.enqueue([firing(id)]);
    expect(queue.size).toBe(3);
    expect(queue.stats.dropped).toBe(1);
    await queue.idle();
    // 'a' was taken for delivery at once; 'b' was dropped as the oldest when 'e' came.
    expect(queue.stats).toMatchObject({ sent: 0, failed: 4, dropped: 1 });
    expect(queue.stats.failedAttempts).toBe(4 * (FAST_RETRY.maxRetries + 1));
  });

  it('gives up at once on a 4xx answer (the same body would be rejected again)', async () => {
    const { url, received } = await receiver([401]);
    const queue = new NotificationQueue(createWebhookNotifier({ url, secret: SECRET }), {
      retry: FAST_RETRY,
    });
    queue.enqueue([firing('a')]);
    await queue.idle();
    expect(received).toHaveLength(1);
    expect(queue.stats).toMatchObject({ sent: 0, failed: 1, failedAttempts: 1 });
  });
});
