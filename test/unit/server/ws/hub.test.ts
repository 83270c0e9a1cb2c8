import v8 from 'node:v8';
import vm from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ServerMessage } from '../../../../src/server/ws/protocol.js';
import { alert, liveServer, T0, value, workOrder, type LiveFixture } from '../fixtures.js';

// A real gc(), so heap figures measure what is retained rather than garbage not yet collected.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

let fixture: LiveFixture | undefined;
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.terminate();
  await fixture?.server.close();
  fixture = undefined;
});

/** A real ws client that records every message and can wait for one. */
class Client {
  readonly messages: ServerMessage[] = [];
  /** Every frame must be text: a browser hands binary frames over as Blobs, which the page cannot parse. */
  binaryFrames = 0;
  private waiters: (() => void)[] = [];
  readonly closed: Promise<{ code: number }>;

  constructor(readonly ws: WebSocket) {
    sockets.push(ws);
    ws.on('message', (data, isBinary) => {
      if (isBinary) this.binaryFrames++;
      this.messages.push(JSON.parse(data.toString()) as ServerMessage);
      for (const w of this.waiters.splice(0)) w();
    });
    this.closed = new Promise((resolve) => ws.on('close', (code) => resolve({ code })));
  }

  static async connect(url: string, options: WebSocket.ClientOptions = {}): Promise<Client> {
    const ws = new WebSocket(url, options);
    const client = new Client(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  async next<T extends ServerMessage['type']>(
    type: T,
    where: (m: Extract<ServerMessage, { type: T }>) => boolean = () => true,
    timeoutMs = 3000,
  ): Promise<Extract<ServerMessage, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(
        (m): m is Extract<ServerMessage, { type: T }> =>
          m.type === type && where(m as Extract<ServerMessage, { type: T }>),
      );
      if (found) {
        this.messages.splice(this.messages.indexOf(found), 1);
        return found;
      }
      if (Date.now() > deadline) throw new Error(`no ${type} message within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }
}

const keysOf = (m: { values: { indicator: string; keyId: string }[] }) =>
  m.values.map((v) => `${v.indicator} ${v.keyId}`).sort();

describe('WebSocket hub', () => {
  it('sends a snapshot of current values and active alerts, then updates', async () => {
    fixture = await liveServer();
    fixture.values$.next([value('billing/voice', 'service_level', 0.62)]);
    fixture.alerts.upsert(alert('a1'));
    fixture.alerts.upsert(alert('old', { state: 'resolved', resolvedAt: T0 }));
    const client = await Client.connect(fixture.wsUrl);
    const snapshot = await client.next('snapshot');
    expect(snapshot.role).toBe('operator');
    expect(snapshot.values).toEqual([
      expect.objectContaining({ indicator: 'service_level', value: 0.62, status: 'breach', kind: 'early' }),
    ]);
    expect(snapshot.alerts.map((a) => a.id)).toEqual(['a1']);
    expect(snapshot.pipelines[0]?.indicators.map((i) => i.name)).toEqual([
      'service_level',
      'asa_seconds',
      'contacts_offered',
    ]);

    fixture.values$.next([value('billing/voice', 'service_level', 0.85, { version: 1, kind: 'final' })]);
    const update = await client.next('indicators');
    expect(update.values).toEqual([
      expect.objectContaining({ value: 0.85, status: 'ok', kind: 'final', version: 1 }),
    ]);
    fixture.alerts.upsert(alert('a2', { severity: 'warning' }));
    expect((await client.next('alert')).alert).toMatchObject({ id: 'a2', severity: 'warning' });
    expect(client.binaryFrames).toBe(0);
  });

  it('changes its filter without reconnecting: a fresh snapshot, then only matching updates', async () => {
    fixture = await liveServer();
    fixture.values$.next([
      value('billing/voice', 'service_level', 0.9),
      value('sales/voice', 'asa_seconds', 20),
    ]);
    const client = await Client.connect(`${fixture.wsUrl}?queue=billing/voice`);
    expect(keysOf(await client.next('snapshot'))).toEqual([
      'service_level channel=voice,queue=billing/voice',
    ]);

    client.send({
      type: 'subscribe',
      filter: { indicators: ['asa_seconds'], dims: { queue: ['sales/voice'] } },
    });
    const again = await client.next('snapshot');
    expect(again.subscription).toEqual({ indicators: ['asa_seconds'], dims: { queue: ['sales/voice'] } });
    expect(keysOf(again)).toEqual(['asa_seconds channel=voice,queue=sales/voice']);

    fixture.values$.next([
      value('billing/voice', 'service_level', 0.5),
      value('sales/voice', 'asa_seconds', 40),
    ]);
    const update = await client.next('indicators');
    expect(keysOf(update)).toEqual(['asa_seconds channel=voice,queue=sales/voice']);
    expect(fixture.hub.clientCount).toBe(1);
  });

  it('answers malformed messages with an error frame and keeps the connection', async () => {
    fixture = await liveServer();
    const client = await Client.connect(fixture.wsUrl);
    await client.next('snapshot');
    client.send('{not json');
    expect(await client.next('error')).toMatchObject({ code: 'bad-json' });
    client.send({ type: 'dance' });
    expect(await client.next('error')).toMatchObject({ code: 'unknown-type' });
    client.send({ type: 'subscribe', filter: { windows: 'not-a-list' } });
    expect(await client.next('error')).toMatchObject({
      code: 'bad-message',
      message: 'filter.windows must be a list of strings',
    });
    client.send([1, 2]);
    expect(await client.next('error')).toMatchObject({ code: 'bad-message' });
    client.send({ type: 'ack', alertId: 'missing' });
    expect(await client.next('error')).toMatchObject({ code: 'not-found' });
    // Still alive and subscribed.
    fixture.values$.next([value('billing/voice', 'service_level', 0.9)]);
    expect((await client.next('indicators')).values).toHaveLength(1);
  });

  it('closes a connection whose message exceeds maxPayload, with 1009', async () => {
    fixture = await liveServer({ websocket: { maxPayloadBytes: 1024 } });
    const client = await Client.connect(fixture.wsUrl);
    client.send({ type: 'subscribe', filter: { pipelines: ['x'.repeat(2000)] } });
    expect((await client.closed).code).toBe(1009);
  });

  it('acknowledges over the socket for operators and refuses viewers', async () => {
    fixture = await liveServer({ tokens: ['viewer:tv', 'operator:bob:op'] });
    fixture.alerts.upsert(alert('a1'));
    const viewer = await Client.connect(`${fixture.wsUrl}?token=tv`);
    const operator = await Client.connect(fixture.wsUrl, { headers: { authorization: 'Bearer op' } });
    expect((await viewer.next('snapshot')).role).toBe('viewer');
    await operator.next('snapshot');
    viewer.send({ type: 'ack', alertId: 'a1' });
    expect(await viewer.next('error')).toMatchObject({ code: 'forbidden' });
    operator.send({ type: 'ack', alertId: 'a1' });
    // Everyone hears about the acknowledgement.
    expect((await viewer.next('alert')).alert).toMatchObject({ id: 'a1', acknowledgedBy: 'bob' });
    expect((await operator.next('alert')).alert.acknowledgedBy).toBe('bob');
  });

  it('refuses upgrades without a valid token (401) and beyond maxClients (503)', async () => {
    fixture = await liveServer({ tokens: ['viewer:tv'], websocket: { maxClients: 1 } });
    const refusal = (url: string) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(url);
        sockets.push(ws);
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('open', () => resolve(101));
        ws.on('error', () => {});
      });
    expect(await refusal(fixture.wsUrl)).toBe(401);
    expect(await refusal(`${fixture.wsUrl}?token=wrong`)).toBe(401);
    await Client.connect(`${fixture.wsUrl}?token=tv`);
    expect(await refusal(`${fixture.wsUrl}?token=tv`)).toBe(503);
  });

  it('drops a peer that stops answering pings', async () => {
    fixture = await liveServer({ websocket: { heartbeatMs: 100 } });
    const healthy = await Client.connect(fixture.wsUrl);
    const dead = await Client.connect(fixture.wsUrl, { autoPong: false });
    await Promise.all([healthy.next('snapshot'), dead.next('snapshot')]);
    await dead.closed;
    expect(fixture.hub.clientCount).toBe(1);
    // The healthy one survives several beats.
    await new Promise((r) => setTimeout(r, 350));
    expect(healthy.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('conflates for a client that never reads: bounded pending map and memory, the fast client keeps receiving', async () => {
    fixture = await liveServer({ websocket: { highWaterBytes: 64 * 1024 } });
    const fast = await Client.connect(fixture.wsUrl);
    const slow = await Client.connect(fixture.wsUrl);
    await Promise.all([fast.next('snapshot'), slow.next('snapshot')]);
    // The slow client stops reading: its kernel buffers fill, then the server's socket buffers.
    (slow.ws as unknown as { _socket: import('node:net').Socket })._socket.pause();

    const queues = Array.from({ length: 500 }, (_, i) => `q${i}/voice`);
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const rounds = 200;
    let fastReceived = 0;
    let fastLast: { values: number; value: number | null } = { values: 0, value: null };
    fast.ws.on('message', (data) => {
      const m = JSON.parse(data.toString()) as ServerMessage;
      if (m.type !== 'indicators') return;
      fastReceived++;
      fastLast = { values: m.values.length, value: m.values[0]!.value };
    });
    for (let round = 0; round < rounds; round++) {
      // 500 series, a new value each round: ~100 KB of JSON per round, 20 MB over the run.
      fixture.values$.next(
        queues.map((q) => value(q, 'service_level', round / rounds, { windowStart: T0 + round })),
      );
      // The fast client reads as it goes (and the recorder keeps nothing).
      fast.messages.length = 0;
      await new Promise((r) => setImmediate(r));
    }
    // Every broadcast reaches the fast client, whole and in order.
    await expect.poll(() => fastReceived, { timeout: 5000 }).toBe(rounds);
    expect(fastLast).toEqual({ values: 500, value: (rounds - 1) / rounds });

    const slowSession = fixture.hub.clients()[1]!;
    // One entry per series, never a queue of every update.
    expect(slowSession.pendingValues.size).toBeGreaterThan(0);
    expect(slowSession.pendingValues.size).toBeLessThanOrEqual(queues.length);
    expect(slowSession.socket.bufferedAmount).toBeLessThan(4 * 1024 * 1024);
    expect([...slowSession.pendingValues.values()].every((v) => v.value === (rounds - 1) / rounds)).toBe(
      true,
    );
    gc();
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(50 * 1024 * 1024);

    // When it reads again it gets the latest value of every series.
    const seen = new Map<string, number | null>();
    slow.ws.on('message', (data) => {
      const m = JSON.parse(data.toString()) as ServerMessage;
      if (m.type === 'indicators') for (const v of m.values) seen.set(v.keyId, v.value);
    });
    (slow.ws as unknown as { _socket: import('node:net').Socket })._socket.resume();
    await expect
      .poll(() => [...seen.values()].filter((v) => v === (rounds - 1) / rounds).length, { timeout: 5000 })
      .toBe(queues.length);
  });

  it('sends recent work orders in the snapshot and each new one to every client, whatever its filter', async () => {
    fixture = await liveServer();
    fixture.workOrders.add([workOrder(1), workOrder(2, { segment: 'standard', ownerTeam: 'billing' })]);
    const all = await Client.connect(fixture.wsUrl);
    const filtered = await Client.connect(`${fixture.wsUrl}?pipeline=contact-center&queue=billing/voice`);
    const snapshot = await all.next('snapshot');
    // Newest first.
    expect(snapshot.workOrders.map((o) => o.id)).toEqual([workOrder(2).id, workOrder(1).id]);
    expect((await filtered.next('snapshot')).workOrders).toHaveLength(2);

    // A field the wire form does not list never goes out, even if a work order were to carry one.
    const leaky = { ...workOrder(3), customerId: 'cu-raw-id' } as ReturnType<typeof workOrder>;
    fixture.workOrders.add([leaky]);
    for (const client of [all, filtered]) {
      const message = await client.next('workOrder');
      expect(message.workOrder).toEqual(workOrder(3));
      expect(JSON.stringify(message)).not.toContain('cu-raw-id');
    }
    expect(all.binaryFrames).toBe(0);
    // A reconnecting client gets it in its snapshot.
    const late = await Client.connect(fixture.wsUrl);
    expect((await late.next('snapshot')).workOrders[0]?.id).toBe(workOrder(3).id);
  });

  it('keeps at most the bound of work orders pending for a slow client, the newest', async () => {
    fixture = await liveServer({ websocket: { highWaterBytes: 0 } });
    const slow = await Client.connect(fixture.wsUrl);
    await slow.next('snapshot');
    const session = fixture.hub.clients()[0]!;
    fixture.workOrders.add(Array.from({ length: 80 }, (_, i) => workOrder(i)));
    expect(session.pendingWorkOrders.size).toBe(50);
    expect([...session.pendingWorkOrders.keys()][0]).toBe(workOrder(30).id);
  });

  it('serialises one frame per subscription group and broadcast', async () => {
    fixture = await liveServer();
    const a = await Client.connect(fixture.wsUrl);
    const b = await Client.connect(fixture.wsUrl);
    await Promise.all([a.next('snapshot'), b.next('snapshot')]);
    const sent: Buffer[] = [];
    for (const session of fixture.hub.clients()) {
      const socket = session.socket as WebSocket;
      const send = socket.send.bind(socket);
      socket.send = ((data: Buffer, options: { binary?: boolean }) => {
        sent.push(data);
        send(data, options);
      }) as typeof socket.send;
    }
    fixture.values$.next([value('billing/voice', 'service_level', 0.9)]);
    await Promise.all([a.next('indicators'), b.next('indicators')]);
    expect(sent).toHaveLength(2);
    expect(sent[0]).toBe(sent[1]);
  });
});
