/**
 * The forecaster against a brute-force computation of the rules in docs/analytics.md: every
 * accepted event of every series kept in a list, and at every event the series' buckets summed
 * again from the list and Holt's recursion (written out here, not imported) run from its first
 * complete bucket, the projection taken as a weighted sum over whole buckets. Random entities,
 * series, values (missing, invalid), balances (rises are top-ups), disorder, gaps, batch cuts,
 * horizons, margins, expiries and smoothing weights; the notifications must be the same.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ProactiveNotification } from '../../../../src/analytics/proactive/proactive-notification.js';
import { UsageForecaster } from '../../../../src/analytics/proactive/usage-forecaster.js';
import type { ProactiveCareDefinition } from '../../../../src/config/proactive-care-section.js';
import type { CxEvent } from '../../../../src/events/types.js';
import { care, pseudonymise } from './fixtures.js';

const B = 1000;

interface RefSeries {
  first: number;
  open: number;
  sums: Map<number, number>;
  balance: number;
  balanceTs: number;
  hasBalance: boolean;
  cycleStart: number;
  done: boolean;
}

interface Expected {
  ts: number;
  entity: string;
  series: string;
  remaining: number;
  predictedUsage: number;
  level: number;
  trend: number;
  historyBuckets: number;
  cycleStartTs: number;
}

function reference(batches: CxEvent[][], def: ProactiveCareDefinition): Expected[] {
  const idle = def.expireAfterMs / def.bucketMs;
  const h = def.horizonMs / def.bucketMs;
  const { level: alpha, trend: beta } = def.smoothing;
  const all = new Map<string, RefSeries>();
  const out: Expected[] = [];
  let watermark = -Infinity;
  for (const batch of batches) {
    for (const e of batch) {
      const bucket = Math.floor(e.ts / def.bucketMs);
      watermark = Math.max(watermark, bucket);
      const f = e as unknown as Record<string, unknown>;
      const entity = f[def.entityField];
      const v = f[def.valueField];
      const l = f[def.limitField];
      const value = typeof v === 'number' && v >= 0 && Number.isFinite(v) ? v : undefined;
      const limit = typeof l === 'number' && Number.isFinite(l) ? l : undefined;
      if (typeof entity !== 'string' || entity === '') continue;
      if (value === undefined && limit === undefined) continue;
      if (bucket <= watermark - idle) continue;
      const seriesValue = def.seriesField !== undefined ? f[def.seriesField] : undefined;
      const series = typeof seriesValue === 'string' ? seriesValue : '';
      const key = JSON.stringify([series, entity]);
      let s = all.get(key);
      if (s !== undefined && s.open <= watermark - idle) s = undefined;
      if (s === undefined) {
        s = {
          first: bucket,
          open: bucket,
          sums: new Map(),
          balance: 0,
          balanceTs: -Infinity,
          hasBalance: false,
          cycleStart: e.ts,
          done: false,
        };
        all.set(key, s);
      }
      if (bucket < s.open) continue;
      s.open = bucket;
      if (value !== undefined) s.sums.set(bucket, (s.sums.get(bucket) ?? 0) + value);
      if (limit !== undefined && e.ts >= s.balanceTs) {
        if (s.hasBalance && limit > s.balance) {
          s.cycleStart = e.ts;
          s.done = false;
        }
        s.hasBalance = true;
        s.balance = limit;
        s.balanceTs = e.ts;
      }
      if (!s.hasBalance || s.done) continue;
      if (s.balance <= 0) {
        s.done = true;
        continue;
      }
      const complete: number[] = [];
      for (let b = s.first + 1; b < s.open; b++) complete.push(s.sums.get(b) ?? 0);
      if (complete.length < def.minHistory) continue;
      let L = complete[0]!;
      let T = 0;
      for (const u of complete.slice(1)) {
        const p = L + T;
        const next = alpha * u + (1 - alpha) * p;
        T = beta * (next - L) + (1 - beta) * T;
        L = next;
      }
      const from = (e.ts - s.open * def.bucketMs) / def.bucketMs;
      let predicted = 0;
      for (let j = 1; j <= h + 1; j++) {
        const w = j === 1 ? 1 - from : j === h + 1 ? from : 1;
        predicted += Math.max(0, L + j * T) * w;
      }
      if (predicted * (1 + def.margin) < s.balance) continue;
      s.done = true;
      out.push({
        ts: e.ts,
        entity: pseudonymise(entity),
        series,
        remaining: s.balance,
        predictedUsage: predicted,
        level: L,
        trend: T,
        historyBuckets: complete.length,
        cycleStartTs: s.cycleStart,
      });
    }
  }
  return out;
}

const eventArb = fc.record({
  dt: fc.integer({ min: -2500, max: 1500 }),
  entity: fc.constantFrom('a', 'b', 'c', ''),
  metric: fc.constantFrom('data', 'credit', undefined),
  used: fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 0, max: 60 }) },
    { weight: 1, arbitrary: fc.constantFrom(undefined, -3, 'x') },
  ),
  // Mostly about what a few buckets use, sometimes far more (a top-up), sometimes none or ≤ 0.
  remaining: fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 1, max: 90 }) },
    { weight: 1, arbitrary: fc.integer({ min: 90, max: 400 }) },
    { weight: 1, arbitrary: fc.integer({ min: -20, max: 0 }) },
    { weight: 2, arbitrary: fc.constant(undefined) },
  ),
});

const defArb = fc.record({
  h: fc.integer({ min: 1, max: 6 }),
  idle: fc.integer({ min: 2, max: 12 }),
  minHistory: fc.integer({ min: 1, max: 4 }),
  margin: fc.double({ min: 0, max: 1, noNaN: true }),
  alpha: fc.double({ min: 0.05, max: 1, noNaN: true }),
  beta: fc.double({ min: 0.05, max: 1, noNaN: true }),
  split: fc.boolean(),
});

describe('UsageForecaster against a brute-force reference', () => {
  it('raises the same notifications, whatever the batches, disorder and gaps', () => {
    // What the random runs went through, so the comparison is known not to be vacuous.
    const seen = {
      notifications: 0,
      topUps: 0,
      tooLate: 0,
      restarted: 0,
      expired: 0,
      ranOut: 0,
      withTrend: 0,
    };
    fc.assert(
      fc.property(
        fc.array(eventArb, { minLength: 20, maxLength: 240, size: 'max' }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 0, max: 3 }),
        defArb,
        (specs, cuts, gapEvery, d) => {
          const def = care({
            bucketMs: B,
            horizonMs: d.h * B,
            expireAfterMs: d.idle * B,
            minHistory: d.minHistory,
            margin: d.margin,
            smoothing: { level: d.alpha, trend: d.beta },
            ...(d.split ? {} : { seriesField: undefined }),
          });
          // A clock that mostly moves forward, sometimes jumps (gaps), and events around it.
          let clock = 100 * B;
          const events: CxEvent[] = specs.map((s, i) => {
            clock += 400 + (gapEvery > 0 && i % (17 * gapEvery) === 16 ? d.idle * B : 0);
            const e: Record<string, unknown> = {
              id: `e${i}`,
              type: 'account.usage',
              ts: Math.max(0, clock + s.dt),
            };
            if (s.entity !== '') e.accountId = s.entity;
            if (s.metric !== undefined) e.metric = s.metric;
            if (s.used !== undefined) e.used = s.used;
            if (s.remaining !== undefined) e.remaining = s.remaining;
            return e as unknown as CxEvent;
          });
          const batches: CxEvent[][] = [];
          let at = 0;
          for (let c = 0; at < events.length; c++) {
            const n = cuts[c % cuts.length]!;
            batches.push(events.slice(at, at + n));
            at += n;
          }
          const forecaster = new UsageForecaster({ pipeline: 'p', care: def, pseudonymise });
          const got: ProactiveNotification[] = [];
          for (const batch of batches) forecaster.processBatch(batch, got);
          const want = reference(batches, def);
          seen.notifications += got.length;
          seen.topUps += forecaster.stats.topUps;
          seen.tooLate += forecaster.stats.tooLate;
          seen.restarted += forecaster.stats.restarted;
          seen.expired += forecaster.stats.expired;
          seen.ranOut += forecaster.stats.ranOutUnnotified;
          seen.withTrend += got.filter((n) => n.trend !== 0).length;
          expect(
            got.map((n) => [n.ts, n.entity, n.series, n.remaining, n.historyBuckets, n.cycleStartTs]),
          ).toEqual(
            want.map((n) => [n.ts, n.entity, n.series, n.remaining, n.historyBuckets, n.cycleStartTs]),
          );
          got.forEach((n, i) => {
            const w = want[i]!;
            const close = (a: number, b: number) =>
              expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(b)));
            close(n.predictedUsage, w.predictedUsage);
            close(n.level, w.level);
            close(n.trend, w.trend);
          });
        },
      ),
      { numRuns: 400 },
    );
    for (const [what, count] of Object.entries(seen)) expect(count, what).toBeGreaterThan(200);
  });
});
