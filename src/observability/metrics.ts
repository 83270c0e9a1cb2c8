/**
 * The bridge from instrumentation events to prom-client. The only place that knows metric names.
 * Metric names follow cxpulse_<subsystem>_<name>_<unit>; counters end in _total.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
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

  const clickhouseInsertDuration = new Histogram({
    name: 'cxpulse_sink_clickhouse_insert_duration_seconds',
    help: 'Duration of successful ClickHouse batch inserts, by table.',
    labelNames: ['table'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const clickhouseRows = new Counter({
    name: 'cxpulse_sink_clickhouse_rows_total',
    help: 'Rows stored in ClickHouse, by table.',
    labelNames: ['table'],
    registers: [registry],
  });
  const clickhouseFailures = new Counter({
    name: 'cxpulse_sink_clickhouse_insert_failures_total',
    help: 'Failed ClickHouse insert attempts, by table (retriable ones are retried with the shared policy).',
    labelNames: ['table'],
    registers: [registry],
  });
  const clickhouseBuffered = new Gauge({
    name: 'cxpulse_sink_clickhouse_buffered_rows',
    help: 'Rows accepted by the ClickHouse writer and not yet stored, by table; writes wait when it reaches the bound.',
    labelNames: ['table'],
    registers: [registry],
  });
  const clickhouseBufferCapacity = new Gauge({
    name: 'cxpulse_sink_clickhouse_buffer_capacity_rows',
    help: 'Bound of the ClickHouse writer buffer, by table.',
    labelNames: ['table'],
    registers: [registry],
  });
  const clickhousePartitionsDropped = new Counter({
    name: 'cxpulse_sink_clickhouse_partitions_dropped_total',
    help: 'Daily partitions dropped by the retention job, by table.',
    labelNames: ['table'],
    registers: [registry],
  });

  const alertTransitions = new Counter({
    name: 'cxpulse_alerts_transitions_total',
    help: 'Alert lifecycle transitions, by pipeline, rule and change (pending, firing, resolved, cancelled, flapping, unsilenced).',
    labelNames: ['pipeline', 'rule', 'change'],
    registers: [registry],
  });
  const alertNotifications = new Counter({
    name: 'cxpulse_sink_alert_notifications_total',
    help: 'Alert transitions delivered, by notifier.',
    labelNames: ['notifier'],
    registers: [registry],
  });
  const alertNotificationFailures = new Counter({
    name: 'cxpulse_sink_alert_failures_total',
    help: 'Failed delivery attempts of alert notifications, by notifier and whether the batch was given up.',
    labelNames: ['notifier', 'final'],
    registers: [registry],
  });
  const alertNotificationsDropped = new Counter({
    name: 'cxpulse_sink_alert_dropped_total',
    help: "Alert transitions dropped (oldest first) because a notifier's queue was full.",
    labelNames: ['notifier'],
    registers: [registry],
  });
  const alertQueueSize = new Gauge({
    name: 'cxpulse_sink_alert_queue_transitions',
    help: 'Alert transitions waiting in a notifier queue.',
    labelNames: ['notifier'],
    registers: [registry],
  });

  const unsubscribers = [
    subscribe('alerts.transition', ({ pipeline, rule, change }) =>
      alertTransitions.inc({ pipeline, rule, change }),
    ),
    subscribe('sink.alert.sent', ({ notifier, count }) => alertNotifications.inc({ notifier }, count)),
    subscribe('sink.alert.failed', ({ notifier, final }) =>
      alertNotificationFailures.inc({ notifier, final: String(final) }),
    ),
    subscribe('sink.alert.dropped', ({ notifier, count }) =>
      alertNotificationsDropped.inc({ notifier }, count),
    ),
    subscribe('sink.alert.queue', ({ notifier, size }) => alertQueueSize.set({ notifier }, size)),
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
    subscribe('sink.clickhouse.insert', ({ table, rows, durationSeconds }) => {
      clickhouseInsertDuration.observe({ table }, durationSeconds);
      clickhouseRows.inc({ table }, rows);
    }),
    subscribe('sink.clickhouse.insert_failed', ({ table }) => clickhouseFailures.inc({ table })),
    subscribe('sink.clickhouse.buffer', ({ table, rows, capacity }) => {
      clickhouseBuffered.set({ table }, rows);
      clickhouseBufferCapacity.set({ table }, capacity);
    }),
    subscribe('sink.clickhouse.retention', ({ table, partitionsDropped }) =>
      clickhousePartitionsDropped.inc({ table }, partitionsDropped),
    ),
  ];

  return {
    registry,
    close() {
      for (const unsubscribe of unsubscribers) unsubscribe();
    },
  };
}
