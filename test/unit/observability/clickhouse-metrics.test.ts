import { afterEach, describe, expect, it } from 'vitest';
import { publish } from '../../../src/observability/instrumentation.js';
import { createMetrics, type Metrics } from '../../../src/observability/metrics.js';

let metrics: Metrics | undefined;
afterEach(() => {
  metrics?.close();
  metrics = undefined;
});

describe('ClickHouse sink metrics', () => {
  it('turns the sink instrumentation events into prometheus series by table', async () => {
    metrics = createMetrics({ defaultMetrics: false });
    publish('sink.clickhouse.insert', { table: 'interactions', rows: 10_000, durationSeconds: 0.2 });
    publish('sink.clickhouse.insert', { table: 'interactions', rows: 500, durationSeconds: 0.01 });
    publish('sink.clickhouse.insert_failed', {
      table: 'alerts',
      rows: 3,
      error: new Error('x'),
      retriable: true,
    });
    publish('sink.clickhouse.buffer', { table: 'interactions', rows: 1234, capacity: 100_000 });
    publish('sink.clickhouse.retention', { table: 'dead_letters', partitionsDropped: 2 });
    const text = await metrics.registry.metrics();
    expect(text).toContain('cxpulse_sink_clickhouse_rows_total{table="interactions"} 10500');
    expect(text).toContain('cxpulse_sink_clickhouse_insert_duration_seconds_count{table="interactions"} 2');
    expect(text).toContain(
      'cxpulse_sink_clickhouse_insert_duration_seconds_bucket{le="0.25",table="interactions"} 2',
    );
    expect(text).toContain('cxpulse_sink_clickhouse_insert_failures_total{table="alerts"} 1');
    expect(text).toContain('cxpulse_sink_clickhouse_buffered_rows{table="interactions"} 1234');
    expect(text).toContain('cxpulse_sink_clickhouse_buffer_capacity_rows{table="interactions"} 100000');
    expect(text).toContain('cxpulse_sink_clickhouse_partitions_dropped_total{table="dead_letters"} 2');
  });
});
