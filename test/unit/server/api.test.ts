import { afterEach, describe, expect, it } from 'vitest';
import { alert, liveServer, value, workOrder, type LiveFixture } from './fixtures.js';

let fixture: LiveFixture | undefined;
afterEach(async () => {
  await fixture?.server.close();
  fixture = undefined;
});

async function open(tokens: string[] = []) {
  fixture = await liveServer({ tokens, listen: false });
  fixture.values$.next([
    value('billing/voice', 'service_level', 0.62),
    value('vip/voice', 'service_level', 0.88),
    value('billing/chat', 'asa_seconds', 12),
    value('billing/voice', 'service_level', 0.75, { window: '5m/10s' }),
  ]);
  return fixture;
}

describe('GET /api/indicators', () => {
  it('serves the current values with their target status', async () => {
    const { server } = await open();
    const response = await server.inject('/api/indicators');
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.count).toBe(4);
    const vip = body.values.find((v: { keyId: string }) => v.keyId === 'channel=voice,queue=vip/voice');
    expect(vip).toMatchObject({ indicator: 'service_level', value: 0.88, status: 'warn', kind: 'early' });
  });

  it('filters by pipeline, indicator, window and dimension values', async () => {
    const { server } = await open();
    const get = async (query: string) =>
      (await server.inject(`/api/indicators?${query}`))
        .json()
        .values.map(
          (v: { keyId: string; indicator: string; window: string }) =>
            `${v.indicator} ${v.window} ${v.keyId}`,
        );
    expect(await get('queue=billing/voice&window=1m')).toEqual([
      'service_level 1m channel=voice,queue=billing/voice',
    ]);
    expect(await get('indicator=asa_seconds')).toEqual(['asa_seconds 1m channel=chat,queue=billing/chat']);
    expect(await get('queue=billing/voice,vip/voice&window=1m')).toHaveLength(2);
    expect(await get('queue=billing/voice&queue=billing/chat&window=1m')).toHaveLength(2);
    expect(await get('pipeline=other')).toEqual([]);
    expect(await get('region=north')).toEqual([]);
  });
});

describe('alerts API', () => {
  it('lists firing then resolved alerts, and filters by state', async () => {
    const { server, alerts } = await open();
    alerts.upsert(alert('a1'));
    alerts.upsert(alert('a2', { startedAt: 2 }));
    alerts.resolve('a2', 5);
    const all = (await server.inject('/api/alerts')).json().alerts;
    expect(all.map((a: { id: string; state: string }) => `${a.id}:${a.state}`)).toEqual([
      'a1:firing',
      'a2:resolved',
    ]);
    const firing = (await server.inject('/api/alerts?state=firing')).json().alerts;
    expect(firing).toHaveLength(1);
    expect((await server.inject('/api/alerts?state=bogus')).statusCode).toBe(400);
  });

  it('acknowledges an alert for an operator and answers 404 for an unknown one', async () => {
    const { server, alerts } = await open(['operator:alice:op-token', 'viewer:tv-token']);
    alerts.upsert(alert('a1'));
    const auth = { authorization: 'Bearer op-token' };
    const response = await server.inject({ method: 'POST', url: '/api/alerts/a1/ack', headers: auth });
    expect(response.statusCode).toBe(200);
    expect(response.json().alert).toMatchObject({ id: 'a1', acknowledgedBy: 'alice' });
    expect(alerts.get('a1')?.acknowledgedBy).toBe('alice');
    const missing = await server.inject({ method: 'POST', url: '/api/alerts/nope/ack', headers: auth });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ code: 'not-found', message: 'no alert nope' });
  });
});

describe('GET /api/work-orders', () => {
  it('serves the recent work orders, newest first, bounded, pseudonymised customer only', async () => {
    const { server, workOrders } = await open();
    expect((await server.inject('/api/work-orders')).json()).toEqual({ count: 0, workOrders: [] });
    const leaky = { ...workOrder(0), customerId: 'cu-raw-id' } as ReturnType<typeof workOrder>;
    workOrders.add([leaky, ...Array.from({ length: 59 }, (_, i) => workOrder(i + 1))]);
    const response = await server.inject('/api/work-orders');
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.count).toBe(50);
    expect(body.workOrders[0]).toEqual(workOrder(59));
    expect(body.workOrders.map((o: { ts: number }) => o.ts)).toEqual(
      Array.from({ length: 50 }, (_, i) => workOrder(59 - i).ts),
    );
    // A replayed work order (same id) replaces the kept one instead of showing twice.
    workOrders.add([workOrder(59, { ownerTeam: 'vip-care-2' })]);
    const again = (await server.inject('/api/work-orders')).json();
    expect(again.count).toBe(50);
    expect(again.workOrders[0].ownerTeam).toBe('vip-care-2');
    expect(response.body).not.toContain('cu-raw-id');
  });

  it('needs a viewer token when tokens are configured', async () => {
    const { server } = await open(['viewer:tv']);
    expect((await server.inject('/api/work-orders')).statusCode).toBe(401);
    const ok = await server.inject({ url: '/api/work-orders', headers: { authorization: 'Bearer tv' } });
    expect(ok.statusCode).toBe(200);
  });
});

