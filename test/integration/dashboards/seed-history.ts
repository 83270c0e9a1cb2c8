/**
 * Fills a ClickHouse database the way a running CX Pulse would: simulator events through every
 * pipeline in virtual time (as `cxpulse replay` does), then the events, the final values, a few
 * alerts, a few dead letters and the at-risk work orders written by the real ClickHouse sink. Two
 * scripted customers (a VIP and a standard one, each abandoning until their segment's threshold)
 * ride on the traffic so that work orders of two segments exist whatever the simulation raises.
 */
import { Subject, VirtualTimeScheduler, merge } from 'rxjs';
import { loadPipelines } from '../../../src/config/pipeline-loader.js';
import { decodeBatch } from '../../../src/events/decode.js';
import type { CxEvent } from '../../../src/events/types.js';
import { createClickHouseSink } from '../../../src/sinks/clickhouse/clickhouse-sink.js';
import type { AlertRecord } from '../../../src/sinks/clickhouse/rows.js';
import { atRiskWorkOrders } from '../../../src/analytics/at-risk/at-risk-work-orders.js';
import type { WorkOrder } from '../../../src/analytics/at-risk/work-order.js';
import type { ProactiveNotification } from '../../../src/analytics/proactive/proactive-notification.js';
import { proactiveNotifications } from '../../../src/analytics/proactive/proactive-notifications.js';
import { createPseudonymiser } from '../../../src/sinks/clickhouse/pseudonymiser.js';
import { parseScenario } from '../../../src/sources/simulator/scenario.js';
import { createScenarioSimulator } from '../../../src/sources/simulator/scripted-simulator.js';
import type { Insight } from '../../../src/analytics/insights/insight.js';
import { pipelineInsights } from '../../../src/analytics/insights/pipeline-insights.js';
import { loadPipelineFile } from '../../../src/config/pipeline-loader.js';
import { loadScenarioFile } from '../../../src/sources/simulator/scenario.js';
import type { IndicatorValue } from '../../../src/windows/indicator-value.js';
import { pipelineIndicators } from '../../../src/windows/pipeline-indicators.js';
import type { TagRanking } from '../../../src/analytics/tags/tag-ranking.js';
import { tagRankings } from '../../../src/analytics/tags/tag-rankings-operator.js';
import { replayInEventTime } from '../../support/event-time.js';

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
  workOrders: WorkOrder[];
  tagRankings: TagRanking[];
  insights: Insight[];
  proactiveNotifications: ProactiveNotification[];
}

/** The sink's pseudonymisation secret here, so work orders join with the stored interactions. */
const SECRET = 'dashboards-test';

/**
 * With pipelines/at-risk.yaml's thresholds (vip abandons 3, default 4), each customer's last
 * abandon raises one work order: the VIP's at 11 min, the standard customer's at 13 min.
 */
const scenario = parseScenario(
  {
    name: 'dashboards-at-risk',
    incidents: [
      {
        kind: 'customer-contacts',
        customer: 'cu-dashboards-vip',
        segment: 'vip',
        queue: 'vip/voice',
        contacts: 3,
        experience: 'bad',
        waitMs: 360_000,
        from: '1m',
        to: '7m',
      },
      {
        kind: 'customer-contacts',
        customer: 'cu-dashboards-standard',
        segment: 'standard',
        queue: 'billing/voice',
        contacts: 4,
        experience: 'bad',
        waitMs: 300_000,
        from: '2m',
        to: '10m',
      },
    ],
  },
  'dashboards-at-risk',
);

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

/** Every `tagRankings:` section in `pipelines/` over the events, in virtual time: finals only. */
export function rankTags(events: readonly CxEvent[]): TagRanking[] {
  const events$ = new Subject<CxEvent[]>();
  const out: TagRanking[] = [];
  for (const p of loadPipelines('pipelines')) {
    if (!p.tagRankings) continue;
    events$
      .pipe(tagRankings({ pipeline: p, scheduler: new VirtualTimeScheduler() }))
      .subscribe((batch) => out.push(...batch.filter((r) => r.kind === 'final')));
  }
  for (let i = 0; i < events.length; i += 500) events$.next(events.slice(i, i + 500));
  events$.complete();
  return out;
}

/** Every `atRisk:` section in `pipelines/` over the events, as buildApp runs them. */
export function raiseWorkOrders(events: readonly CxEvent[]): WorkOrder[] {
  const pseudonymise = createPseudonymiser(SECRET);
  const events$ = new Subject<CxEvent[]>();
  const orders: WorkOrder[] = [];
  for (const p of loadPipelines('pipelines')) {
    if (!p.atRisk) continue;
    events$
      .pipe(
        atRiskWorkOrders({
          pipeline: p.name,
          rules: p.atRisk,
          pseudonymise,
          ...(p.source.eventTypes ? { eventTypes: p.source.eventTypes } : {}),
        }),
      )
      .subscribe((batch) => orders.push(...batch));
  }
  for (let i = 0; i < events.length; i += 500) events$.next(events.slice(i, i + 500));
  events$.complete();
  return orders;
}

