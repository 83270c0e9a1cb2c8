/**
 * buildApp wires a source, the pipelines and the server together, but does not listen: main.ts
 * starts it, tests inject() into it. Everything it needs from outside comes in as a port.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import {
  Subject,
  concatMap,
  merge,
  share,
  type Observable,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';
import type { AppConfig } from './config/app-config.js';
import type { PipelineDefinition } from './config/pipeline-definition.js';
import type { DeadLetter } from './events/dead-letter.js';
import type { CxEvent } from './events/types.js';
import { publish } from './observability/instrumentation.js';
import type { Metrics } from './observability/metrics.js';
import { healthPlugin } from './server/health.js';
import { metricsPlugin } from './server/metrics.js';
import type { AlertStore } from './server/alert-store.js';
import type { AlertTransition } from './alerts/alert.js';
import { createAlerting } from './alerts/create-alerting.js';
import type { AlertNotifier } from './alerts/notifier.js';
import type { ClickHouseSink } from './sinks/clickhouse/clickhouse-sink.js';
import type { AlertRecord } from './sinks/clickhouse/rows.js';
import { registerLiveServer } from './server/live-server.js';
import { WorkOrderFeed } from './server/work-order-feed.js';
import type { DeadLetterSink } from './sinks/kafka/dead-letter-sink.js';
import { LatestValues } from './sinks/memory/latest-values.js';
import { ingest } from './sources/ingest.js';
import type { EventSource } from './sources/source-port.js';
import type { IndicatorValue, RejectedEvent } from './windows/indicator-value.js';
import { pipelineIndicators } from './windows/pipeline-indicators.js';
import type { WindowEngine } from './windows/window-engine.js';
import { CommitGate } from './sources/commit-gate.js';
import { atRiskWorkOrders } from './analytics/at-risk/at-risk-work-orders.js';
import type { WorkOrder, WorkOrderSink } from './analytics/at-risk/work-order.js';
import type { Insight, InsightSink } from './analytics/insights/insight.js';
import { pipelineInsights } from './analytics/insights/pipeline-insights.js';
import { InsightFeed } from './server/insight-feed.js';
import { createPseudonymiser, randomPseudonymSecret } from './sinks/clickhouse/pseudonymiser.js';
import { proactiveNotifications } from './analytics/proactive/proactive-notifications.js';
import type {
  ProactiveNotification,
  ProactiveNotificationSink,
} from './analytics/proactive/proactive-notification.js';
import { ProactiveNotificationFeed } from './server/proactive-notification-feed.js';
import { tagRankings } from './analytics/tags/tag-rankings-operator.js';
import type { TagRanking } from './analytics/tags/tag-ranking.js';
import { TagRankingFeed } from './server/tag-ranking-feed.js';

export interface AppOptions {
  config: AppConfig;
  pipelines: PipelineDefinition[];
  source: EventSource;
  /** Metrics label of the source: `kafka`, `simulator`. */
  sourceName: string;
  deadLetters: DeadLetterSink;
  metrics: Metrics;
  /** fastify logger: false in tests, pino options in main. */
  logger?: boolean | Record<string, unknown>;
  scheduler?: SchedulerLike;
  /** Alerts for the API, the WebSocket and the wallboard; default the alert engine's own store. */
  alerts?: AlertStore;
  /** Where alert transitions go besides the store: Alertmanager, webhooks, the cx.alerts topic. */
  alertNotifiers?: AlertNotifier[];
  /**
   * History for Grafana (ClickHouse). When present, a source batch is acknowledged, and so its
   * offsets committed, only once its raw events are stored; values and alerts are written as they come.
   */
  history?: Pick<ClickHouseSink, 'writeEvents' | 'writeValues' | 'writeAlerts'> &
    Partial<Pick<ClickHouseSink, 'writeProactiveNotifications'>> &
    Partial<Pick<ClickHouseSink, 'writeWorkOrders' | 'writeInsights' | 'writeTagRankings'>>;
  /** Where the at-risk work orders of pipelines with an `atRisk:` section go besides the history (cx.workorders). */
  workOrderSinks?: WorkOrderSink[];
  /** Where the notifications of pipelines with a `proactiveCare:` section go besides the history (cx.notifications). */
  proactiveNotificationSinks?: ProactiveNotificationSink[];
  /** Where the insights of `channelDiversion:` and `driverAnalysis:` pipelines go besides the history (cx.insights). */
  insightSinks?: InsightSink[];
}