describe('API auth', () => {
  it('answers 401 without a valid token, whatever the route', async () => {
    const { server } = await open(['viewer:tv-token']);
    for (const url of ['/api/indicators', '/api/alerts', '/api/indicators?token=wrong']) {
      const response = await server.inject(url);
      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
    }
    expect((await server.inject({ method: 'POST', url: '/api/alerts/a1/ack' })).statusCode).toBe(401);
  });

  it('lets a viewer read but answers 403 to a viewer acknowledging', async () => {
    const { server, alerts } = await open(['viewer:tv-token', 'operator:op-token']);
    alerts.upsert(alert('a1'));
    expect((await server.inject('/api/indicators?token=tv-token')).statusCode).toBe(200);
    const response = await server.inject({
      method: 'POST',
      url: '/api/alerts/a1/ack',
      headers: { authorization: 'Bearer tv-token' },
    });
    expect(response.statusCode).toBe(403);
    expect(alerts.get('a1')?.acknowledgedAt).toBeUndefined();
  });

  it('serves the wallboard page and its assets without a token', async () => {
    const { server } = await open(['viewer:tv-token']);
    const page = await server.inject('/');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect((await server.inject('/wallboard/wallboard.js')).statusCode).toBe(200);
  });

  it('lets anyone act when no tokens are configured', async () => {
    const { server, alerts } = await open([]);
    alerts.upsert(alert('a1'));
    const response = await server.inject({ method: 'POST', url: '/api/alerts/a1/ack' });
    expect(response.json().alert.acknowledgedBy).toBe('anonymous');
  });
});

describe('silences', () => {
  it('lets an operator silence by labels for a while and end it, and refuses a viewer', async () => {
    const { MemoryAlertStore } = await import('../../../src/alerts/alert-store.js');
    const Fastify = (await import('fastify')).default;
    const { registerLiveServer } = await import('../../../src/server/live-server.js');
    const { DEFAULT_CONFIG } = await import('../../../src/config/app-config.js');
    const { LatestValues } = await import('../../../src/sinks/memory/latest-values.js');
    const { Subject } = await import('rxjs');
    const config = structuredClone(DEFAULT_CONFIG);
    config.auth.tokens = ['operator:olga:op-token', 'viewer:vic:view-token'];
    const server = Fastify({ logger: false, ajv: { customOptions: { removeAdditional: false } } });
    const store = new MemoryAlertStore();
    await registerLiveServer(server, {
      config,
      pipelines: [],
      latest: new LatestValues(),
      values$: new Subject(),
      alerts: store,
    });
    await server.ready();
    try {
      const as = (token: string) => ({ authorization: `Bearer ${token}` });
      const body = {
        matchers: [{ name: 'queue', value: 'billing/voice' }],
        minutes: 30,
        comment: 'training',
      };
      const refused = await server.inject({
        method: 'POST',
        url: '/api/silences',
        headers: as('view-token'),
        payload: body,
      });
      expect(refused.statusCode).toBe(403);
      const bad = await server.inject({
        method: 'POST',
        url: '/api/silences',
        headers: as('op-token'),
        payload: { matchers: [{ name: 'queue', value: 'x', isRegex: true }], minutes: 5 },
      });
      expect(bad.statusCode).toBe(400);
      const created = await server.inject({
        method: 'POST',
        url: '/api/silences',
        headers: as('op-token'),
        payload: body,
      });
      expect(created.statusCode).toBe(201);
      const silence = created.json().silence;
      expect(silence).toMatchObject({ matchers: body.matchers, createdBy: 'olga', comment: 'training' });
      expect(silence.until).toBeGreaterThan(Date.now() + 29 * 60_000);
      expect(store.silences().map((s) => s.id)).toEqual([silence.id]);
      const listed = await server.inject({ url: '/api/silences', headers: as('view-token') });
      expect(listed.json().silences).toHaveLength(1);
      const ended = await server.inject({
        method: 'DELETE',
        url: `/api/silences/${silence.id}`,
        headers: as('op-token'),
      });
      expect(ended.statusCode).toBe(204);
      expect(store.silences()).toEqual([]);
      const again = await server.inject({
        method: 'DELETE',
        url: `/api/silences/${silence.id}`,
        headers: as('op-token'),
      });
      expect(again.statusCode).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('answers 501 when the alert store cannot silence', async () => {
    const { server } = await open();
    expect((await server.inject('/api/silences')).statusCode).toBe(501);
  });
});
