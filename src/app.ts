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
import { InMemoryAlertStore, type AlertStore } from './server/alert-store.js';
import { registerLiveServer } from './server/live-server.js';
import type { DeadLetterSink } from './sinks/kafka/dead-letter-sink.js';
import { LatestValues } from './sinks/memory/latest-values.js';
import { ingest } from './sources/ingest.js';
import type { EventSource } from './sources/source-port.js';
import type { IndicatorValue, RejectedEvent } from './windows/indicator-value.js';
import { pipelineIndicators } from './windows/pipeline-indicators.js';

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
  /** Alerts for the API, the WebSocket and the wallboard; default an empty in-memory store. */
  alerts?: AlertStore;
}

export interface CxPulseApp {
  server: FastifyInstance;
  /** Newest value per pipeline, indicator, window and key. */
  latest: LatestValues;
  /** Every batch of indicator values the pipelines emit. */
  values$: Observable<IndicatorValue[]>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function buildApp(options: AppOptions): Promise<CxPulseApp> {
  const { config, pipelines, source, deadLetters } = options;
  const server = Fastify({ logger: options.logger ?? false });
  const latest = new LatestValues();
  let subscriptions: Subscription[] = [];
  let started = false;

  const events$ = new Subject<CxEvent[]>();
  const rejected: RejectedEvent[] = [];
  const values$ = merge(
    ...pipelines.map((pipeline) =>
      events$.pipe(
        pipelineIndicators(pipeline, {
          ...(options.scheduler ? { scheduler: options.scheduler } : {}),
          onRejected: (r) => rejected.push(r),
        }),
      ),
    ),
  ).pipe(share());

  await server.register(healthPlugin, {
    checks: {
      source: () => source.isReady(),
      pipelines: () => started && pipelines.length > 0,
    },
  });
  await server.register(metricsPlugin, { registry: options.metrics.registry });
  const alerts = options.alerts ?? new InMemoryAlertStore();
  await registerLiveServer(server, { config, pipelines, latest, values$, alerts });

  return {
    server,
    latest,
    values$,
    async start() {
      subscriptions = [
        values$.subscribe((values) => {
          latest.update(values);
          publish('pipeline.values', { pipeline: values[0]?.pipeline ?? '', values: values.length });
        }),
        source.batches$
          .pipe(
            ingest({ sourceName: options.sourceName, limits: config.events, deadLetters }),
            // The pipelines run synchronously inside next(): when it returns, every window holds the
            // batch's events. Events no window could take become dead letters before the ack.
            concatMap(async (batch) => {
              events$.next(batch.events);
              if (rejected.length > 0) {
                const letters = rejected.splice(0).map(toDeadLetter);
                countRejected(letters);
                await deadLetters.publish(letters);
              }
              batch.ack();
            }),
          )
          .subscribe({
            error: (error: unknown) => server.log.error({ err: error }, 'event stream failed'),
          }),
      ];
      await source.start();
      started = true;
    },
    async stop() {
      started = false;
      await source.stop();
      events$.complete();
      for (const s of subscriptions) s.unsubscribe();
      subscriptions = [];
      await deadLetters.close();
      await server.close();
    },
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
