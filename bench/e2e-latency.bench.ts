/**
 * End-to-end latency: an event produced to Kafka → the matching update received by a WebSocket
 * client, with a background load of about 10 000 events/s through the same broker, source, pipeline
 * and server.
 *
 * Matching: every 200 ms a probe `contact.queued` event goes out for a queue of its own
 * (`probe-<n>`), and the client waits for the first `indicators` update whose key names that queue.
 * The probe's latency therefore includes the wait for the next early firing (default every 1 s), as
 * a wallboard sees it. Value: p99 in ms, with p50; target p99 ≤ 1 500 ms.
 *
 * Needs Kafka: KAFKA_BROKERS, or the project's own broker started (and stopped) here.
 */
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { buildApp } from '../src/app.js';
import { DEFAULT_CONFIG } from '../src/config/app-config.js';
import { parsePipelineYaml } from '../src/config/pipeline-loader.js';
import { createMetrics } from '../src/observability/metrics.js';
import { createKafkaPublisher } from '../src/sinks/kafka/kafka-publisher.js';
import { createMemoryDeadLetterSink } from '../src/sinks/kafka/dead-letter-sink.js';
import { createKafkaSource } from '../src/sources/kafka/kafka-source.js';
import { releaseLease, servicesUp } from '../scripts/lib/services.js';
import { Kafka, logLevel } from 'kafkajs';
import type { BenchResult } from './harness.js';

export const name = 'e2e-latency';

const LOAD_EVENTS_PER_S = 10_000;
const TICK_MS = 100;
const PROBE_EVERY_MS = 200;
const WARMUP_S = 5;
const MEASURE_S = 20;
const QUEUES = [
  'billing/voice',
  'billing/chat',
  'sales/voice',
  'sales/chat',
  'tech-support/voice',
  'vip/voice',
];

const pipeline = parsePipelineYaml(
  `name: latency
source: { topics: [cx.events] }
keyBy: [queue, channel]
windows: [{ size: 1m }, { size: 5m, hop: 10s }]
earlyFiring: 1s
maxKeys: 100000
indicators:
  - id: contacts_offered
  - id: contacts_answered
  - id: asa_seconds
  - id: service_level
`,
  'latency.yaml',
);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function run(): Promise<BenchResult[]> {
  const lease = process.pid;
  const up = await servicesUp({ lease, log: (m) => process.stderr.write(`services: ${m}\n`) });
  const brokers = up.env.KAFKA_BROKERS.split(',');
  const topic = `bench-e2e-${Date.now()}`;
  const admin = new Kafka({ clientId: 'bench', brokers, logLevel: logLevel.ERROR }).admin();
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic, numPartitions: 3, replicationFactor: 1 }],
    waitForLeaders: true,
  });

  const publisher = await createKafkaPublisher({ brokers, clientId: 'bench-producer' });
  const metrics = createMetrics({ defaultMetrics: false });
  const config = structuredClone(DEFAULT_CONFIG);
  config.server.port = 0;
  const app = await buildApp({
    config,
    pipelines: [pipeline],
    source: createKafkaSource({
      brokers,
      clientId: 'bench-app',
      groupId: `bench-${Date.now()}`,
      topics: [topic],
      maxInFlightBatches: 8,
      maxWaitTimeMs: 50,
    }),
    sourceName: 'kafka',
    deadLetters: createMemoryDeadLetterSink(),
    metrics,
  });
  await app.start();
  const address = await app.server.listen({ host: '127.0.0.1', port: 0 });

  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let measuring = false;
  const client = new WebSocket(`${address.replace('http', 'ws')}/ws`);
  await new Promise<void>((resolve, reject) => {
    client.once('open', () => resolve());
    client.once('error', reject);
  });
  client.on('message', (data) => {
    const text = data.toString();
    // Cheap pre-filter: most frames carry no probe.
    if (!text.includes('probe-')) return;
    const message = JSON.parse(text) as { type: string; values?: Array<{ key: Record<string, string> }> };
    if (message.type !== 'indicators' || !message.values) return;
    const now = performance.now();
    for (const v of message.values) {
      const queue = v.key.queue;
      if (queue === undefined) continue;
      const at = sentAt.get(queue);
      if (at === undefined) continue;
      sentAt.delete(queue);
      if (measuring) latencies.push(now - at);
    }
  });

  let seq = 0;
  let probe = 0;
  let sendErrors = 0;
  const started = performance.now();
  const perTick = Math.round((LOAD_EVENTS_PER_S * TICK_MS) / 1000);
  const load = setInterval(() => {
    const now = Date.now();
    const messages = [];
    for (let i = 0; i < perTick; i++) {
      const queue = QUEUES[seq % QUEUES.length]!;
      const type = seq % 2 === 0 ? 'contact.queued' : 'contact.answered';
      const event = {
        id: `l${seq}`,
        type,
        ts: now,
        channel: 'voice',
        queue,
        contactId: `c${seq >> 1}`,
        waitMs: 5000,
      };
      messages.push({ key: queue, value: JSON.stringify(event) });
      seq++;
    }
    publisher.publish(topic, messages).catch(() => sendErrors++);
  }, TICK_MS);
  const probes = setInterval(() => {
    const queue = `probe-${probe++}`;
    const event = {
      id: queue,
      type: 'contact.queued',
      ts: Date.now(),
      channel: 'voice',
      queue,
      contactId: queue,
    };
    sentAt.set(queue, performance.now());
    publisher.publish(topic, [{ key: queue, value: JSON.stringify(event) }]).catch(() => sendErrors++);
  }, PROBE_EVERY_MS);

  await new Promise((r) => setTimeout(r, WARMUP_S * 1000));
  measuring = true;
  const probesBefore = probe;
  await new Promise((r) => setTimeout(r, MEASURE_S * 1000));
  measuring = false;
  const probesSent = probe - probesBefore;
  clearInterval(load);
  clearInterval(probes);
  const elapsedS = (performance.now() - started) / 1000;

  client.close();
  await app.stop();
  metrics.close();
  await publisher.close();
  await admin.deleteTopics({ topics: [topic] }).catch(() => {});
  await admin.disconnect();
  await releaseLease(lease);

  const sorted = [...latencies].sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 10) / 10;
  return [
    {
      name: 'e2e-latency',
      value: sorted.length ? round(percentile(sorted, 99)) : -1,
      unit: 'ms',
      p50: sorted.length ? round(percentile(sorted, 50)) : -1,
      max: sorted.length ? round(sorted[sorted.length - 1]!) : -1,
      target: 1500,
      probesSent,
      probesMatched: latencies.length,
      loadEventsPerS: Math.round(seq / elapsedS),
      sendErrors,
      earlyFiringMs: pipeline.earlyFiringIntervalMs,
    },
  ];
}
