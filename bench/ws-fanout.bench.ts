/**
 * WebSocket fan-out under a wallboard-sized audience: 2 000 clients (in a child process, so their
 * parsing does not load the server's event loop) in four subscription groups, the contact-center
 * pipeline's series updated once per second each, spread over ten batches a second.
 *
 * Value: the server's event-loop delay p99 (ms) over the measured seconds. Target < 50 ms: a
 * wallboard update (or a health probe) never waits longer than that behind a broadcast.
 * Details: delivered messages and bytes per second on the client side, the server's heap.
 */
import { spawn } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import Fastify from 'fastify';
import { Subject } from 'rxjs';
import { DEFAULT_CONFIG } from '../src/config/app-config.js';
import { loadPipelineFile } from '../src/config/pipeline-loader.js';
import { InMemoryAlertStore } from '../src/server/alert-store.js';
import { registerLiveServer } from '../src/server/live-server.js';
import { LatestValues } from '../src/sinks/memory/latest-values.js';
import type { IndicatorValue } from '../src/windows/indicator-value.js';
import type { BenchResult } from './harness.js';

export const name = 'ws-fanout';

const CLIENTS = 2000;
const WARMUP_S = 3;
const MEASURE_S = 10;
const BATCHES_PER_S = 10;
const QUEUES = [
  'billing/voice',
  'billing/chat',
  'tech-support/voice',
  'tech-support/chat',
  'sales/voice',
  'sales/chat',
  'vip/voice',
  'social-care/social',
  'app-support/app',
  'web-support/web',
  'email/email',
  'store/store',
];

/** The client side, run by a second node process: connect everyone, count messages, report. */
const CLIENT_SCRIPT = `
import WebSocket from 'ws';
const [url, total] = [process.argv[1], Number(process.argv[2])];
const groups = ['', '?queue=billing/voice', '?window=live', '?pipeline=contact-center&indicator=service_level'];
let open = 0, messages = 0, bytes = 0;
for (let i = 0; i < total; i++) {
  const ws = new WebSocket(url + groups[i % groups.length]);
  ws.on('open', () => { if (++open === total) process.stdout.write('OPEN\\n'); });
  // Counted, not parsed: one process parsing for 2 000 clients would itself be the slow consumer.
  ws.on('message', (data) => { messages++; bytes += data.length; });
  ws.on('error', (e) => process.stderr.write('client error ' + e.message + '\\n'));
}
process.stdin.on('data', (d) => {
  if (String(d).includes('COUNT')) process.stdout.write('COUNT ' + JSON.stringify({ messages, bytes }) + '\\n');
  if (String(d).includes('EXIT')) process.exit(0);
});
`;

export async function run(): Promise<BenchResult> {
  const pipeline = loadPipelineFile('pipelines/contact-center.yaml');
  const config = structuredClone(DEFAULT_CONFIG);
  config.websocket.maxClients = CLIENTS + 10;
  const server = Fastify({ logger: false });
  const latest = new LatestValues();
  const values$ = new Subject<IndicatorValue[]>();
  values$.subscribe((b) => latest.update(b));
  await registerLiveServer(server, {
    config,
    pipelines: [pipeline],
    latest,
    values$,
    alerts: new InMemoryAlertStore(),
  });
  const address = await server.listen({ host: '127.0.0.1', port: 0 });

  // Every series of the pipeline: indicator × window × queue.
  const windows = [...pipeline.windows.map((w) => w.name), 'live'];
  const series = pipeline.indicators.flatMap((d) =>
    windows.flatMap((window) =>
      QUEUES.map((queue) => ({ indicator: d.name, window, queue, channel: queue.split('/')[1]! })),
    ),
  );

  const child = spawn(
    process.execPath,
    ['--input-type=module', '-e', CLIENT_SCRIPT, `${address.replace('http', 'ws')}/ws`, String(CLIENTS)],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const lines: string[] = [];
  const waiters: (() => void)[] = [];
  child.stdout.on('data', (d: Buffer) => {
    lines.push(...d.toString().split('\n').filter(Boolean));
    for (const w of waiters.splice(0)) w();
  });
  const waitFor = async (prefix: string) => {
    for (;;) {
      const line = lines.find((l) => l.startsWith(prefix));
      if (line) {
        lines.splice(lines.indexOf(line), 1);
        return line;
      }
      await new Promise<void>((r) => waiters.push(r));
    }
  };
  await waitFor('OPEN');

  let tick = 0;
  const perBatch = Math.ceil(series.length / BATCHES_PER_S);
  const timer = setInterval(() => {
    const now = Date.now();
    const start = (tick % BATCHES_PER_S) * perBatch;
    const batch: IndicatorValue[] = series.slice(start, start + perBatch).map((s) => ({
      pipeline: pipeline.name,
      indicator: s.indicator,
      window: s.window,
      key: { queue: s.queue, channel: s.channel },
      keyId: `channel=${s.channel},queue=${s.queue}`,
      windowStart: now - 60_000,
      windowEnd: now,
      kind: 'early',
      version: 0,
      value: Math.random(),
    }));
    tick++;
    values$.next(batch);
  }, 1000 / BATCHES_PER_S);

  await new Promise((r) => setTimeout(r, WARMUP_S * 1000));
  child.stdin.write('COUNT\n');
  const before = JSON.parse((await waitFor('COUNT')).slice(6)) as { messages: number; bytes: number };
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  await new Promise((r) => setTimeout(r, MEASURE_S * 1000));
  delay.disable();
  child.stdin.write('COUNT\n');
  const after = JSON.parse((await waitFor('COUNT')).slice(6)) as { messages: number; bytes: number };
  clearInterval(timer);
  child.stdin.write('EXIT\n');
  const heapMb = process.memoryUsage().heapUsed / 1e6;
  await server.close();

  return {
    name,
    value: Math.round((delay.percentile(99) / 1e6) * 10) / 10,
    unit: 'ms',
    target: '< 50',
    clients: CLIENTS,
    series: series.length,
    messagesPerSecond: Math.round((after.messages - before.messages) / MEASURE_S),
    megabytesPerSecond: Math.round((after.bytes - before.bytes) / MEASURE_S / 1e5) / 10,
    meanDelayMs: Math.round((delay.mean / 1e6) * 10) / 10,
    maxDelayMs: Math.round((delay.max / 1e6) * 10) / 10,
    heapMb: Math.round(heapMb),
  };
}
