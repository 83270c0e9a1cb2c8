/**
 * The tracker against a brute-force computation of the documented formula (docs/analytics.md):
 * every accepted event is kept in a list, and each count is recomputed from the whole list.
 * Random customers, segments, event types, batch cuts, bucket-sized disorder, sizes of lookback.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AtRiskTracker } from '../../../../src/analytics/at-risk/at-risk-tracker.js';
import { workOrderId, type WorkOrder } from '../../../../src/analytics/at-risk/work-order.js';
import {
  AT_RISK_CAUSES,
  type AtRiskCause,
  type AtRiskDefinition,
} from '../../../../src/config/pipeline-definition.js';
import type { CxEvent } from '../../../../src/events/types.js';
import { HOUR, T0, pseudonymise, rules } from './fixtures.js';

interface Accepted {
  customer: string;
  bucket: number;
  cause: AtRiskCause;
}

/** What each event adds, read straight from the formula. */
function causesOf(e: CxEvent, r: AtRiskDefinition): AtRiskCause[] {
  const x = e as CxEvent & Record<string, unknown>;
  const longWait = typeof x.waitMs === 'number' && x.waitMs >= r.longWaitMs;
  switch (e.type) {
    case 'contact.queued':
      return ['repeatContacts'];
    case 'contact.abandoned':
      return longWait ? ['abandons', 'longWaits'] : ['abandons'];
    case 'contact.answered':
      return longWait ? ['longWaits'] : [];
    case 'touchpoint.event':
      return e.outcome === 'failure' ? ['failedTouchpoints'] : [];
    case 'survey.response':
      return (e.csat !== undefined && e.csat <= r.negative.csatAtMost) ||
        (e.nps !== undefined && e.nps <= r.negative.npsAtMost)
        ? ['negativeAnswers']
        : [];
    case 'feedback.social':
      return e.sentiment <= r.negative.sentimentAtMost ? ['negativeAnswers'] : [];
    default:
      return [];
  }
}

function bruteForce(events: readonly CxEvent[], r: AtRiskDefinition): WorkOrder[] {
  const bucketMs = r.lookbackMs / r.buckets;
  const accepted: Accepted[] = [];
  const lastContact = new Map<string, string>();
  const segmentOf = new Map<string, string>();
  const raised = new Set<string>();
  const out: WorkOrder[] = [];
  let watermark = -Infinity;
  for (const e of events) {
    const bucket = Math.floor(e.ts / bucketMs);
    watermark = Math.max(watermark, bucket);
    const customer = (e as { customerId?: string }).customerId;
    if (customer === undefined) continue;
    let causes = causesOf(e, r);
    if (causes.length === 0 || bucket <= watermark - r.buckets) continue;
    if (e.segment !== undefined) segmentOf.set(customer, e.segment);
    const segment = segmentOf.get(customer) ?? 'default';
    if (e.type === 'contact.queued') {
      if (lastContact.get(customer) === e.contactId) causes = [];
      else lastContact.set(customer, e.contactId);
    }
    const count = (cause: AtRiskCause) => {
      const n = accepted.filter(
        (a) => a.customer === customer && a.cause === cause && a.bucket > watermark - r.buckets,
      ).length;
      return cause === 'repeatContacts' ? Math.max(0, n - 1) : n;
    };
    const threshold = (cause: AtRiskCause) =>
      r.thresholds[segment]?.[cause] ?? r.thresholds.default[cause] ?? Infinity;
    const period = Math.floor(e.ts / r.dedupWindowMs);
    const crossed: AtRiskCause[] = [];
    for (const cause of causes) {
      accepted.push({ customer, bucket, cause });
      if (count(cause) >= threshold(cause) && !raised.has(`${customer}|${cause}|${period}`))
        crossed.push(cause);
    }
    if (crossed.length === 0) continue;
    for (const cause of crossed) raised.add(`${customer}|${cause}|${period}`);
    const ordered = AT_RISK_CAUSES.filter((c) => crossed.includes(c));
    const cause = ordered[0]!;
    const touchpoint =
      (e as { touchpoint?: string }).touchpoint ??
      (e as { queue?: string }).queue ??
      (e as { channel?: string }).channel ??
      '';
    out.push({
      id: workOrderId('ref', pseudonymise(customer), cause, period * r.dedupWindowMs),
      ts: e.ts,
      pipeline: 'ref',
      customer: pseudonymise(customer),
      segment: e.segment ?? segmentOf.get(customer) ?? 'default',
      cause,
      causes: ordered,
      threshold: threshold(cause),
      evidence: Object.fromEntries(AT_RISK_CAUSES.map((c) => [c, count(c)])) as WorkOrder['evidence'],
      touchpoint,
      ownerTeam: r.owners[touchpoint] ?? r.owners.default,
      lookbackMs: r.lookbackMs,
      periodStartMs: period * r.dedupWindowMs,
    });
  }
  return out;
}

const CUSTOMERS = ['a', 'b', 'c', 'd', 'e', 'f'];
const SEGMENT_OF: Record<string, string> = {
  a: 'vip',
  b: 'vip',
  c: 'standard',
  d: 'standard',
  e: 'gold',
  f: 'vip',
};

