/**
 * Tag rankings on the live side: the feed's current and final ranking per series, GET
 * /api/tag-rankings behind the tokens, and the WebSocket (snapshot, `tagRanking` messages to every
 * client, one pending ranking per series for a slow one).
 */
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { feedServer, recordingClient } from './fixtures.js';
import type { TagRanking } from '../../../src/analytics/tags/tag-ranking.js';
import { loadPipelineFile } from '../../../src/config/pipeline-loader.js';
import { TagRankingFeed } from '../../../src/server/tag-ranking-feed.js';
import type { WebSocketHub } from '../../../src/server/ws/hub.js';

const T0 = Date.UTC(2026, 0, 5, 9);
const MINUTE = 60_000;

function ranking(overrides: Partial<TagRanking> = {}): TagRanking {
  return {
    pipeline: 'tag-rankings',
    window: '15m/1m',
    windowStart: T0,
    windowEnd: T0 + 15 * MINUTE,
    key: {},
    keyId: '',
    polarity: 'negative',
    kind: 'early',
    answers: 100,
    allAnswers: 300,
    tagOccurrences: 150,
    floor: 0,
    capacity: 64,
    entries: [{ rank: 1, tag: 'points-mall-items', count: 81, error: 0, share: 0.81, shareError: 0 }],
    ...overrides,
  };
}

describe('TagRankingFeed', () => {
  it('keeps per series the newest window, a final over an early of the same window, never the reverse', () => {
    const feed = new TagRankingFeed();
    const heard: string[] = [];
    feed.onAdd((rs) => heard.push(...rs.map((r) => `${r.kind}@${(r.windowStart - T0) / MINUTE}`)));
    feed.add([ranking({ kind: 'early' })]);
    feed.add([ranking({ kind: 'final' })]);
    feed.add([ranking({ kind: 'early' })]);
    const next = { windowStart: T0 + MINUTE, windowEnd: T0 + 16 * MINUTE };
    feed.add([ranking({ kind: 'early', ...next })]);
    // A final of an older window does not replace the current ranking, but is the newest final.
    feed.add([ranking({ kind: 'final', windowStart: T0 - MINUTE, windowEnd: T0 + 14 * MINUTE })]);
    feed.add([ranking({ polarity: 'positive' })]);
    expect(heard).toEqual(['early@0', 'final@0', 'early@1', 'early@0']);
    expect(feed.list().map((r) => `${r.polarity} ${r.kind}@${(r.windowStart - T0) / MINUTE}`)).toEqual([
      'negative early@1',
      'positive early@0',
    ]);
    expect(feed.list({ kind: 'final' }).map((r) => r.windowStart)).toEqual([T0]);
    expect(
      feed.list({ polarity: 'positive', window: '15m/1m', pipeline: 'tag-rankings', keyId: '' }),
    ).toHaveLength(1);
    expect(feed.list({ window: '1h' })).toEqual([]);
  });

  it('is bounded in series, dropping the one updated longest ago', () => {
    const feed = new TagRankingFeed(3);
    for (let i = 0; i < 5; i++) feed.add([ranking({ keyId: `k=${i}`, key: { k: String(i) } })]);
    expect(feed.list().map((r) => r.keyId)).toEqual(['k=2', 'k=3', 'k=4']);
  });

  it('copies the wire fields only', () => {
    const feed = new TagRankingFeed();
    feed.add([{ ...ranking(), secret: 'x' } as TagRanking]);
    expect(JSON.stringify(feed.list())).not.toContain('secret');
  });
});

interface Fixture {
  server: ReturnType<typeof Fastify>;
  feed: TagRankingFeed;
  hub: WebSocketHub;
  wsUrl: string;
}

let fixture: Fixture | undefined;
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.terminate();
  await fixture?.server.close();
  fixture = undefined;
});

