import { describe, expect, it } from 'vitest';
import { ClientSession, type PeerSocket } from '../../../../src/server/ws/client-session.js';
import { compileSubscription } from '../../../../src/server/ws/subscription-matcher.js';
import type { WireValue } from '../../../../src/server/ws/protocol.js';
import { alert, workOrder } from '../fixtures.js';
import { toWireWorkOrder } from '../../../../src/server/work-order-feed.js';

/** A socket whose backlog the test sets: the session's only view of a client's speed. */
class FakeSocket implements PeerSocket {
  bufferedAmount = 0;
  readyState = 1;
  readonly sent: string[] = [];
  send(data: Buffer | string): void {
    this.sent.push(data.toString());
  }
}

const wire = (queue: string, value: number): WireValue => ({
  pipeline: 'contact-center',
  indicator: 'service_level',
  window: '1m',
  key: { queue },
  keyId: `queue=${queue}`,
  windowStart: 0,
  windowEnd: 60_000,
  value,
  kind: 'early',
  version: 0,
  status: null,
});

function session(
  limits: Partial<{ highWaterBytes: number; maxPendingSeries: number; flushChunk: number }> = {},
) {
  const socket = new FakeSocket();
  const s = new ClientSession(socket, { name: 'x', role: 'viewer' }, compileSubscription({}), {
    highWaterBytes: 1000,
    maxPendingSeries: 10,
    flushChunk: 2,
    ...limits,
  });
  return { socket, s };
}

describe('ClientSession', () => {
  it('sends the shared frame while the socket keeps up', () => {
    const { socket, s } = session();
    const frame = Buffer.from('{"type":"indicators","values":[]}');
    expect(s.deliverValues([wire('a', 1)], () => frame)).toBe('sent');
    expect(socket.sent).toEqual([frame.toString()]);
  });

  it('keeps only the latest value per series while the socket is backed up, then flushes them in chunks', () => {
    const { socket, s } = session();
    socket.bufferedAmount = 5000;
    for (let i = 0; i < 100; i++) {
      expect(s.deliverValues([wire('a', i), wire('b', i), wire('c', i)], () => Buffer.from('x'))).toBe(
        'pending',
      );
    }
    expect(socket.sent).toEqual([]);
    expect(s.pendingValues.size).toBe(3);
    s.flush();
    expect(socket.sent).toEqual([]); // still backed up
    socket.bufferedAmount = 0;
    s.flush();
    const frames = socket.sent.map((f) => JSON.parse(f) as { values: WireValue[] });
    expect(frames.map((f) => f.values.length)).toEqual([2, 1]);
    expect(frames.flatMap((f) => f.values.map((v) => `${v.keyId}=${v.value}`))).toEqual([
      'queue=a=99',
      'queue=b=99',
      'queue=c=99',
    ]);
    expect(s.pendingCount).toBe(0);
  });

  it('queues behind pending values even once the socket drains, so nothing newer overtakes', () => {
    const { socket, s } = session();
    socket.bufferedAmount = 5000;
    s.deliverValues([wire('a', 1)], () => Buffer.from('x'));
    socket.bufferedAmount = 0;
    expect(s.deliverValues([wire('a', 2)], () => Buffer.from('direct'))).toBe('pending');
    s.flush();
    expect(socket.sent.map((f) => JSON.parse(f).values[0].value)).toEqual([2]);
  });

  it('reports an overflow beyond maxPendingSeries', () => {
    const { socket, s } = session({ maxPendingSeries: 2 });
    socket.bufferedAmount = 5000;
    expect(s.deliverValues([wire('a', 1), wire('b', 1)], () => Buffer.from('x'))).toBe('pending');
    expect(s.deliverValues([wire('c', 1)], () => Buffer.from('x'))).toBe('overflow');
  });

  it('conflates alerts by id and sends them before values', () => {
    const { socket, s } = session();
    socket.bufferedAmount = 5000;
    s.deliverValues([wire('a', 1)], () => Buffer.from('x'));
    s.deliverAlert(alert('a1'), () => Buffer.from('x'));
    s.deliverAlert(alert('a1', { acknowledgedBy: 'bob', acknowledgedAt: 1 }), () => Buffer.from('x'));
    socket.bufferedAmount = 0;
    s.flush();
    expect(socket.sent.map((f) => JSON.parse(f).type)).toEqual(['alert', 'indicators']);
    expect(JSON.parse(socket.sent[0]!).alert.acknowledgedBy).toBe('bob');
  });

  it('sends nothing to a closed socket', () => {
    const { socket, s } = session();
    socket.readyState = 3;
    expect(s.deliverValues([wire('a', 1)], () => Buffer.from('x'))).toBe('closed');
    expect(s.pendingCount).toBe(0);
  });
  it('holds work orders of a slow client by id and sends them on flush', () => {
    const { socket, s } = session();
    socket.bufferedAmount = 5000;
    const order = toWireWorkOrder(workOrder(1));
    expect(s.deliverWorkOrder(order, () => Buffer.from('x'))).toBe('pending');
    expect(s.deliverWorkOrder(order, () => Buffer.from('x'))).toBe('pending');
    expect(s.pendingCount).toBe(1);
    socket.bufferedAmount = 0;
    s.flush();
    expect(socket.sent.map((m) => JSON.parse(m) as unknown)).toEqual([
      { type: 'workOrder', workOrder: order },
    ]);
    expect(s.pendingCount).toBe(0);
  });
});
