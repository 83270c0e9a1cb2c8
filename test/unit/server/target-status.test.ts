import { describe, expect, it } from 'vitest';
import { TargetResolver, targetStatus } from '../../../src/server/target-status.js';
import { contactCenter, value } from './fixtures.js';

describe('targetStatus', () => {
  const higher = { direction: 'higher-is-better', warn: 0.8, breach: 0.7 } as const;
  const lower = { direction: 'lower-is-better', warn: 30, breach: 60 } as const;

  it('judges higher-is-better values, thresholds inclusive', () => {
    expect([0.9, 0.8, 0.75, 0.7, 0.1].map((v) => targetStatus(v, higher))).toEqual([
      'ok',
      'warn',
      'warn',
      'breach',
      'breach',
    ]);
  });

  it('judges lower-is-better values, thresholds inclusive', () => {
    expect([10, 30, 45, 60, 600].map((v) => targetStatus(v, lower))).toEqual([
      'ok',
      'warn',
      'warn',
      'breach',
      'breach',
    ]);
  });

  it('has no status without a target or without a value', () => {
    expect(targetStatus(0.5, undefined)).toBeNull();
    expect(targetStatus(null, higher)).toBeNull();
    expect(targetStatus(Number.NaN, higher)).toBeNull();
  });
});

describe('TargetResolver', () => {
  const resolver = new TargetResolver([contactCenter]);

  it('uses the per-key override when the key matches, the pipeline target otherwise', () => {
    // 0.88 is fine for billing (warn 0.8) but a warning for vip (warn 0.9).
    expect(resolver.statusOf(value('billing/voice', 'service_level', 0.88))).toBe('ok');
    expect(resolver.statusOf(value('vip/voice', 'service_level', 0.88))).toBe('warn');
    expect(resolver.statusOf(value('vip/voice', 'service_level', 0.84))).toBe('breach');
    // Asked twice: the cached answer is the same.
    expect(resolver.statusOf(value('vip/voice', 'service_level', 0.84))).toBe('breach');
  });

  it('has no status for indicators without a target or unknown pipelines', () => {
    expect(resolver.statusOf(value('billing/voice', 'contacts_offered', 12))).toBeNull();
    expect(
      resolver.statusOf({ ...value('billing/voice', 'service_level', 0.1), pipeline: 'other' }),
    ).toBeNull();
  });
});
