/**
 * Insights on the live side: the feed (a report replaces the previous one of its series,
 * suggestions are kept), GET /api/insights behind the tokens, and the WebSocket (snapshot,
 * `insight` messages to every client whatever its subscription).
 */
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { feedServer, recordingClient } from './fixtures.js';
import type { Insight } from '../../../src/analytics/insights/insight.js';
import { InsightFeed } from '../../../src/server/insight-feed.js';
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
  const feed = new InsightFeed();
  const started = await feedServer({ insights: feed }, { tokens });
  server = started.server;
  return { feed, wsUrl: started.wsUrl };
}

const connect = (url: string) => recordingClient(url, sockets);

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
