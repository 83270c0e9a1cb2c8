/** proactive_notifications RowBinary: one row per notification, read back by its own column list. */
import { describe, expect, it } from 'vitest';
import {
  PROACTIVE_NOTIFICATION_COLUMNS,
  proactiveNotificationEncoder,
} from '../../../../src/sinks/clickhouse/proactive-notification-rows.js';
import { DAY, HOUR, T0, notification, pseudonymise } from '../../analytics/proactive/fixtures.js';
import { decodeRowBinary } from './row-binary-decoder.js';

describe('proactiveNotificationEncoder', () => {
  it('writes every field, a run-out never reached as NULL', () => {
    const body = proactiveNotificationEncoder.encode([
      { notification: notification(1), writtenAtMs: 5 },
      {
        notification: notification(2, { predictedRunOutTs: null, customer: '', series: '' }),
        writtenAtMs: 6,
      },
    ]);
    const rows = decodeRowBinary(body, PROACTIVE_NOTIFICATION_COLUMNS);
    expect(rows[0]).toEqual({
      id: 'pn-1',
      pipeline: 'proactive-care',
      entity_field: 'accountId',
      entity_pseudonym: pseudonymise('acc-1'),
      customer_pseudonym: pseudonymise('cu-1'),
      segment: 'prepaid',
      series: 'data-mb',
      remaining: 1840,
      predicted_usage: 1680,
      horizon_ms: 7 * DAY,
      margin: 0.1,
      predicted_run_out_ms: T0 + 185 * HOUR,
      run_out_probability: 0.25,
      usage_next_bucket: 240,
      bucket_ms: DAY,
      level: 239.5,
      trend: 0.5,
      residual_sd: 12.5,
      history_buckets: 7,
      ts_ms: T0 + HOUR,
      cycle_start_ms: T0,
      written_at_ms: 5,
    });
    expect(rows[1]).toMatchObject({
      predicted_run_out_ms: null,
      customer_pseudonym: '',
      series: '',
      written_at_ms: 6,
    });
  });
});
