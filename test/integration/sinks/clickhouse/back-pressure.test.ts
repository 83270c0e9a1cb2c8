/**
 * The writer when ClickHouse is away: it retries (counting failures), never holds more than its
 * bound, makes further writes wait, and stores everything once the server is reachable again.
 * "Away" is a local TCP proxy in front of the real server that is closed, then opened.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { subscribe } from '../../../../src/observability/instrumentation.js';
import { createBatchWriter } from '../../../../src/sinks/clickhouse/batch-writer.js';
import { connectClickHouse } from '../../../../src/sinks/clickhouse/connection.js';
import { qualified } from '../../../../src/sinks/clickhouse/sql.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/clickhouse.js';
import { clickhouseUrl } from '../../helpers/services.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length) await Promise.resolve(cleanups.pop()!()).catch(() => {});
});

/** A proxy to the real server on a fixed local port, which can be switched on and off. */
async function switchableProxy(target: URL) {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return {
    url: `http://127.0.0.1:${port}`,
    async on() {
      server = createServer((client) => {
        const upstream = connect(Number(target.port), target.hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('error', () => {});
          s.on('close', () => sockets.delete(s));
        }
        client.pipe(upstream).pipe(client);
      });
      await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
    },
    async off() {
      for (const s of sockets) s.destroy();
      if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
      server = undefined;
    },
  };
}

describe('ClickHouse writer back-pressure', () => {
  it('retries while the server is unreachable without growing past its bound, then stores everything', async () => {
    const db: TestDatabase = await createTestDatabase();
    cleanups.push(() => db.drop());
    await db.client.command({ query: 'CREATE TABLE rows (i UInt32) ENGINE = MergeTree ORDER BY i' });
    const proxy = await switchableProxy(new URL(clickhouseUrl()));
    cleanups.push(() => proxy.off());
    const connection = connectClickHouse({ url: proxy.url, requestTimeoutMs: 5000 });
    cleanups.push(() => connection.close());

    let failures = 0;
    let maxHeld = 0;
    cleanups.push(subscribe('sink.clickhouse.insert_failed', () => failures++));
    cleanups.push(
      subscribe('sink.clickhouse.buffer', ({ table, rows }) => {
        if (table === 'rows') maxHeld = Math.max(maxHeld, rows);
      }),
    );
    const writer = createBatchWriter<{ i: number }>({
      table: 'rows',
      insert: (rows) => connection.insert(qualified(db.database, 'rows'), rows),
      maxRows: 50,
      maxAgeMs: 20,
      maxBufferedRows: 100,
      retryPolicy: { initialDelayMs: 20, maxDelayMs: 100, factor: 2, jitter: 0.2, maxRetries: Infinity },
    });
    cleanups.push(() => writer.close({ timeoutMs: 1000 }));

    const settled: number[] = [];
    const writes = Array.from({ length: 10 }, (_, w) =>
      writer.write(Array.from({ length: 40 }, (_, k) => ({ i: w * 40 + k }))).then(() => settled.push(w)),
    );

    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(settled).toEqual([]);
    expect(failures).toBeGreaterThan(2);
    expect(writer.heldRows).toBeLessThanOrEqual(100);
    expect(writer.waitingWrites).toBeGreaterThanOrEqual(8);

    await proxy.on();
    await Promise.all(writes);
    // Two inserts run at a time, so writes may resolve out of order (the source's offset tracker
    // commits only up to the first open batch); what matters is that every one does.
    expect([...settled].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(maxHeld).toBeLessThanOrEqual(100);
    expect(writer.heldRows).toBe(0);
    const result = await db.client.query({
      query: 'SELECT count() AS n, uniqExact(i) AS u FROM rows',
      format: 'JSONEachRow',
    });
    expect(await result.json()).toEqual([{ n: '400', u: '400' }]);
  });
});