/** One step of a customer's story; `at` is in hours from T0 before disorder. */
const stepArb = fc.record({
  customer: fc.constantFrom(...CUSTOMERS),
  hoursLater: fc.double({ min: 0, max: 2, noNaN: true }),
  // Mostly a little late; sometimes by more than a lookback (too late) or by part of one.
  disorderMinutes: fc.oneof(fc.integer({ min: -90, max: 0 }), fc.integer({ min: -1500, max: 0 })),
  kind: fc.constantFrom(
    'queued',
    'transfer',
    'abandoned',
    'answered',
    'failure',
    'success',
    'survey',
    'social',
    'agent',
  ),
  waitMs: fc.integer({ min: 0, max: 400_000 }),
  score: fc.integer({ min: 0, max: 10 }),
  sentiment: fc.double({ min: -1, max: 1, noNaN: true }),
  queue: fc.constantFrom('vip/voice', 'billing/voice', 'sales/chat'),
});

type Step = typeof stepArb extends fc.Arbitrary<infer S> ? S : never;

function toEvents(steps: readonly Step[]): CxEvent[] {
  let clock = T0;
  let seq = 0;
  const contactOf = new Map<string, string>();
  return steps.map((s): CxEvent => {
    clock += s.hoursLater * HOUR;
    const ts = Math.floor(clock + s.disorderMinutes * 60_000);
    const base = { id: `e${seq++}`, ts, customerId: s.customer, segment: SEGMENT_OF[s.customer]! };
    const contact = { ...base, channel: 'voice' as const, queue: s.queue };
    switch (s.kind) {
      case 'queued': {
        const contactId = `k${seq}`;
        contactOf.set(s.customer, contactId);
        return { ...contact, type: 'contact.queued', contactId };
      }
      case 'transfer':
        return { ...contact, type: 'contact.queued', contactId: contactOf.get(s.customer) ?? `k${seq}` };
      case 'abandoned':
        return { ...contact, type: 'contact.abandoned', contactId: `k${seq}`, waitMs: s.waitMs };
      case 'answered':
        return { ...contact, type: 'contact.answered', contactId: `k${seq}`, waitMs: s.waitMs };
      case 'failure':
      case 'success':
        return {
          ...base,
          type: 'touchpoint.event',
          journeyId: `j${seq}`,
          journey: 'payment',
          stage: 'pay',
          touchpoint: s.queue === 'vip/voice' ? 'payment-gateway' : 'login',
          outcome: s.kind,
          latencyMs: 100,
        };
      case 'survey':
        return { ...base, type: 'survey.response', csat: 1 + (s.score % 5), nps: s.score };
      case 'social':
        return { ...base, type: 'feedback.social', platform: 'x', sentiment: s.sentiment };
      default:
        return {
          id: `e${seq++}`,
          type: 'agent.state',
          ts,
          agentId: 'a1',
          team: 't',
          queues: [],
          state: 'busy',
        };
    }
  });
}

describe('AtRiskTracker against a brute-force computation', () => {
  it('raises exactly the work orders of the formula, whatever the batches, lookback and disorder', () => {
    fc.assert(
      fc.property(
        fc.array(stepArb, { minLength: 1, maxLength: 250 }),
        fc.constantFrom(1, 2, 3, 6),
        fc.constantFrom(6 * HOUR, 12 * HOUR, 24 * HOUR),
        // Short dedup periods raise often, so evidence is compared often.
        fc.constantFrom(HOUR, 6 * HOUR, 24 * HOUR, 48 * HOUR),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 10 }),
        (steps, buckets, lookbackMs, dedupWindowMs, cuts) => {
          const r = rules({
            lookbackMs,
            buckets,
            dedupWindowMs,
            thresholds: {
              default: {
                abandons: 3,
                failedTouchpoints: 3,
                negativeAnswers: 2,
                longWaits: 3,
                repeatContacts: 3,
              },
              vip: { abandons: 2, failedTouchpoints: 2, negativeAnswers: 1, longWaits: 2, repeatContacts: 2 },
              gold: { repeatContacts: 1 },
            },
          });
          const events = toEvents(steps);
          const tracker = new AtRiskTracker({ pipeline: 'ref', rules: r, pseudonymise });
          const out: WorkOrder[] = [];
          for (let i = 0, c = 0; i < events.length; c++) {
            const size = cuts[c % cuts.length]!;
            tracker.processBatch(events.slice(i, i + size), out);
            i += size;
          }
          expect(out).toEqual(bruteForce(events, r));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('finds work orders in the generated data at all (the comparison is not vacuous)', () => {
    const samples = fc.sample(fc.array(stepArb, { minLength: 100, maxLength: 250 }), {
      numRuns: 20,
      seed: 7,
    });
    const raised = samples.map((steps) => bruteForce(toEvents(steps), rules({ buckets: 6 })).length);
    expect(raised.filter((n) => n > 0).length).toBeGreaterThan(10);
  });
});
