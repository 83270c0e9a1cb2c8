import { describe, expect, it } from 'vitest';
import { retentionCutoff } from '../../../../src/sinks/clickhouse/retention.js';

describe('retentionCutoff', () => {
  it('is the UTC day retentionDays before now, as YYYYMMDD', () => {
    expect(retentionCutoff(Date.UTC(2025, 2, 10, 0, 30), 7)).toBe(20250303);
    expect(retentionCutoff(Date.UTC(2025, 0, 3, 23, 59), 5)).toBe(20241229);
    expect(retentionCutoff(Date.UTC(2024, 2, 1, 12), 1)).toBe(20240229);
  });
});