async function live(options: { tokens?: string[]; highWaterBytes?: number } = {}): Promise<Fixture> {
  const feed = new TagRankingFeed();
  const started = await feedServer(
    { tagRankings: feed },
    { ...options, pipelines: [loadPipelineFile('pipelines/tag-rankings.yaml')] },
  );
  fixture = { ...started, feed };
  return fixture;
}

const connect = (url: string) => recordingClient(url, sockets);

describe('GET /api/tag-rankings', () => {
  it('lists the current rankings, filtered, and the finals on kind=final', async () => {
    const f = await live();
    f.feed.add([
      ranking({ kind: 'final' }),
      ranking({ polarity: 'positive', entries: [] }),
      ranking({ kind: 'early', windowStart: T0 + MINUTE, windowEnd: T0 + 16 * MINUTE }),
    ]);
    const all = await f.server.inject('/api/tag-rankings');
    expect(all.statusCode).toBe(200);
    const body = all.json() as { count: number; rankings: TagRanking[] };
    expect(body.count).toBe(2);
    expect(body.rankings[0]).toEqual(
      ranking({ kind: 'early', windowStart: T0 + MINUTE, windowEnd: T0 + 16 * MINUTE }),
    );
    const negative = (
      await f.server.inject('/api/tag-rankings?polarity=negative&kind=final')
    ).json() as typeof body;
    expect(negative.rankings.map((r) => [r.kind, r.windowStart])).toEqual([['final', T0]]);
    expect((await f.server.inject('/api/tag-rankings?polarity=neutral')).statusCode).toBe(400);
    expect((await f.server.inject('/api/tag-rankings?key=touchpoint%3Dlogin')).json()).toEqual({
      count: 0,
      rankings: [],
    });
  });

  it('needs a token when tokens are configured', async () => {
    const f = await live({ tokens: ['viewer:vic:viewer-secret'] });
    expect((await f.server.inject('/api/tag-rankings')).statusCode).toBe(401);
    expect((await f.server.inject('/api/tag-rankings?token=viewer-secret')).statusCode).toBe(200);
    expect(
      (
        await f.server.inject({
          url: '/api/tag-rankings',
          headers: { authorization: 'Bearer viewer-secret' },
        })
      ).statusCode,
    ).toBe(200);
  });
});

describe('tag rankings over the WebSocket', () => {
  it('come in the snapshot, and as tagRanking messages to every client whatever its filter', async () => {
    const f = await live();
    f.feed.add([ranking({ kind: 'final' })]);
    const all = await connect(f.wsUrl);
    const filtered = await connect(`${f.wsUrl}?pipeline=contact-center`);
    expect((await all.next('snapshot')).tagRankings).toEqual([ranking({ kind: 'final' })]);
    expect((await filtered.next('snapshot')).tagRankings).toHaveLength(1);
    const update = ranking({ windowStart: T0 + MINUTE, windowEnd: T0 + 16 * MINUTE });
    f.feed.add([update]);
    for (const client of [all, filtered]) {
      expect((await client.next('tagRanking')).rankings).toEqual([update]);
    }
  });

  it('keeps one pending ranking per series for a slow client, the newest, and sends it when it drains', async () => {
    const f = await live({ highWaterBytes: 0 });
    const slow = await connect(f.wsUrl);
    await slow.next('snapshot');
    const session = f.hub.clients()[0]!;
    for (let i = 1; i <= 5; i++) {
      f.feed.add([
        ranking({ windowStart: T0 + i * MINUTE, windowEnd: T0 + (15 + i) * MINUTE }),
        ranking({ polarity: 'positive', windowStart: T0 + i * MINUTE, windowEnd: T0 + (15 + i) * MINUTE }),
      ]);
    }
    expect(session.pendingTagRankings.size).toBe(2);
    expect([...session.pendingTagRankings.values()].map((r) => r.windowStart)).toEqual([
      T0 + 5 * MINUTE,
      T0 + 5 * MINUTE,
    ]);
    session.clearPending();
    expect(session.pendingCount).toBe(0);
  });
});
