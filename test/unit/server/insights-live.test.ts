/**
 * Insights on the live side: the feed (a report replaces the previous one of its series,
 * suggestions are kept), GET /api/insights behind the tokens, and the WebSocket (snapshot,
 * `insight` messages to every client whatever its subscription).
 */
import Fastify from 'fastify';
import { Subject } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Insight } from '../../../src/analytics/insights/insight.js';
import { DEFAULT_CONFIG } from '../../../src/config/app-config.js';
import { InMemoryAlertStore } from '../../../src/server/alert-store.js';
import { InsightFeed } from '../../../src/server/insight-feed.js';
import { registerLiveServer } from '../../../src/server/live-server.js';
import type { ServerMessage } from '../../../src/server/ws/protocol.js';
import { LatestValues } from '../../../src/sinks/memory/latest-values.js';
import type { IndicatorValue } from '../../../src/windows/indicator-value.js';
import { diversion, driverReport, MINUTE, T0 } from '../analytics/insights/fixtures.js';

describe('InsightFeed', () => {
  it('keeps suggestions, replaces a report by the newer one of its series, newest first, bounded', () => {
    const feed = new InsightFeed(3);
    const heard: string[] = [];
    feed.onAdd((i) => heard.push(i.id));
    feed.add([driverReport()]);
    feed.add([diversion()]);
    feed.add([driverReport({ id: 'in-drivers-2', ts: T0 + 32 * MINUTE })]);
    feed.add([driverReport({ id: 'in-nps', key: 'nps', ts: T0 + 32 * MINUTE })]);
    // Equal times: the one added last comes first.
    expect(feed.recent().map((i) => i.id)).toEqual(['in-nps', 'in-drivers-2', 'in-diversion-1']);
    expect(feed.recent({ kind: 'channel-diversion' }).map((i) => i.id)).toEqual(['in-diversion-1']);
    // Replayed: the same id again is kept once.
    feed.add([diversion()]);
    expect(feed.recent({ state: 'suggested' })).toHaveLength(1);
    feed.add([diversion({ id: 'in-resolved', state: 'resolved', ts: T0 + 40 * MINUTE })]);
    expect(feed.recent().map((i) => i.id)).toEqual(['in-resolved', 'in-nps', 'in-drivers-2']);
    expect(heard).toEqual([
      'in-drivers-1',
      'in-diversion-1',
      'in-drivers-2',
      'in-nps',
      'in-diversion-1',
      'in-resolved',
    ]);
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
  const config = structuredClone(DEFAULT_CONFIG);
  config.auth.tokens = tokens;
  server = Fastify({ logger: false });
  const feed = new InsightFeed();
  await registerLiveServer(server, {
    config,
    pipelines: [],
    latest: new LatestValues(),
    values$: new Subject<IndicatorValue[]>(),
    alerts: new InMemoryAlertStore(),
    insights: feed,
  });
  const address = await server.listen({ host: '127.0.0.1', port: 0 });
  return { feed, wsUrl: address.replace('http://', 'ws://') + '/ws' };
}

async function connect(url: string) {
  const ws = new WebSocket(url);
  sockets.push(ws);
  const messages: ServerMessage[] = [];
  ws.on('message', (data) => messages.push(JSON.parse(data.toString()) as ServerMessage));
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const next = async <T extends ServerMessage['type']>(type: T) => {
    for (let i = 0; i < 200; i++) {
      const found = messages.find((m) => m.type === type);
      if (found) return found as Extract<ServerMessage, { type: T }>;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`no ${type} message`);
  };
  return { next };
}

describe('GET /api/insights', () => {
  it('lists the recent insights with their typed details, filtered by kind and state', async () => {
    const { feed } = await live();
    feed.add([diversion(), driverReport()]);
    const all = await server!.inject('/api/insights');
    expect(all.statusCode).toBe(200);
    const body = all.json() as { count: number; insights: Insight[] };
    expect(body.count).toBe(2);
    expect(body.insights).toEqual([driverReport(), diversion()]);
    const reports = (
      await server!.inject('/api/insights?kind=driver-analysis&state=report')
    ).json() as typeof body;
    expect(reports.insights.map((i) => i.id)).toEqual(['in-drivers-1']);
    expect((await server!.inject('/api/insights?kind=weather')).statusCode).toBe(400);
  });

  it('needs a token when tokens are configured', async () => {
    await live(['viewer:vic:viewer-secret']);
    expect((await server!.inject('/api/insights')).statusCode).toBe(401);
    expect((await server!.inject('/api/insights?token=viewer-secret')).statusCode).toBe(200);
  });
});

describe('insights over the WebSocket', () => {
  it('come in the snapshot, and as insight messages to every client whatever its filter', async () => {
    const { feed, wsUrl } = await live();
    feed.add([driverReport()]);
    const all = await connect(wsUrl);
    const filtered = await connect(`${wsUrl}?pipeline=contact-center`);
    expect((await all.next('snapshot')).insights).toEqual([driverReport()]);
    expect((await filtered.next('snapshot')).insights).toHaveLength(1);
    feed.add([diversion()]);
    for (const client of [all, filtered]) expect((await client.next('insight')).insight).toEqual(diversion());
  });
});