/**
 * Insights of the shipped scenarios over the same span: an overloaded voice queue beside an idle
 * chat queue (a diversion suggestion) and payment failures during a survey campaign (driver
 * reports, payment-gateway flagged). Their own simulations, so nothing else seeded changes; only
 * the insights are stored.
 */
export async function raiseInsights(startTs: number, durationMs: number): Promise<Insight[]> {
  const out: Insight[] = [];
  for (const [pipelineFile, scenarioFile] of [
    ['pipelines/channel-diversion.yaml', 'scenarios/voice-overload-idle-chat.yaml'],
    ['pipelines/driver-analysis.yaml', 'scenarios/payment-failures-drive-csat.yaml'],
  ] as const) {
    const pipeline = loadPipelineFile(pipelineFile);
    const simulator = createScenarioSimulator({
      seed: 1,
      startTs,
      rate: 30,
      seasonality: false,
      scenario: await loadScenarioFile(scenarioFile),
    });
    const clock = new VirtualTimeScheduler();
    clock.frame = startTs;
    const events$ = new Subject<CxEvent[]>();
    const values$ = new Subject<IndicatorValue[]>();
    pipelineInsights([pipeline], events$, values$).subscribe((batch) => out.push(...batch));
    events$.pipe(pipelineIndicators(pipeline, { scheduler: clock })).subscribe((v) => values$.next(v));
    // The staffing rule needs the live gauges: the clock moves with event time, a second at a time.
    replayInEventTime(simulator, clock, (batch) => events$.next(batch), {
      from: startTs,
      to: startTs + durationMs,
    });
  }
  return out;
}

/**
 * Proactive notifications of two prepaid accounts (a data allowance and a credit balance) whose
 * steady use, reported every 5 minutes for five days, reaches a week's forecast with its margin
 * 10 minutes into the span: with the shipped proactive-care pipeline each raises one notification
 * there. Their usage events are stored too (interactions keeps every event type).
 */
export function raiseProactiveNotifications(startTs: number): {
  events: CxEvent[];
  notifications: ProactiveNotification[];
} {
  const pipeline = loadPipelineFile('pipelines/proactive-care.yaml');
  const care = pipeline.proactiveCare!;
  const day = 86_400_000;
  const step = 5 * 60_000;
  const first = startTs - 5 * day;
  const crossAt = startTs + 10 * 60_000;
  const horizonDays = care.horizonMs / day;
  const events: CxEvent[] = [];
  for (const [account, metric, perDay] of [
    ['acc-dashboards-data', 'data-mb', 240],
    ['acc-dashboards-credit', 'credit', 3],
  ] as const) {
    const each = (perDay * step) / day;
    let remaining = perDay * horizonDays * (1 + care.margin) + (perDay * (crossAt - first)) / day;
    for (let ts = first; ts <= startTs + 20 * 60_000; ts += step) {
      remaining -= each;
      events.push({
        id: `${account}-${ts}`,
        type: 'account.usage',
        ts,
        segment: 'prepaid',
        accountId: account,
        customerId: `cu-${account}`,
        metric,
        used: each,
        remaining,
      });
    }
  }
  events.sort((a, b) => a.ts - b.ts);
  const notifications: ProactiveNotification[] = [];
  const events$ = new Subject<CxEvent[]>();
  events$
    .pipe(
      proactiveNotifications({
        pipeline: pipeline.name,
        care,
        pseudonymise: createPseudonymiser(SECRET),
        ...(pipeline.source.eventTypes ? { eventTypes: pipeline.source.eventTypes } : {}),
      }),
    )
    .subscribe((batch) => notifications.push(...batch));
  for (let i = 0; i < events.length; i += 500) events$.next(events.slice(i, i + 500));
  events$.complete();
  return { events, notifications };
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
  const events = createScenarioSimulator({
    seed: options.seed ?? 7,
    startTs,
    rate: options.rate ?? 60,
    seasonality: false,
    scenario,
  }).nextBatch(startTs + durationMs);
  const values = await runPipelines(events);
  const workOrders = raiseWorkOrders(events);
  const rankings = rankTags(events);
  const alerts = sampleAlerts(startTs);
  const insights = await raiseInsights(startTs, durationMs);
  const proactive = raiseProactiveNotifications(startTs);
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
    secret: SECRET,
    retentionDays: 0,
  });
  try {
    await sink.migrate();
    await Promise.all([
      sink.writeEvents(events),
      sink.writeValues(values),
      sink.writeAlerts(alerts),
      sink.writeDeadLetters(broken),
      sink.writeWorkOrders(workOrders),
      sink.writeTagRankings(rankings),
      sink.writeInsights(insights),
      sink.writeEvents(proactive.events),
      sink.writeProactiveNotifications(proactive.notifications),
    ]);
  } finally {
    await sink.close();
  }
  return {
    events: events.length,
    values: values.length,
    alerts: alerts.length,
    deadLetters: broken.length,
    workOrders,
    tagRankings: rankings,
    insights,
    proactiveNotifications: proactive.notifications,
  };
}
