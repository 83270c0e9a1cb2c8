/**
 * Proactive notifications on the live side: the feed (newest first, bounded, a replayed id kept
 * once), GET /api/proactive-notifications behind the tokens, and the WebSocket (snapshot,
 * `proactiveNotification` messages to every client whatever its subscription, conflated per id
 * for a slow one).
 */
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { feedServer, recordingClient } from './fixtures.js';
import type { ProactiveNotification } from '../../../src/analytics/proactive/proactive-notification.js';
import { ProactiveNotificationFeed } from '../../../src/server/proactive-notification-feed.js';
import { ClientSession } from '../../../src/server/ws/client-session.js';
import { compileSubscription } from '../../../src/server/ws/subscription-matcher.js';
import { notification } from '../analytics/proactive/fixtures.js';

describe('ProactiveNotificationFeed', () => {
  it('keeps the newest first, bounded, a replayed id once, and tells its listeners of each', () => {
    const feed = new ProactiveNotificationFeed(3);
    const heard: string[] = [];
    feed.onAdd((n) => heard.push(n.id));
    feed.add([notification(2), notification(1), notification(4)]);
    feed.add([notification(3), notification(2, { remaining: 5 })]);
    expect(feed.recent().map((n) => n.id)).toEqual(['pn-4', 'pn-3', 'pn-2']);
    expect(feed.recent()[2]!.remaining).toBe(5);
    expect(heard).toEqual(['pn-2', 'pn-1', 'pn-4', 'pn-3', 'pn-2']);
    // Only the named fields go out: anything else on the object stays behind.
    feed.add([{ ...notification(9), accountId: 'acc-raw' } as ProactiveNotification]);
    expect(JSON.stringify(feed.recent())).not.toContain('acc-raw');
  });
});

let server: ReturnType<typeof Fastify> | undefined;
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.terminate();
  await server?.close();
  server = undefined;
});

async function live(tokens: string[] = []) {
  const feed = new ProactiveNotificationFeed();
  const started = await feedServer({ proactiveNotifications: feed }, { tokens });
  server = started.server;
  return { feed, wsUrl: started.wsUrl };
}

const connect = (url: string) => recordingClient(url, sockets);

describe('GET /api/proactive-notifications', () => {
  it('lists the recent notifications, newest first, only their listed fields', async () => {
    const { feed } = await live();
    expect((await server!.inject('/api/proactive-notifications')).json()).toEqual({
      count: 0,
      notifications: [],
    });
    feed.add([notification(1), { ...notification(2), accountId: 'acc-raw' } as ProactiveNotification]);
    const body = (await server!.inject('/api/proactive-notifications')).json() as {
      count: number;
      notifications: ProactiveNotification[];
    };
    expect(body.count).toBe(2);
    expect(body.notifications).toEqual([notification(2), notification(1)]);
    expect(JSON.stringify(body)).not.toContain('acc-raw');
    feed.add([notification(3, { predictedRunOutTs: null })]);
    const again = (await server!.inject('/api/proactive-notifications')).json() as typeof body;
    expect(again.notifications[0]!.predictedRunOutTs).toBeNull();
  });

  it('needs a token when tokens are configured', async () => {
    await live(['viewer:vic:viewer-secret']);
    expect((await server!.inject('/api/proactive-notifications')).statusCode).toBe(401);
    expect((await server!.inject('/api/proactive-notifications?token=viewer-secret')).statusCode).toBe(200);
  });
});

describe('proactive notifications over the WebSocket', () => {
  it('come in the snapshot, and as messages to every client whatever its filter', async () => {
    const { feed, wsUrl } = await live();
    feed.add([notification(1)]);
    const all = await connect(wsUrl);
    const filtered = await connect(`${wsUrl}?pipeline=contact-center`);
    expect((await all.next('snapshot')).proactiveNotifications).toEqual([notification(1)]);
    expect((await filtered.next('snapshot')).proactiveNotifications).toHaveLength(1);
    feed.add([notification(2)]);
    for (const client of [all, filtered]) {
      expect((await client.next('proactiveNotification')).notification).toEqual(notification(2));
    }
  });

  it('pend for a slow client, one per id, at most the feed’s bound, and go out when it drains', () => {
    const sent: string[] = [];
    const socket = {
      bufferedAmount: 10_000_000,
      readyState: 1,
      send: (data: Buffer | string) => void sent.push(String(data)),
    };
    const session = new ClientSession(socket, { name: 'v', role: 'viewer' }, compileSubscription({}), {
      highWaterBytes: 1_000_000,
      maxPendingSeries: 10,
      flushChunk: 10,
    });
    for (let i = 0; i < 80; i++)
      session.deliverProactiveNotification(notification(i), () => Buffer.from('x'));
    session.deliverProactiveNotification(notification(79), () => Buffer.from('x'));
    expect(session.pendingProactiveNotifications.size).toBe(50);
    expect([...session.pendingProactiveNotifications.keys()][0]).toBe('pn-30');
    socket.bufferedAmount = 0;
    session.flush();
    expect(sent).toHaveLength(50);
    expect(JSON.parse(sent[0]!)).toEqual({ type: 'proactiveNotification', notification: notification(30) });
  });
});
