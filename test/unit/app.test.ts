import { Subject } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp, type CxPulseApp } from '../../src/app.js';
import { DEFAULT_CONFIG } from '../../src/config/app-config.js';
import { parsePipelineYaml } from '../../src/config/pipeline-loader.js';
import type { CxEvent } from '../../src/events/types.js';
import { createMetrics, type Metrics } from '../../src/observability/metrics.js';
import { createMemoryDeadLetterSink } from '../../src/sinks/kafka/dead-letter-sink.js';
import { createInProcessSource } from '../../src/sources/in-process-source.js';

const pipeline = parsePipelineYaml(
  `name: calls
source: { topics: [cx.events] }
keyBy: [queue]
windows: [{ size: 1m }]
lateness: 0s
correctionHorizon: 1m
maxKeys: 2
indicators:
  - id: contacts_offered
`,
  'calls.yaml',
);

let app: CxPulseApp | undefined;
let metrics: Metrics | undefined;
afterEach(async () => {
  await app?.stop();
  metrics?.close();
  app = undefined;
});

async function setup() {
  const events = new Subject<CxEvent[]>();
  const deadLetters = createMemoryDeadLetterSink();
  metrics = createMetrics({ defaultMetrics: false });
  const config = structuredClone(DEFAULT_CONFIG);
  app = await buildApp({
    config,
    pipelines: [pipeline],
    source: createInProcessSource(events),
    sourceName: 'test',
    deadLetters,
    metrics,
  });
  return { events, deadLetters, app };
}

const now = Date.now();
const queued = (id: string, queue: string, ts: number) =>
  ({ id, type: 'contact.queued', ts, channel: 'voice', queue, contactId: id }) as CxEvent;

describe('buildApp', () => {
  it('is alive at once and ready only once started', async () => {
    const { app } = await setup();
    expect((await app.server.inject('/health')).json()).toMatchObject({ status: 'ok' });
    const before = await app.server.inject('/ready');
    expect(before.statusCode).toBe(503);
    expect(before.json()).toEqual({ ready: false, checks: { source: false, pipelines: false } });
    await app.start();
    expect((await app.server.inject('/ready')).statusCode).toBe(200);
  });

  it('counts events by type and dead letters by reason on /metrics, and keeps the newest values', async () => {
    const { app, events, deadLetters } = await setup();
    await app.start();
    events.next([queued('a', 'billing', now - 120_000), queued('b', 'billing', now - 119_000)]);
    // Drives the watermark past the first window so it fires final.
    events.next([queued('c', 'sales', now - 30_000)]);
    await new Promise((r) => setTimeout(r, 20));
    const body = (await app.server.inject('/metrics')).body;
    expect(body).toMatch(/cxpulse_source_events_total\{source="test",type="contact.queued"\} 3/);
    const finals = app.latest.all().filter((v) => v.kind === 'final');
    expect(finals.map((v) => [v.keyId, v.value])).toEqual([['queue=billing', 2]]);
    expect(deadLetters.recent()).toEqual([]);
  });

  it('dead-letters events over the key limit with reason cardinality, and keeps serving', async () => {
    const { app, events, deadLetters } = await setup();
    await app.start();
    events.next([
      queued('a', 'q1', now - 5000),
      queued('b', 'q2', now - 5000),
      queued('c', 'q3', now - 5000),
    ]);
    await new Promise((r) => setTimeout(r, 20));
    const letters = deadLetters.recent();
    expect(letters.map((l) => l.reason)).toEqual(['cardinality']);
    expect(JSON.parse(letters[0]!.originalBytes.toString())).toMatchObject({ id: 'c', pipeline: 'calls' });
    const body = (await app.server.inject('/metrics')).body;
    expect(body).toMatch(/cxpulse_pipeline_rejected_total\{pipeline="calls",reason="cardinality"\} 1/);
    expect((await app.server.inject('/health')).statusCode).toBe(200);
  });

  it('dead-letters malformed messages from the source', async () => {
    const { app, events, deadLetters } = await setup();
    await app.start();
    events.next([{ id: 'x', type: 'contact.queued', ts: now } as CxEvent]);
    await new Promise((r) => setTimeout(r, 20));
    expect(deadLetters.recent().map((d) => d.reason)).toEqual(['schema-violation']);
    const body = (await app.server.inject('/metrics')).body;
    expect(body).toMatch(/cxpulse_source_dead_letters_total\{source="test",reason="schema-violation"\} 1/);
  });
});

describe('buildApp with a history store', () => {
  it('commits a batch only after its raw events and the finals of every window it fed are stored', async () => {
    const { Subject: RxSubject } = await import('rxjs');
    const batches = new RxSubject<import('../../src/sources/source-port.js').SourceBatch>();
    const log: string[] = [];
    let offset = 0;
    const batch = (name: string, events: CxEvent[]) => ({
      topic: 't',
      partition: 0,
      lag: 0,
      messages: events.map((e) => ({
        offset: String(offset++),
        key: null,
        value: Buffer.from(JSON.stringify(e)),
      })),
      ack: () => log.push(`ack ${name}`),
      release: () => log.push(`release ${name}`),
    });
    const source = {
      batches$: batches.asObservable(),
      start: async () => {},
      stop: async () => void batches.complete(),
      isReady: () => true,
      inFlight: () => 0,
    };
    const storedValues: Array<{ kind: string; windowStart: number }> = [];
    const history = {
      writeEvents: async () => void log.push('events stored'),
      writeValues: async (
        values: readonly import('../../src/windows/indicator-value.js').IndicatorValue[],
      ) => {
        for (const v of values)
          if (v.kind !== 'early') storedValues.push({ kind: v.kind, windowStart: v.windowStart });
      },
      writeAlerts: async () => {},
    };
    metrics = createMetrics({ defaultMetrics: false });
    const gated = await buildApp({
      config: structuredClone(DEFAULT_CONFIG),
      pipelines: [pipeline],
      source,
      sourceName: 'test',
      deadLetters: createMemoryDeadLetterSink(),
      metrics,
      history,
    });
    await gated.start();
    const minute = Math.floor(now / 60_000) * 60_000 - 10 * 60_000;
    const settle = () => new Promise((r) => setTimeout(r, 20));

    batches.next(batch('b1', [queued('a', 'billing', minute + 5_000)]));
    await settle();
    // Stored and released (no back-pressure), but its window [minute, +1m) is still open: no ack.
    expect(log).toEqual(['events stored', 'release b1']);

    batches.next(batch('b2', [queued('b', 'billing', minute + 61_000)]));
    await settle();
    // The watermark passed the first window: its final is stored, so b1 may be committed; b2 not yet.
    expect(storedValues).toContainEqual({ kind: 'final', windowStart: minute });
    expect(log).toContain('ack b1');
    expect(log).not.toContain('ack b2');

    // Shutdown flushes the open window, stores it, and only then commits b2.
    await gated.stop();
    expect(storedValues).toContainEqual({ kind: 'final', windowStart: minute + 60_000 });
    expect(log.at(-1)).toBe('ack b2');
  });
});
