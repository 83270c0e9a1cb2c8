/**
 * The forecaster's behaviour on hand-made accounts whose forecast has a closed form: when it
 * notifies, what the notification says, that it notifies once per cycle and again after a top-up,
 * what it ignores, and that idle series and the series cap keep memory bounded.
 */
import { describe, expect, it } from 'vitest';
import type { ProactiveNotification } from '../../../../src/analytics/proactive/proactive-notification.js';
import { proactiveNotificationId } from '../../../../src/analytics/proactive/proactive-notification.js';
import { UsageForecaster } from '../../../../src/analytics/proactive/usage-forecaster.js';
import type { CxEvent } from '../../../../src/events/types.js';
import { DAY, HOUR, T0, care, pseudonymise, steadyAccount, usage } from './fixtures.js';

function run(events: readonly CxEvent[], overrides = {}, batch = 50) {
  const forecaster = new UsageForecaster({ pipeline: 'proactive-care', care: care(overrides), pseudonymise });
  const out: ProactiveNotification[] = [];
  for (let i = 0; i < events.length; i += batch) forecaster.processBatch(events.slice(i, i + batch), out);
  return { forecaster, out };
}

describe('UsageForecaster', () => {
  it('notifies a steady account once, when a week of its use with the margin reaches its balance', () => {
    // 240 a day in hourly reports of 10 from 00:30, 4000 to start: it runs out at the 400th report.
    const events = steadyAccount('acc-1', T0, 17, 240, 4000).map((e) => ({
      ...e,
      customerId: 'cu-1',
      segment: 'prepaid',
    }));
    const { out, forecaster } = run(events);
    // Report i (from 0) leaves 4000 − 10 (i + 1); 7 × 240 × 1.1 = 1848 is first reached at i = 215.
    const ts = T0 + 215 * HOUR + HOUR / 2;
    const ranOutAt = T0 + 399 * HOUR + HOUR / 2;
    expect(out).toHaveLength(1);
    const n = out[0]!;
    expect(n).toMatchObject({
      id: proactiveNotificationId('proactive-care', pseudonymise('acc-1'), 'data-mb', T0 + HOUR / 2),
      ts,
      pipeline: 'proactive-care',
      entityField: 'accountId',
      entity: pseudonymise('acc-1'),
      customer: pseudonymise('cu-1'),
      segment: 'prepaid',
      series: 'data-mb',
      remaining: 1840,
      horizonMs: 7 * DAY,
      margin: 0.1,
      bucketMs: DAY,
      // Day 0 is the series' first (partial) bucket; days 1–7 are complete when day 8 is open.
      historyBuckets: 7,
      cycleStartTs: T0 + HOUR / 2,
      // The balance drops as expected, never more: no error, so no chance that a week uses 1840 (1680 < 1840).
      runOutProbability: 0,
    });
    expect(n.level).toBeCloseTo(240, 9);
    expect(n.trend).toBeCloseTo(0, 9);
    expect(n.residualSd).toBeCloseTo(0, 9);
    expect(n.usageNextBucket).toBeCloseTo(240, 9);
    expect(n.predictedUsage).toBeCloseTo(1680, 6);
    // 1840 ÷ 240 a day: 7 ⅔ days, 184 hours — exactly when the account does run out.
    expect(n.predictedRunOutTs).toBe(ranOutAt);
    expect(ranOutAt - n.ts).toBe(184 * HOUR);
    expect(forecaster.stats).toMatchObject({ notifications: 1, ranOutUnnotified: 0, topUps: 0 });
    expect(JSON.stringify(out)).not.toMatch(/acc-1|cu-1/);
  });

  it('needs minHistory complete buckets after the first, partial one', () => {
    // 2000 left after day 0: a week at 240 is over it from the start, so only the history holds it back.
    const events = steadyAccount('acc-1', T0 + 12 * HOUR, 6, 240, 1500);
    const { out } = run(events, { minHistory: 3 });
    // Day 0 (from noon) does not count; days 1, 2, 3 are complete at the first report of day 4.
    expect(out.map((n) => [n.ts, n.historyBuckets])).toEqual([[T0 + 4 * DAY + HOUR / 2, 3]]);
    expect(run(events, { minHistory: 1 }).out.map((n) => n.ts)).toEqual([T0 + 2 * DAY + HOUR / 2]);
  });

  it('is re-armed by a top-up: a new cycle, a new id, and it can notify again', () => {
    const first = steadyAccount('acc-1', T0, 9, 240, 4000);
    const toppedAt = T0 + 9 * DAY + 60_000;
    const topUp = usage('acc-1', toppedAt, 0, first.at(-1)!.remaining! + 3000, { topUp: 3000 });
    const after = steadyAccount('acc-1', T0 + 9 * DAY, 14, 240, topUp.remaining!);
    const { out, forecaster } = run([...first, topUp, ...after]);
    expect(out.map((n) => n.cycleStartTs)).toEqual([T0 + HOUR / 2, toppedAt]);
    expect(new Set(out.map((n) => n.id)).size).toBe(2);
    // Each cycle at its first balance of at most 1848 (7 × 240 × 1.1).
    expect(out.map((n) => n.remaining)).toEqual([1840, 1840]);
    expect(forecaster.stats.topUps).toBe(1);
  });

  it('does not notify an account that is out already; it counts it once per cycle', () => {
    // 700 is gone on day 2, before three complete days of history; the balance goes on falling below 0.
    const { out, forecaster } = run(steadyAccount('acc-1', T0, 5, 240, 700));
    expect(out).toEqual([]);
    expect(forecaster.stats.ranOutUnnotified).toBe(1);
  });

  it('ignores events it cannot read, and counts a late one without using its value or balance', () => {
    const events: CxEvent[] = [
      ...steadyAccount('acc-1', T0, 4, 240, 100_000),
      { ...usage('acc-1', T0 + 4 * DAY + HOUR, 10, 5), accountId: undefined } as unknown as CxEvent,
      {
        ...usage('acc-1', T0 + 4 * DAY + HOUR, 10, 5),
        used: undefined,
        remaining: undefined,
      } as unknown as CxEvent,
      // Day 1 is smoothed already: too late, and its small balance must not count.
      usage('acc-1', T0 + DAY + HOUR, 100_000, 5),
    ];
    const { out, forecaster } = run(events, {}, 1000);
    expect(out).toEqual([]);
    expect(forecaster.stats).toMatchObject({ skipped: 2, tooLate: 1, observed: 4 * 24 + 1 });
  });

  it('keeps one series per account and series value, or one per account without a series field', () => {
    const data = steadyAccount('acc-1', T0, 6, 240, 1500);
    const credit = steadyAccount('acc-1', T0, 6, 240, 1500).map((e) => ({ ...e, metric: 'credit' }));
    const both = [...data, ...credit].sort((a, b) => a.ts - b.ts);
    expect(run(both).out.map((n) => n.series)).toEqual(['data-mb', 'credit']);
    expect(run(both).forecaster.size).toBe(2);
    const single = run(both, { seriesField: undefined });
    expect(single.forecaster.size).toBe(1);
    expect(single.out.map((n) => n.series)).toEqual(['']);
  });

  it('forgets series idle for expireAfter, so memory follows the active accounts', () => {
    const wave = (day: number, prefix: string) =>
      Array.from({ length: 20_000 }, (_, i) => usage(`${prefix}${i}`, T0 + day * DAY + (i % 1000), 1, 100));
    const forecaster = new UsageForecaster({
      pipeline: 'p',
      care: care({ expireAfterMs: 30 * DAY }),
      pseudonymise,
    });
    const out: ProactiveNotification[] = [];
    forecaster.processBatch(wave(0, 'old-'), out);
    expect(forecaster.size).toBe(20_000);
    forecaster.processBatch(wave(29, 'mid-'), out);
    expect(forecaster.size).toBe(40_000);
    forecaster.processBatch(wave(30, 'new-'), out);
    expect(forecaster.size).toBe(40_000);
    expect(forecaster.stats.expired).toBe(20_000);
  });

  it('starts a series afresh after expireAfter without events, even before expiry freed it', () => {
    const events = [
      ...steadyAccount('acc-1', T0, 5, 240, 100_000),
      // Another account moves time on by the expiry in the same batch: acc-1 is over but still held.
      usage('acc-2', T0 + 40 * DAY, 1, 100),
      ...steadyAccount('acc-1', T0 + 40 * DAY, 5, 240, 1500),
    ];
    const { out, forecaster } = run(events, {}, 10_000);
    expect(forecaster.stats.restarted).toBe(1);
    // Its history restarted: day 40 is partial again, days 41–43 complete at the first report of day 44.
    expect(out.map((n) => [n.ts, n.historyBuckets, n.cycleStartTs])).toEqual([
      [T0 + 44 * DAY + HOUR / 2, 3, T0 + 40 * DAY + HOUR / 2],
    ]);
  });

  it('holds at most maxSeries, dropping the least recently active first', () => {
    const events = Array.from({ length: 150 }, (_, i) => usage(`acc-${i}`, T0 + i * 1000, 1, 100));
    const { forecaster } = run(events, { maxSeries: 100 });
    expect(forecaster.size).toBe(100);
    expect(forecaster.stats.evictedForCapacity).toBe(50);
  });
});
