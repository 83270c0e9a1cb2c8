import { describe, expect, it } from 'vitest';
import { AtRiskTracker } from '../../../../src/analytics/at-risk/at-risk-tracker.js';
import { workOrderId, type WorkOrder } from '../../../../src/analytics/at-risk/work-order.js';
import type { CxEvent } from '../../../../src/events/types.js';
import {
  DAY,
  HOUR,
  T0,
  contactEvent,
  pseudonymise,
  rules,
  socialEvent,
  surveyEvent,
  touchpointEvent,
} from './fixtures.js';

function run(events: CxEvent[], overrides: Parameters<typeof rules>[0] = {}, batchSize = events.length) {
  const tracker = new AtRiskTracker({ pipeline: 'at-risk', rules: rules(overrides), pseudonymise });
  const out: WorkOrder[] = [];
  for (let i = 0; i < events.length; i += Math.max(1, batchSize)) {
    tracker.processBatch(events.slice(i, i + Math.max(1, batchSize)), out);
  }
  return { tracker, out };
}

const abandon = (customer: string, ts: number, segment = 'vip', waitMs = 60_000) =>
  contactEvent('contact.abandoned', customer, ts, { segment, waitMs });

describe('AtRiskTracker', () => {
  it('raises one work order when a VIP abandons three times in a day, with its evidence and owner', () => {
    const events = [
      contactEvent('contact.queued', 'cu-1', T0 + HOUR),
      abandon('cu-1', T0 + HOUR + 300_000, 'vip', 300_000),
      contactEvent('contact.queued', 'cu-1', T0 + 5 * HOUR),
      abandon('cu-1', T0 + 5 * HOUR + 300_000, 'vip', 300_000),
      contactEvent('contact.queued', 'cu-1', T0 + 9 * HOUR),
      abandon('cu-1', T0 + 9 * HOUR + 300_000, 'vip', 300_000),
    ];
    const { out } = run(events);
    expect(out).toEqual([
      {
        id: workOrderId('at-risk', pseudonymise('cu-1'), 'abandons', T0),
        ts: T0 + 9 * HOUR + 300_000,
        pipeline: 'at-risk',
        customer: pseudonymise('cu-1'),
        segment: 'vip',
        cause: 'abandons',
        causes: ['abandons', 'longWaits'],
        threshold: 3,
        evidence: { abandons: 3, failedTouchpoints: 0, negativeAnswers: 0, longWaits: 3, repeatContacts: 2 },
        touchpoint: 'vip/voice',
        ownerTeam: 'vip-care',
        lookbackMs: DAY,
        periodStartMs: T0,
      },
    ]);
    expect(JSON.stringify(out)).not.toContain('"cu-1"');
  });

  it('holds the standard segment to its own, looser thresholds', () => {
    const three = [1, 2, 3].map((h) => abandon('cu-2', T0 + h * HOUR, 'standard'));
    expect(run(three).out).toEqual([]);
    const four = [...three, abandon('cu-2', T0 + 4 * HOUR, 'standard')];
    expect(run(four).out.map((w) => [w.cause, w.segment, w.threshold])).toEqual([
      ['abandons', 'standard', 4],
    ]);
  });

  it('gives a segment without rules of its own the default thresholds', () => {
    const events = [1, 2, 3, 4].map((h) => abandon('cu-3', T0 + h * HOUR, 'gold'));
    expect(run(events).out.map((w) => [w.segment, w.threshold, w.evidence.abandons])).toEqual([
      ['gold', 4, 4],
    ]);
  });

  it('takes the segment of an event without one from the customer’s earlier events', () => {
    const events: CxEvent[] = [abandon('cu-4', T0 + HOUR, 'vip'), abandon('cu-4', T0 + 2 * HOUR, 'vip')];
    const last = abandon('cu-4', T0 + 3 * HOUR);
    delete (last as { segment?: string }).segment;
    const { out } = run([...events, last]);
    expect(out.map((w) => [w.segment, w.threshold])).toEqual([['vip', 3]]);
  });

  it('raises each cause at most once per customer and dedup period, and again in the next period', () => {
    const events = [1, 2, 3, 4, 5].map((h) => abandon('cu-5', T0 + h * HOUR));
    expect(run(events).out).toHaveLength(1);
    // Next day: the lookback still holds some of yesterday, and new abandons cross again.
    const nextDay = [...events, ...[1, 2, 3].map((h) => abandon('cu-5', T0 + DAY + h * HOUR))];
    const out = run(nextDay).out;
    expect(out.map((w) => w.periodStartMs)).toEqual([T0, T0 + DAY]);
    expect(new Set(out.map((w) => w.id)).size).toBe(2);
  });

  it('raises a different cause of the same customer separately', () => {
    const events: CxEvent[] = [
      ...[1, 2, 3].map((h) => abandon('cu-6', T0 + h * HOUR)),
      surveyEvent('cu-6', T0 + 4 * HOUR, { csat: 1 }),
      surveyEvent('cu-6', T0 + 5 * HOUR, { nps: 3, queue: 'billing/voice' }),
    ];
    const out = run(events).out;
    expect(out.map((w) => [w.cause, w.touchpoint, w.ownerTeam])).toEqual([
      ['abandons', 'vip/voice', 'vip-care'],
      ['negativeAnswers', 'billing/voice', 'cx-operations'],
    ]);
  });

  it('counts failed touchpoints and routes them to the touchpoint’s owner', () => {
    const events: CxEvent[] = [
      touchpointEvent('cu-7', T0 + HOUR),
      touchpointEvent('cu-7', T0 + HOUR + 1, { outcome: 'success' }),
      touchpointEvent('cu-7', T0 + 2 * HOUR, { outcome: 'abandoned' }),
      touchpointEvent('cu-7', T0 + 3 * HOUR),
      touchpointEvent('cu-7', T0 + 4 * HOUR),
    ];
    const out = run(events).out;
    expect(out.map((w) => [w.cause, w.evidence.failedTouchpoints, w.ownerTeam])).toEqual([
      ['failedTouchpoints', 3, 'payments'],
    ]);
  });

  it('counts negative survey answers and negative social posts, not neutral ones', () => {
    const events: CxEvent[] = [
      surveyEvent('cu-8', T0 + HOUR, { csat: 3, nps: 5 }),
      socialEvent('cu-8', T0 + 2 * HOUR, -0.2),
      socialEvent('cu-8', T0 + 3 * HOUR, -0.9),
      surveyEvent('cu-8', T0 + 4 * HOUR, { csat: 2 }),
    ];
    const out = run(events).out;
    expect(out.map((w) => [w.cause, w.evidence.negativeAnswers])).toEqual([['negativeAnswers', 2]]);
  });

  it('counts a transferred contact (queued again under the same contact id) once', () => {
    const queued = (h: number, contactId: string) =>
      contactEvent('contact.queued', 'cu-9', T0 + h * HOUR, { contactId });
    const transfers = [queued(1, 'a'), queued(1.1, 'a'), queued(2, 'b'), queued(2.1, 'b'), queued(3, 'c')];
    expect(run(transfers).out).toEqual([]);
    const out = run([...transfers, queued(4, 'd')]).out;
    expect(out.map((w) => [w.cause, w.evidence.repeatContacts])).toEqual([['repeatContacts', 3]]);
  });

  it('counts long waits from answered and abandoned contacts at or over longWait', () => {
    const events = [
      contactEvent('contact.answered', 'cu-10', T0 + HOUR, { waitMs: 119_999 }),
      contactEvent('contact.answered', 'cu-10', T0 + 2 * HOUR, { waitMs: 120_000 }),
      contactEvent('contact.ended', 'cu-10', T0 + 2 * HOUR + 1, { waitMs: 500_000 }),
      contactEvent('contact.answered', 'cu-10', T0 + 3 * HOUR, { waitMs: 400_000 }),
      abandon('cu-10', T0 + 4 * HOUR, 'vip', 200_000),
    ];
    expect(run(events).out.map((w) => [w.cause, w.evidence.longWaits, w.evidence.abandons])).toEqual([
      ['longWaits', 3, 1],
    ]);
  });

  it('forgets bad experiences older than the lookback (in whole buckets)', () => {
    // Buckets are 4 h: at 24:00 the window is [00:00+4h … 28:00), so the 01:00 abandon has left it.
    const events = [
      abandon('cu-11', T0 + HOUR),
      abandon('cu-11', T0 + 2 * HOUR),
      abandon('cu-11', T0 + DAY + HOUR),
    ];
    expect(run(events).out).toEqual([]);
    // The 05:00 abandon is in bucket 04:00–08:00, still inside the lookback at 24:00–28:00.
    const kept = [
      abandon('cu-11', T0 + 5 * HOUR),
      abandon('cu-11', T0 + 6 * HOUR),
      abandon('cu-11', T0 + DAY + HOUR),
    ];
    expect(run(kept).out.map((w) => w.evidence.abandons)).toEqual([3]);
  });

  it('counts a late event’s customer over the lookback up to the stream’s newest event, not its own', () => {
    const std = (c: string, ts: number) => abandon(c, ts, 'standard');
    // Buckets of 4 h. Another customer moves the stream to 24:00; x's late 21:00 abandon is then
    // counted with 09:00 only: the 01:00 and 02:00 ones (bucket 00–04) have left the lookback.
    const events = [
      std('x', T0 + HOUR),
      std('x', T0 + 2 * HOUR),
      std('x', T0 + 9 * HOUR),
      std('y', T0 + DAY),
    ];
    expect(run([...events, std('x', T0 + 21 * HOUR)]).out).toEqual([]);
    expect(
      run([...events, std('x', T0 + 21 * HOUR), std('x', T0 + 22 * HOUR), std('x', T0 + 23 * HOUR)]).out.map(
        (w) => w.evidence.abandons,
      ),
    ).toEqual([4]);
  });

  it('ignores an event whose bucket already left the lookback', () => {
    const events = [
      abandon('cu-12', T0 + 2 * DAY),
      abandon('cu-12', T0 + 2 * DAY + HOUR),
      abandon('cu-12', T0 + HOUR), // two days late
    ];
    const { out, tracker } = run(events);
    expect(out).toEqual([]);
    expect(tracker.stats.tooLate).toBe(1);
  });

  it('expires idle customers by event time, so memory follows the customers active in the lookback', () => {
    const events: CxEvent[] = [];
    for (let c = 0; c < 1000; c++) events.push(abandon(`cu-old-${c}`, T0 + HOUR));
    events.push(abandon('cu-new', T0 + DAY + 5 * HOUR));
    const { tracker } = run(events, {}, 100);
    expect(tracker.size).toBe(1);
    expect(tracker.stats.expired).toBe(1000);
  });

  it('holds at most maxCustomers, forgetting the least recently active', () => {
    const events = [0, 1, 2, 3, 4].map((c) => abandon(`cu-cap-${c}`, T0 + HOUR + c));
    const { tracker } = run(events, { maxCustomers: 3 });
    expect(tracker.size).toBe(3);
    expect(tracker.stats.evictedForCapacity).toBe(2);
  });

  it('reuses the slots of expired customers: a week of day-long customers stays at one day’s size', () => {
    const tracker = new AtRiskTracker({ pipeline: 'at-risk', rules: rules(), pseudonymise });
    const out: WorkOrder[] = [];
    const sizes: number[] = [];
    for (let day = 0; day < 7; day++) {
      for (let h = 0; h < 24; h++) {
        const batch = [];
        for (let c = 0; c < 100; c++) batch.push(abandon(`cu-${day}-${h}-${c}`, T0 + day * DAY + h * HOUR));
        tracker.processBatch(batch, out);
      }
      sizes.push(tracker.size);
    }
    // One day of 2 400 customers, plus at most the bucket being cut.
    for (const size of sizes.slice(1)) expect(size).toBeLessThanOrEqual(2400);
    expect(out).toEqual([]);
  });

  it('gives the same work order id to the same customer, cause and period, whatever the time inside it', () => {
    const a = run([1, 2, 3].map((h) => abandon('cu-13', T0 + h * HOUR))).out[0]!;
    const b = run([10, 11, 12].map((h) => abandon('cu-13', T0 + h * HOUR))).out[0]!;
    expect(a.ts).not.toBe(b.ts);
    expect(a.id).toBe(b.id);
    expect(a.id).toMatch(/^wo-[0-9a-f]{32}$/);
  });

  it('never raises a cause its segment has no threshold for', () => {
    const events = [1, 2, 3, 4, 5, 6].map((h) => abandon('cu-14', T0 + h * HOUR, 'standard'));
    const out = run(events, { thresholds: { default: { negativeAnswers: 1 } } }).out;
    expect(out).toEqual([]);
  });
});
