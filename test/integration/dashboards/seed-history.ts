/**
 * Fills a ClickHouse database the way a running CX Pulse would: simulator events through every
 * pipeline in virtual time (as `cxpulse replay` does), then the events, the final values, a few
 * alerts and a few dead letters written by the real ClickHouse sink.
 */
import { Subject, VirtualTimeScheduler, merge } from 'rxjs';
import { loadPipelines } from '../../../src/config/pipeline-loader.js';
import { decodeBatch } from '../../../src/events/decode.js';
import type { CxEvent } from '../../../src/events/types.js';
import { createClickHouseSink } from '../../../src/sinks/clickhouse/clickhouse-sink.js';
import type { AlertRecord } from '../../../src/sinks/clickhouse/rows.js';
import { createSimulator } from '../../../src/sources/simulator/simulator.js';
import type { IndicatorValue } from '../../../src/windows/indicator-value.js';
import { pipelineIndicators } from '../../../src/windows/pipeline-indicators.js';

export interface SeedOptions {
  url: string;
  database: string;
  startTs: number;
  durationMs: number;
  seed?: number;
  rate?: number;
}

export interface SeedResult {
  events: number;
  values: number;
  alerts: number;
  deadLetters: number;
}

/** Every pipeline in `pipelines/` over the events; final values and corrections only. */
export async function runPipelines(events: readonly CxEvent[]): Promise<IndicatorValue[]> {
  const pipelines = loadPipelines('pipelines');
  const clock = new VirtualTimeScheduler();
  const events$ = new Subject<CxEvent[]>();
  const values: IndicatorValue[] = [];
  const done = new Promise<void>((resolve, reject) => {
    merge(...pipelines.map((p) => events$.pipe(pipelineIndicators(p, { scheduler: clock })))).subscribe({
      next: (batch) => {
        for (const v of batch) if (v.kind !== 'early') values.push(v);
      },
      error: reject,
      complete: resolve,
    });
  });
  // Kafka-sized batches, so the engine sees event time advance as it would live.
  for (let i = 0; i < events.length; i += 500) events$.next(events.slice(i, i + 500));
  events$.complete();
  await done;
  return values;
}

export function sampleAlerts(startTs: number): AlertRecord[] {
  const minute = 60_000;
  return [
    {
      id: 'a-sl-billing',
      rule: 'service-level-breach',
      severity: 'critical',
      state: 'firing',
      pipeline: 'contact-center',
      indicator: 'service_level',
      keyId: 'channel=voice,queue=billing/voice',
      labels: { channel: 'voice', queue: 'billing/voice' },
      summary: 'service level 0.62 below 0.7',
      value: 0.62,
      threshold: 0.7,
      startsAt: startTs + 5 * minute,
      updatedAt: startTs + 5 * minute,
    },
    // The same alert acknowledged: the newer change replaces the first row.
    {
      id: 'a-sl-billing',
      rule: 'service-level-breach',
      severity: 'critical',
      state: 'firing',
      pipeline: 'contact-center',
      indicator: 'service_level',
      keyId: 'channel=voice,queue=billing/voice',
      labels: { channel: 'voice', queue: 'billing/voice' },
      summary: 'service level 0.62 below 0.7',
      value: 0.62,
      threshold: 0.7,
      startsAt: startTs + 5 * minute,
      acknowledged: true,
      acknowledgedBy: 'supervisor',
      acknowledgedAt: startTs + 7 * minute,
      updatedAt: startTs + 7 * minute,
    },
    {
      id: 'a-tp-failures',
      rule: 'touchpoint-failures',
      severity: 'critical',
      state: 'resolved',
      pipeline: 'digital-journeys',
      indicator: 'touchpoint_failure_rate',
      keyId: 'journey=payment,touchpoint=app',
      labels: { journey: 'payment', touchpoint: 'app' },
      summary: 'touchpoint failure rate 0.09 above 0.05',
      value: 0.09,
      threshold: 0.05,
      startsAt: startTs + 3 * minute,
      endsAt: startTs + 9 * minute,
      updatedAt: startTs + 9 * minute,
    },
  ];
}

/** Writes simulated history into `database` (migrated first); resolves when every row is stored. */
export async function seedHistory(options: SeedOptions): Promise<SeedResult> {
  const { startTs, durationMs } = options;
  const events = createSimulator({
    seed: options.seed ?? 7,
    startTs,
    rate: options.rate ?? 60,
    seasonality: false,
  }).nextBatch(startTs + durationMs);
  const values = await runPipelines(events);
  const alerts = sampleAlerts(startTs);
  const broken = decodeBatch(
    [
      { value: Buffer.from('{not json'), offset: '1', partition: 0 },
      { value: Buffer.from('{"type":"contact.teleported","id":"x","ts":1}'), offset: '2', partition: 0 },
      {
        value: Buffer.from('{"type":"survey.response","id":"s","ts":1,"csat":9}'),
        offset: '3',
        partition: 1,
      },
    ],
    startTs + durationMs / 2,
    { topic: 'cx.events', maxPastMs: Infinity, maxFutureMs: Infinity },
  ).deadLetters;

  const sink = createClickHouseSink({
    url: options.url,
    database: options.database,
    secret: 'dashboards-test',
    retentionDays: 0,
  });
  try {
    await sink.migrate();
    await Promise.all([
      sink.writeEvents(events),
      sink.writeValues(values),
      sink.writeAlerts(alerts),
      sink.writeDeadLetters(broken),
    ]);
  } finally {
    await sink.close();
  }
  return { events: events.length, values: values.length, alerts: alerts.length, deadLetters: broken.length };
}