export interface CxPulseApp {
  server: FastifyInstance;
  /** Newest value per pipeline, indicator, window and key. */
  latest: LatestValues;
  /** Every batch of indicator values the pipelines emit. */
  values$: Observable<IndicatorValue[]>;
  /** Every alert transition (pending, firing, resolved, …) the alert rules produce. */
  alertTransitions$: Observable<AlertTransition[]>;
  /** Every batch of work orders the `atRisk:` sections raise (docs/analytics.md). */
  workOrders$: Observable<WorkOrder[]>;
  /** Every batch of proactive notifications the `proactiveCare:` sections raise (docs/analytics.md). */
  proactiveNotifications$: Observable<ProactiveNotification[]>;
  /** Every batch of insights: diversion suggestions, driver reports (docs/analytics.md). */
  insights$: Observable<Insight[]>;
  /** Every batch of tag rankings (early and final) the `tagRankings:` sections emit (docs/analytics.md). */
  tagRankings$: Observable<TagRanking[]>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function buildApp(options: AppOptions): Promise<CxPulseApp> {
  const { config, pipelines, source, deadLetters, history } = options;
  const server = Fastify({
    logger: options.logger ?? false,
    // Unknown fields in a request body are an error the client should hear about, not silently
    // dropped (fastify's default strips them).
    ajv: { customOptions: { removeAdditional: false } },
  });
  const logWriteError = (what: string) => (error: unknown) =>
    server.log.error({ err: error }, `cannot store ${what} in ClickHouse`);
  const latest = new LatestValues();
  let subscriptions: Subscription[] = [];
  let ingestSubscription: Subscription | undefined;
  let started = false;

  const events$ = new Subject<CxEvent[]>();
  const rejected: RejectedEvent[] = [];
  const engines: Array<WindowEngine | undefined> = pipelines.map(() => undefined);
  const values$ = merge(
    ...pipelines.map((pipeline, index) =>
      events$.pipe(
        pipelineIndicators(pipeline, {
          ...(options.scheduler ? { scheduler: options.scheduler } : {}),
          onRejected: (r) => rejected.push(r),
          onEngine: (engine) => (engines[index] = engine),
        }),
      ),
    ),
  ).pipe(share());
  // Pseudonyms with the ClickHouse sink's key, so work orders join with the stored interactions.
  const pseudonymise = createPseudonymiser(config.clickhouse.pseudonymSecret || randomPseudonymSecret());
  const workOrders$ = merge(
    ...pipelines.flatMap((p) =>
      p.atRisk
        ? [
            events$.pipe(
              atRiskWorkOrders({
                pipeline: p.name,
                rules: p.atRisk,
                pseudonymise,
                ...(p.source.eventTypes ? { eventTypes: p.source.eventTypes } : {}),
              }),
            ),
          ]
        : [],
    ),
  ).pipe(share());
  const workOrderSinks = options.workOrderSinks ?? [];
  const proactiveNotifications$ = merge(
    ...pipelines.flatMap((p) =>
      p.proactiveCare
        ? [
            events$.pipe(
              proactiveNotifications({
                pipeline: p.name,
                care: p.proactiveCare,
                pseudonymise,
                ...(p.source.eventTypes ? { eventTypes: p.source.eventTypes } : {}),
              }),
            ),
          ]
        : [],
    ),
  ).pipe(share());
  const proactiveNotificationSinks = options.proactiveNotificationSinks ?? [];
  // Diversion suggestions (from the values, through the staffing rule) and driver reports (from the events).
  const insights$ = pipelineInsights(pipelines, events$, values$).pipe(share());
  const insightSinks = options.insightSinks ?? [];
  const tagRankings$ = merge(
    ...pipelines.flatMap((p) =>
      p.tagRankings
        ? [
            events$.pipe(
              tagRankings({ pipeline: p, ...(options.scheduler ? { scheduler: options.scheduler } : {}) }),
            ),
          ]
        : [],
    ),
  ).pipe(share());

  await server.register(healthPlugin, {
    checks: {
      source: () => source.isReady(),
      pipelines: () => started && pipelines.length > 0,
    },
  });
  await server.register(metricsPlugin, { registry: options.metrics.registry });
  // Notifiers sit behind bounded queues inside alerting: a notifier that is down never blocks this.
  const alerting = createAlerting({
    pipelines,
    ...(options.scheduler ? { scheduler: options.scheduler } : {}),
    notifiers: options.alertNotifiers ?? [],
  });
  const alertTransitions$ = values$.pipe(alerting.operator, share());
  const alerts = options.alerts ?? alerting.store;

  // With a store, offsets wait for the stored finals of every window a batch fed (commit-gate.ts).
  const gate = history
    ? new CommitGate(
        pipelines.map((p) => ({
          name: p.name,
          windows: p.windows,
          ...(p.source.eventTypes ? { eventTypes: p.source.eventTypes } : {}),
        })),
      )
    : undefined;
  const valueWrites = new Set<Promise<void>>();
  /**
   * Once every value written so far is stored, the watermarks seen now are safe to commit behind.
   * Deferred to a microtask: an engine emits one watermark's finals in several arrays, synchronously,
   * and the snapshot must come after the last of them was handed to the store.
   */
  let advanceQueued = false;
  const advanceGate = (): void => {
    if (!gate || advanceQueued) return;
    advanceQueued = true;
    queueMicrotask(() => {
      advanceQueued = false;
      const watermarks = engines.map((e) => e?.watermark ?? -Infinity);
      void Promise.all([...valueWrites]).then(
        () => gate.advance(watermarks),
        () => {},
      );
    });
  };
  // The recent work orders the wallboard shows (`workOrder` messages, the snapshot, /api/work-orders).
  const recentWorkOrders = new WorkOrderFeed();
  const recentProactiveNotifications = new ProactiveNotificationFeed();
  const recentInsights = new InsightFeed();
  // The current tag rankings the wallboard shows (`tagRanking` messages, the snapshot, /api/tag-rankings).
  const currentTagRankings = new TagRankingFeed();
  await registerLiveServer(server, {
    config,
    pipelines,
    latest,
    values$,
    alerts,
    workOrders: recentWorkOrders,
    proactiveNotifications: recentProactiveNotifications,
    insights: recentInsights,
    tagRankings: currentTagRankings,
  });

  return {
    server,
    latest,
    values$,
    alertTransitions$,
    workOrders$,
    proactiveNotifications$,
    insights$,
    tagRankings$,
    async start() {
      subscriptions = [
        alertTransitions$.subscribe({
          error: (error: unknown) => server.log.error({ err: error }, 'alert engine failed'),
        }),
        values$.subscribe((values) => {
          latest.update(values);
          publish('pipeline.values', { pipeline: values[0]?.pipeline ?? '', values: values.length });
          if (history) {
            const write = history.writeValues(values);
            valueWrites.add(write);
            write.then(
              () => valueWrites.delete(write),
              // A failed write stays in the set: nothing after it is committed until a restart.
              logWriteError('indicator values'),
            );
            advanceGate();
          }
        }),
        workOrders$.subscribe({
          next: (orders) => {
            for (const o of orders) {
              server.log.info(
                { workOrder: { id: o.id, cause: o.cause, segment: o.segment, ownerTeam: o.ownerTeam } },
                'work order raised',
              );
            }
            recentWorkOrders.add(orders);
            history?.writeWorkOrders?.(orders).catch(logWriteError('work orders'));
            for (const sink of workOrderSinks) {
              sink
                .publish(orders)
                .catch((error: unknown) =>
                  server.log.error({ err: error, sink: sink.name }, 'cannot publish work orders'),
                );
            }
          },
          error: (error: unknown) => server.log.error({ err: error }, 'at-risk tracker failed'),
        }),
        proactiveNotifications$.subscribe({
          next: (notifications) => {
            for (const n of notifications) {
              server.log.info(
                {
                  proactiveNotification: {
                    id: n.id,
                    pipeline: n.pipeline,
                    series: n.series,
                    segment: n.segment,
                  },
                },
                'proactive notification raised',
              );
            }
            recentProactiveNotifications.add(notifications);
            history
              ?.writeProactiveNotifications?.(notifications)
              .catch(logWriteError('proactive notifications'));
            for (const sink of proactiveNotificationSinks) {
              sink
                .publish(notifications)
                .catch((error: unknown) =>
                  server.log.error({ err: error, sink: sink.name }, 'cannot publish proactive notifications'),
                );
            }
          },
          error: (error: unknown) => server.log.error({ err: error }, 'usage forecaster failed'),
        }),
        insights$.subscribe({
          next: (insights) => {
            for (const i of insights) {
              // A driver report comes every few minutes per score: not worth an info line each.
              server.log[i.state === 'report' ? 'debug' : 'info'](
                { insight: { id: i.id, kind: i.kind, key: i.key, state: i.state } },
                i.summary,
              );
            }
            recentInsights.add(insights);
            history?.writeInsights?.(insights).catch(logWriteError('insights'));
            for (const sink of insightSinks) {
              sink
                .publish(insights)
                .catch((error: unknown) =>
                  server.log.error({ err: error, sink: sink.name }, 'cannot publish insights'),
                );
            }
          },
          error: (error: unknown) => server.log.error({ err: error }, 'insights failed'),
        }),
        tagRankings$.subscribe({
          next: (rankings) => {
            currentTagRankings.add(rankings);
            history?.writeTagRankings?.(rankings).catch(logWriteError('tag rankings'));
          },
          error: (error: unknown) => server.log.error({ err: error }, 'tag rankings failed'),
        }),
        ...(history
          ? [
              alertTransitions$.subscribe((transitions) => {
                history.writeAlerts(transitions.map(toAlertRecord)).catch(logWriteError('alerts'));
              }),
            ]
          : []),
      ];
      ingestSubscription = source.batches$
        .pipe(
          ingest({ sourceName: options.sourceName, limits: config.events, deadLetters }),
          // The pipelines run synchronously inside next(): when it returns, every window holds the
          // batch's events. Events no window could take become dead letters before the ack.
          concatMap(async (batch) => {
            events$.next(batch.events);
            // Started before awaiting anything, so storing overlaps with the next batches; acks may
            // then come out of order, which the source's offset tracker allows for.
            const stored = history ? history.writeEvents(batch.events) : Promise.resolve();
            if (rejected.length > 0) {
              const letters = rejected.splice(0).map(toDeadLetter);
              countRejected(letters);
              await deadLetters.publish(letters);
            }
            const events = batch.events;
            stored.then(
              () => {
                if (!gate) return batch.ack();
                batch.release();
                gate.hold(events, batch.ack);
                advanceGate();
              },
              // Not acknowledged: its offsets stay uncommitted and the batch is read again after a restart.
              logWriteError('events'),
            );
          }),
        )
        .subscribe({
          error: (error: unknown) => server.log.error({ err: error }, 'event stream failed'),
        });
      await source.start();
      started = true;
    },
    async stop() {
      started = false;
      // No more batches; flush every open window as final, store it, then commit what it covers.
      ingestSubscription?.unsubscribe();
      events$.complete();
      await Promise.allSettled([...valueWrites]);
      if (valueWrites.size === 0) gate?.releaseAll();
      await source.stop();
      for (const s of subscriptions) s.unsubscribe();
      subscriptions = [];
      await alerting.close();
      await Promise.allSettled(workOrderSinks.map((sink) => sink.close()));
      await Promise.allSettled(proactiveNotificationSinks.map((sink) => sink.close()));
      await Promise.allSettled(insightSinks.map((sink) => sink.close()));
      await deadLetters.close();
      await server.close();
    },
  };
}

function toAlertRecord(t: AlertTransition): AlertRecord {
  const a = t.alert;
  return {
    id: a.id,
    rule: a.rule,
    severity: a.severity,
    state: a.status,
    pipeline: a.pipeline,
    indicator: a.indicator,
    keyId: a.keyId,
    labels: a.labels,
    ...(a.annotations.summary !== undefined ? { summary: a.annotations.summary } : {}),
    value: a.value,
    threshold: a.threshold ?? null,
    startsAt: a.startsAt,
    endsAt: a.endsAt ?? null,
    acknowledged: a.acknowledgedBy !== undefined,
    ...(a.acknowledgedBy !== undefined ? { acknowledgedBy: a.acknowledgedBy } : {}),
    acknowledgedAt: a.acknowledgedAt ?? null,
    updatedAt: t.at,
  };
}

function toDeadLetter(r: RejectedEvent): DeadLetter {
  return {
    reason: r.reason,
    detail: r.detail,
    // The raw bytes are gone by the time a window rejects an event; what identifies it is kept.
    originalBytes: Buffer.from(JSON.stringify({ id: r.eventId, ts: r.eventTs, pipeline: r.pipeline })),
    source: { topic: `pipeline:${r.pipeline}`, partition: -1, offset: '' },
    ts: Date.now(),
  };
}

function countRejected(letters: DeadLetter[]): void {
  const byPipeline = new Map<string, Map<string, number>>();
  for (const l of letters) {
    const perReason = byPipeline.get(l.source.topic) ?? new Map<string, number>();
    perReason.set(l.reason, (perReason.get(l.reason) ?? 0) + 1);
    byPipeline.set(l.source.topic, perReason);
  }
  for (const [topic, perReason] of byPipeline) {
    for (const [reason, count] of perReason) {
      publish('pipeline.rejected', { pipeline: topic.slice('pipeline:'.length), reason, count });
    }
  }
}
