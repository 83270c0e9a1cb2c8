/**
 * The bridge from instrumentation events to prom-client. The only place that knows metric names.
 * Metric names follow cxpulse_<subsystem>_<name>_<unit>; counters end in _total.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { subscribe } from './instrumentation.js';

export interface Metrics {
  registry: Registry;
  /** Unsubscribes from instrumentation; call on shutdown (and in tests). */
  close(): void;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'cxpulse_' });

  const eventsConsumed = new Counter({
    name: 'cxpulse_source_events_total',
    help: 'Events decoded and validated, by event type and source.',
    labelNames: ['source', 'type'],
    registers: [registry],
  });
  const deadLettered = new Counter({
    name: 'cxpulse_source_dead_letters_total',
    help: 'Messages sent to the dead-letter topic, by reason and source.',
    labelNames: ['source', 'reason'],
    registers: [registry],
  });
  const batches = new Counter({
    name: 'cxpulse_source_kafka_batches_total',
    help: 'Batches fetched from Kafka and handed downstream.',
    registers: [registry],
  });
  const lag = new Gauge({
    name: 'cxpulse_source_kafka_consumer_lag_messages',
    help: 'Messages behind the newest offset, per topic and partition, at the last fetched batch.',
    labelNames: ['topic', 'partition'],
    registers: [registry],
  });
  const paused = new Gauge({
    name: 'cxpulse_source_kafka_paused',
    help: '1 while fetching is paused because downstream has not acknowledged enough batches.',
    registers: [registry],
  });
  const commits = new Counter({
    name: 'cxpulse_source_kafka_commits_total',
    help: 'Offset commits sent to Kafka.',
    registers: [registry],
  });
  const commitFailures = new Counter({
    name: 'cxpulse_source_kafka_commit_failures_total',
    help: 'Offset commits that failed (e.g. lost in a rebalance; the batches are re-read).',
    registers: [registry],
  });
  const crashes = new Counter({
    name: 'cxpulse_source_kafka_crashes_total',
    help: 'Consumer crashes reported by the Kafka client.',
    registers: [registry],
  });
  const deadLetterFailures = new Counter({
    name: 'cxpulse_sink_kafka_dead_letter_failures_total',
    help: 'Failed attempts to publish dead letters (retried; the batch is not acknowledged until they succeed).',
    registers: [registry],
  });
  const pipelineValues = new Counter({
    name: 'cxpulse_pipeline_values_total',
    help: 'Indicator values emitted by a pipeline.',
    labelNames: ['pipeline'],
    registers: [registry],
  });
  const pipelineRejected = new Counter({
    name: 'cxpulse_pipeline_rejected_total',
    help: 'Events a pipeline could not place in a window, by reason (too-late, cardinality).',
    labelNames: ['pipeline', 'reason'],
    registers: [registry],
  });

  const unsubscribers = [
    subscribe('events.decoded', ({ source, byType }) => {
      for (const type in byType) eventsConsumed.inc({ source, type }, byType[type]);
    }),
    subscribe('events.dead_lettered', ({ source, byReason }) => {
      for (const reason in byReason) deadLettered.inc({ source, reason }, byReason[reason]);
    }),
    subscribe('source.kafka.batch', (b) => {
      batches.inc();
      lag.set({ topic: b.topic, partition: String(b.partition) }, b.lag);
    }),
    subscribe('source.kafka.paused', () => paused.set(1)),
    subscribe('source.kafka.resumed', () => paused.set(0)),
    subscribe('source.kafka.commit', () => commits.inc()),
    subscribe('source.kafka.commit_failed', () => commitFailures.inc()),
    subscribe('source.kafka.crash', () => crashes.inc()),
    subscribe('sink.kafka.dead_letter_failed', () => deadLetterFailures.inc()),
    subscribe('pipeline.values', ({ pipeline, values }) => pipelineValues.inc({ pipeline }, values)),
    subscribe('pipeline.rejected', ({ pipeline, reason, count }) =>
      pipelineRejected.inc({ pipeline, reason }, count),
    ),
  ];

  return {
    registry,
    close() {
      for (const unsubscribe of unsubscribers) unsubscribe();
    },
  };
}
