/**
 * An incident end to end: the simulator understaffs a queue → events through real Kafka → the app's
 * pipeline and alert rule → the alert is in a real Alertmanager, on the WebSocket (the wallboard's
 * feed), in ClickHouse `alerts` and on the alerts topic; and it resolves once the incident is over.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { buildApp, type CxPulseApp } from '../../../src/app.js';
import { DEFAULT_CONFIG } from '../../../src/config/app-config.js';
import { parsePipelineYaml } from '../../../src/config/pipeline-loader.js';
import type { CxEvent } from '../../../src/events/types.js';
import { subscribe } from '../../../src/observability/instrumentation.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import { createAlertmanagerNotifier } from '../../../src/sinks/alertmanager/alertmanager-notifier.js';
import { createClickHouseSink } from '../../../src/sinks/clickhouse/clickhouse-sink.js';
import { createKafkaAlertPublisher } from '../../../src/sinks/kafka/alert-publisher.js';
import { createKafkaPublisher } from '../../../src/sinks/kafka/kafka-publisher.js';
import { createMemoryDeadLetterSink } from '../../../src/sinks/kafka/dead-letter-sink.js';
import { createKafkaSource, type KafkaSourceOptions } from '../../../src/sources/kafka/kafka-source.js';
import { partitionKey } from '../../../src/sources/simulator/event-publisher.js';
import { parseScenario } from '../../../src/sources/simulator/scenario.js';
import { createSimulator } from '../../../src/sources/simulator/simulator.js';
import { startAlertmanager } from '../../../scripts/lib/alertmanager-service.js';
import { createTestDatabase } from '../helpers/clickhouse.js';
import { createTestKafka, createTestTopic } from '../helpers/kafka.js';
import { uniqueName } from '../helpers/names.js';
import { clickhouseUrl, kafkaBrokers } from '../helpers/services.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => {});
});

const RULE = 'billing-voice-collapse';
const pipeline = parsePipelineYaml(
  `name: incident-check
source: { topics: [cx.events] }
keyBy: [queue, channel]
windows: [{ size: 1m }]
# The alert engine judges finals, not later corrections: the lateness covers the simulator's disorder.
lateness: 2m
indicators:
  - id: service_level
alerts:
  - { name: ${RULE}, type: threshold, indicator: service_level, window: 1m, below: 0.5, for: 2, resolve: { after: 2 } }
`,
  'incident-check.yaml',
);

describe('incident → alert, end to end', () => {
  it('raises the alert in Alertmanager, on the WebSocket, in ClickHouse and on the topic, then resolves it', async () => {
    const am = await startAlertmanager();
    cleanups.push(() => am.stop());
    const kafka = createTestKafka();
    // One partition: this test is about incident → alert. With several, a fetch can serve one
    // partition minutes ahead of the others (see docs/windows.md, Partitions and the watermark), and
    // the lagging queue's windows would close before its events arrive.
    const topic = await createTestTopic(kafka, { numPartitions: 1, prefix: 'events' });
    const alertsTopic = await createTestTopic(kafka, { prefix: 'alerts' });
    const db = await createTestDatabase();
    cleanups.push(() => db.drop());
    const publisher = await createKafkaPublisher({ brokers: kafkaBrokers(), clientId: 'incident-test' });
    cleanups.push(() => publisher.close());

    // Billing voice loses nearly all its agents from minute 2 to minute 12 of simulated time.
    const startTs = Math.floor((Date.now() - 60 * 60_000) / 60_000) * 60_000;
    const scenario = parseScenario(
      {
        name: 'incident',
        incidents: [
          { kind: 'understaffing', queues: ['billing/voice'], awayFraction: 0.95, from: '2m', to: '12m' },
        ],
      },
      'incident-scenario',
    );
    const simulator = createSimulator({ seed: 5, startTs, rate: 60, seasonality: false, scenario });
    const send = async (events: CxEvent[]) =>
      publisher.publish(
        topic,
        events.map((e) => ({ key: partitionKey(e), value: JSON.stringify(e) })),
      );

    const history = createClickHouseSink({
      url: clickhouseUrl(),
      database: db.database,
      secret: 'test',
      batch: { maxRows: 2000, maxAgeMs: 100 },
      onWarning: () => {},
    });
    await history.migrate();
    cleanups.push(() => history.close());
    const metrics = createMetrics({ defaultMetrics: false });
    cleanups.push(async () => metrics.close());
    const sourceOptions: KafkaSourceOptions = {
      brokers: kafkaBrokers(),
      clientId: 'incident-app',
      groupId: uniqueName('group'),
      topics: [topic],
      maxInFlightBatches: 4,
      fromBeginning: true,
    };
    const app: CxPulseApp = await buildApp({
      config: structuredClone(DEFAULT_CONFIG),
      pipelines: [pipeline],
      source: createKafkaSource(sourceOptions),
      sourceName: 'kafka',
      deadLetters: createMemoryDeadLetterSink(),
      metrics,
      history,
      alertNotifiers: [
        createAlertmanagerNotifier({ url: am.url }),
        createKafkaAlertPublisher(publisher, { topic: alertsTopic }),
      ],
    });
    cleanups.push(() => app.stop());
    await app.start();
    const address = await app.server.listen({ host: '127.0.0.1', port: 0 });

    const wsAlerts: Array<{ state: string; rule: string }> = [];
    const client = new WebSocket(`${address.replace('http', 'ws')}/ws`);
    cleanups.push(async () => client.close());
    client.on('message', (data) => {
      const message = JSON.parse(data.toString()) as {
        type: string;
        alert?: { state: string; rule: string };
      };
      if (message.type === 'alert' && message.alert) wsAlerts.push(message.alert);
    });
    await new Promise<void>((resolve, reject) => {
      client.once('open', () => resolve());
      client.once('error', reject);
    });

    let decoded = 0;
    const unsubscribe = subscribe('events.decoded', ({ byType }) => {
      for (const n of Object.values(byType)) decoded += n;
    });
    cleanups.push(async () => unsubscribe());
    let published = 0;
    const until = async (check: () => boolean | Promise<boolean>, what: string) => {
      // Generous: CI runs the unit and e2e projects beside this on two cores.
      for (let i = 0; i < 450; i++) {
        if (await check()) return;
        await sleep(100);
      }
      throw new Error(`timed out waiting for ${what}`);
    };

    // Phase 1: the first twelve simulated minutes, the incident under way.
    const during = simulator.nextBatch(startTs + 12 * 60_000);
    await send(during);
    published += during.length;
    await until(() => decoded >= published, 'phase 1 events');

    const firingInAm = async () => {
      const response = await fetch(`${am.url}/api/v2/alerts?filter=alertname%3D%22${RULE}%22&active=true`);
      const alerts = (await response.json()) as Array<{ labels: Record<string, string> }>;
      return alerts.some((a) => a.labels.queue === 'billing/voice');
    };
    await until(firingInAm, 'the alert in Alertmanager').catch(async (error: unknown) => {
      // What the app saw, so a failure here says which stage lost the alert.
      const state = {
        published,
        decoded,
        alerts: (await app.server.inject('/api/alerts')).json(),
        billingVoice: (
          (await app.server.inject('/api/indicators?indicator=service_level')).json() as {
            values: Array<{
              key: Record<string, string>;
              window: string;
              windowStart: number;
              value: unknown;
              kind: string;
            }>;
          }
        ).values
          .filter((v) => v.key.queue === 'billing/voice')
          .map((v) => [v.window, new Date(v.windowStart).toISOString(), v.value, v.kind]),
        inAm: await (await fetch(`${am.url}/api/v2/alerts`)).json(),
      };
      throw new Error(`${String(error)}\n${JSON.stringify(state, null, 1)}`);
    });
    await until(
      () => wsAlerts.some((a) => a.rule === RULE && a.state === 'firing'),
      'the alert on the WebSocket',
    );
    const apiAlerts = (await app.server.inject('/api/alerts')).json() as {
      alerts: Array<{ rule: string; state: string; key: Record<string, string> }>;
    };
    expect(
      apiAlerts.alerts.filter((a) => a.rule === RULE && a.state === 'firing').map((a) => a.key.queue),
    ).toContain('billing/voice');

    // Phase 2: twenty more minutes, staffing back from minute 12: the queue drains and the alert resolves.
    const after = simulator.nextBatch(startTs + 32 * 60_000);
    await send(after);
    published += after.length;
    await until(() => decoded >= published, 'phase 2 events');
    await until(async () => !(await firingInAm()), 'the alert to leave Alertmanager');
    await until(
      () => wsAlerts.some((a) => a.rule === RULE && a.state === 'resolved'),
      'the resolve on the WebSocket',
    );

    // ClickHouse `alerts` keeps every change; the newest row per alert id wins.
    await until(async () => {
      const rows = await db.client.query({
        query: `SELECT state FROM alerts FINAL WHERE rule = '${RULE}' AND key_id = 'channel=voice,queue=billing/voice'`,
        format: 'JSONEachRow',
      });
      const states = ((await rows.json()) as Array<{ state: string }>).map((r) => r.state);
      return states.includes('resolved');
    }, 'the resolved alert in ClickHouse');

    // The alerts topic carries the transitions in order for the alert's dedup key.
    const reader = kafka.consumer({ groupId: uniqueName('alerts-reader') });
    await reader.connect();
    cleanups.push(() => reader.disconnect());
    await reader.subscribe({ topic: alertsTopic, fromBeginning: true });
    const changes: string[] = [];
    void reader.run({
      eachMessage: async ({ message }) => {
        const t = JSON.parse(message.value!.toString()) as {
          change: string;
          alert: { rule: string; key: Record<string, string> };
        };
        if (t.alert.rule === RULE && t.alert.key.queue === 'billing/voice') changes.push(t.change);
      },
    });
    await until(() => changes.includes('resolved'), 'the resolve on the alerts topic');
    expect(changes.indexOf('firing')).toBeGreaterThanOrEqual(0);
    expect(changes.indexOf('firing')).toBeLessThan(changes.indexOf('resolved'));
  }, 240_000);
});
