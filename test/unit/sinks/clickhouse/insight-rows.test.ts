/** insights RowBinary: one row per insight, the details as JSON, read back by its own column list. */
import { describe, expect, it } from 'vitest';
import { INSIGHT_COLUMNS, insightEncoder } from '../../../../src/sinks/clickhouse/insight-rows.js';
import { diversion, driverReport, T0 } from '../../analytics/insights/fixtures.js';
import { decodeRowBinary } from './row-binary-decoder.js';

describe('insightEncoder', () => {
  it('writes the typed columns and the details as JSON', () => {
    const body = insightEncoder.encode([
      { insight: diversion(), writtenAtMs: 5 },
      { insight: driverReport({ value: null, subject: '' }), writtenAtMs: 6 },
    ]);
    const rows = decodeRowBinary(body, INSIGHT_COLUMNS);
    expect(rows[0]).toEqual({
      id: 'in-diversion-1',
      pipeline: 'channel-diversion',
      kind: 'channel-diversion',
      insight_key: 'billing/voice->billing/chat',
      state: 'suggested',
      ts_ms: T0 + 540_000,
      window_start_ms: T0 + 240_000,
      window_end_ms: T0 + 540_000,
      summary: diversion().summary,
      subject: 'billing/voice → billing/chat',
      value: 400,
      details: JSON.stringify(diversion().details),
      written_at_ms: 5,
    });
    expect(rows[1]).toMatchObject({ kind: 'driver-analysis', insight_key: 'csat', value: null, subject: '' });
    expect(JSON.parse(rows[1]!.details as string)).toEqual(driverReport().details);
  });
});
