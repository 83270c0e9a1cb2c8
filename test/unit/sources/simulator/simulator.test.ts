import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeEvent } from '../../../../src/events/decode.js';
import type { ContactEvent, CxEvent } from '../../../../src/events/types.js';
import { parseScenario } from '../../../../src/sources/simulator/scenario.js';
import { createSimulator, type SimulatorOptions } from '../../../../src/sources/simulator/simulator.js';

const START = Date.UTC(2026, 0, 5, 10, 0, 0); // a Monday, 10:00 UTC: business hours
const MIN = 60_000;

function run(options: SimulatorOptions, durationMs: number, stepMs = MIN): CxEvent[] {
  const sim = createSimulator({ startTs: START, ...options });
  const events: CxEvent[] = [];
  for (let t = START + stepMs; t < START + durationMs; t += stepMs) events.push(...sim.nextBatch(t));
  events.push(...sim.nextBatch(START + durationMs));
  return events;
}

function hashOf(events: readonly CxEvent[]): string {
  const h = createHash('sha256');
  for (const e of events) h.update(JSON.stringify(e));
  return h.digest('hex');
}

interface QueueStats {
  answered: number;
  abandoned: number;
  withinTarget: number;
  meanWaitMs: number;
}

function queueStats(events: readonly CxEvent[], queue?: string, fromTs = 0, toTs = Infinity): QueueStats {
  let answered = 0;
  let abandoned = 0;
  let withinTarget = 0;
  let waitSum = 0;
  for (const e of events) {
    if (e.ts < fromTs || e.ts >= toTs) continue;
    if (e.type !== 'contact.answered' && e.type !== 'contact.abandoned') continue;
    if (queue !== undefined && e.queue !== queue) continue;
    const wait = e.waitMs ?? 0;
    waitSum += wait;
    if (e.type === 'contact.answered') {
      answered++;
      if (wait <= 20_000) withinTarget++;
    } else abandoned++;
  }
  const handled = answered + abandoned;
  return { answered, abandoned, withinTarget, meanWaitMs: handled === 0 ? 0 : waitSum / handled };
}

const serviceLevel = (s: QueueStats): number => s.withinTarget / (s.answered + s.abandoned);

describe('createSimulator', () => {
  it('is deterministic: same seed and options give the same first events', () => {
    const a = run({ seed: 11, rate: 200 }, 3 * MIN).slice(0, 5000);
    const b = run({ seed: 11, rate: 200 }, 3 * MIN).slice(0, 5000);
    const c = run({ seed: 12, rate: 200 }, 3 * MIN).slice(0, 5000);
    expect(a.length).toBe(5000);
    expect(hashOf(a)).toBe(hashOf(b));
    expect(hashOf(a)).not.toBe(hashOf(c));
  });

  it('does not depend on how simulated time is cut into batches', () => {
    const coarse = run({ seed: 3, rate: 100 }, 2 * MIN, MIN);
    const fine = run({ seed: 3, rate: 100 }, 2 * MIN, 137);
    expect(fine.length).toBe(coarse.length);
    expect(hashOf(fine)).toBe(hashOf(coarse));
  });

  it('returns events ordered by ts, within the batch bounds, with unique ids', () => {
    const sim = createSimulator({ seed: 5, startTs: START, rate: 300 });
    const ids = new Set<string>();
    let last = START;
    for (let i = 1; i <= 30; i++) {
      const until = START + i * 2000;
      const batch = sim.nextBatch(until);
      for (const e of batch) {
        expect(e.ts).toBeGreaterThanOrEqual(last);
        expect(e.ts).toBeLessThan(until);
        expect(ids.has(e.id)).toBe(false);
        ids.add(e.id);
        last = e.ts;
      }
    }
    expect(ids.size).toBeGreaterThan(1000);
    expect(sim.now).toBe(START + 60_000);
  });

  it('produces only events the decoder accepts (JSON bytes through decodeEvent)', () => {
    const events = run({ seed: 8, rate: 200 }, 15 * MIN);
    const rejected: string[] = [];
    for (const e of events) {
      const result = decodeEvent(Buffer.from(JSON.stringify(e)), { now: e.ts });
      if (!result.ok) rejected.push(`${e.type}: ${result.reason} ${result.detail}`);
    }
    expect(rejected).toEqual([]);
    const types = new Set(events.map((e) => e.type));
    // Every event type of the contract shows up within 15 simulated minutes.
    expect([...types].sort()).toEqual(
      [
        'agent.state',
        'contact.abandoned',
        'contact.answered',
        'contact.ended',
        'contact.queued',
        'contact.transferred',
        'feedback.social',
        'survey.response',
        'touchpoint.event',
      ].sort(),
    );
  });

  it('follows the contact lifecycle: queued before answered/abandoned, answered before ended', () => {
    const events = run({ seed: 21, rate: 200 }, 15 * MIN);
    const queued = new Set<string>();
    const answered = new Set<string>();
    for (const e of events) {
      if (!e.type.startsWith('contact.')) continue;
      const c = e as ContactEvent;
      if (c.type === 'contact.queued') queued.add(c.contactId);
      if (c.type === 'contact.answered' || c.type === 'contact.abandoned') {
        expect(queued.has(c.contactId)).toBe(true);
        expect(c.waitMs).toBeGreaterThanOrEqual(0);
      }
      if (c.type === 'contact.answered') answered.add(c.contactId);
      if (c.type === 'contact.ended' || c.type === 'contact.transferred') {
        expect(answered.has(c.contactId)).toBe(true);
        expect(c.agentId).toBeDefined();
      }
      if (c.type === 'contact.transferred') expect(c.toQueue).toBeDefined();
    }
    expect(answered.size).toBeGreaterThan(100);
  });

  it('meets the requested rate (flat seasonality) within 15 %', () => {
    const rate = 400;
    const sim = createSimulator({ seed: 4, startTs: START, rate, seasonality: false });
    sim.nextBatch(START + 10 * MIN); // warm-up: contacts in progress
    const n = sim.nextBatch(START + 15 * MIN).length;
    expect(n / 300).toBeGreaterThan(rate * 0.85);
    expect(n / 300).toBeLessThan(rate * 1.15);
  });

  it('has repeat customers and a VIP segment near 10 %', () => {
    const events = run({ seed: 9, rate: 300, seasonality: false }, 20 * MIN);
    const contacts = events.filter((e): e is ContactEvent => e.type === 'contact.queued');
    const customers = contacts.map((c) => c.customerId);
    expect(new Set(customers).size).toBeLessThan(customers.length);
    const vipShare = contacts.filter((c) => c.segment === 'vip').length / contacts.length;
    expect(vipShare).toBeGreaterThan(0.05);
    expect(vipShare).toBeLessThan(0.15);
    expect(contacts.some((c) => c.queue === 'vip/voice' && c.segment === 'vip')).toBe(true);
  });

  it('answers the longest-waiting VIP contact of a queue before any standard one', () => {
    // VIP chat contacts stay on the chat queues (only voice has a VIP queue); understaffed, the
    // chat queues keep contacts waiting (no reserve pulled in), and the VIP lane is served first.
    const events = run(
      { seed: 4, rate: 300, seasonality: false, staffingFactor: 0.8, intradayReserve: 0 },
      30 * MIN,
    );
    const waits = { vip: [] as number[], standard: [] as number[] };
    for (const e of events) {
      if (e.type !== 'contact.answered' || e.channel !== 'chat') continue;
      (e.segment === 'vip' ? waits.vip : waits.standard).push(e.waitMs ?? 0);
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(waits.vip.length).toBeGreaterThan(50);
    expect(mean(waits.standard)).toBeGreaterThan(30_000);
    expect(mean(waits.vip)).toBeLessThan(mean(waits.standard) / 3);
  });

  it('staffs the VIP queue for its own target (85 % within 10 s), the others by the standard rule', () => {
    // The plan alone: real-time management would lift billing too.
    const events = run({ seed: 5, rate: 200, intradayReserve: 0 }, 60 * MIN);
    const within10s = (queue: string) => {
      let answered = 0;
      let fast = 0;
      for (const e of events) {
        if (e.type !== 'contact.answered' && e.type !== 'contact.abandoned') continue;
        if (e.queue !== queue || e.ts < START + 10 * MIN) continue;
        answered++;
        if (e.type === 'contact.answered' && (e.waitMs ?? 0) <= 10_000) fast++;
      }
      return fast / answered;
    };
    expect(within10s('vip/voice')).toBeGreaterThan(0.9);
    expect(within10s('billing/voice')).toBeLessThan(within10s('vip/voice'));
  });

  it('with fewer agents, mean wait and abandonment go up', () => {
    const full = queueStats(run({ seed: 2, rate: 200, seasonality: false }, 25 * MIN));
    const short = queueStats(run({ seed: 2, rate: 200, seasonality: false, staffingFactor: 0.85 }, 25 * MIN));
    expect(short.meanWaitMs).toBeGreaterThan(full.meanWaitMs * 3);
    expect(short.abandoned).toBeGreaterThan(full.abandoned * 3);
    expect(full.answered).toBeGreaterThan(1000);
  });

  it('real-time management pulls reserve agents onto a queue that builds, within its share', () => {
    const opts = { seed: 2, rate: 200, seasonality: false, staffingFactor: 0.85 } as const;
    const without = queueStats(run({ ...opts, intradayReserve: 0 }, 25 * MIN));
    const withReserve = queueStats(run(opts, 25 * MIN));
    // A plan 15 % short is what the default reserve covers: waits fall to a fraction.
    expect(withReserve.meanWaitMs).toBeLessThan(without.meanWaitMs / 3);
    expect(withReserve.abandoned).toBeLessThan(without.abandoned / 2);
    // Half the plan is far beyond it: the reserve softens an understaffed centre, it does not hide it.
    const full = queueStats(run({ seed: 2, rate: 200, seasonality: false }, 25 * MIN));
    const half = queueStats(run({ ...opts, staffingFactor: 0.5 }, 25 * MIN));
    expect(half.meanWaitMs).toBeGreaterThan(full.meanWaitMs * 10);
  });

  it('an understaffing incident collapses the service level of its queue only', () => {
    const scenario = parseScenario(
      {
        name: 'test',
        incidents: [
          { kind: 'understaffing', queues: ['billing/voice'], awayFraction: 0.5, from: '2m', to: '20m' },
        ],
      },
      'inline',
    );
    const base = run({ seed: 6, rate: 150 }, 20 * MIN);
    const hit = run({ seed: 6, rate: 150, scenario }, 20 * MIN);
    const window: [number, number] = [START + 5 * MIN, START + 20 * MIN];
    const baseSl = serviceLevel(queueStats(base, 'billing/voice', ...window));
    const hitSl = serviceLevel(queueStats(hit, 'billing/voice', ...window));
    expect(baseSl).toBeGreaterThan(0.8);
    expect(hitSl).toBeLessThan(0.3);
    // Before the incident both runs are the same world.
    expect(hashOf(hit.filter((e) => e.ts < START + 2 * MIN))).toBe(
      hashOf(base.filter((e) => e.ts < START + 2 * MIN)),
    );
    // Another team's queue is untouched.
    expect(serviceLevel(queueStats(hit, 'tech-support/voice', ...window))).toBeGreaterThan(0.8);
  });

  it('a touchpoint outage raises that touchpoint failure rate, a latency degradation its latency', () => {
    const scenario = parseScenario(
      {
        name: 'tp',
        incidents: [
          {
            kind: 'touchpoint-outage',
            touchpoint: 'payment-gateway',
            failureProbability: 0.5,
            from: 60,
            to: 300,
          },
          { kind: 'latency-degradation', touchpoint: 'login', multiplier: 10, from: 60, to: 300 },
        ],
      },
      'inline',
    );
    const events = run({ seed: 10, rate: 300, scenario }, 6 * MIN);
    const tp = (name: string, from: number, to: number) =>
      events.filter(
        (e) =>
          e.type === 'touchpoint.event' && e.touchpoint === name && e.ts >= START + from && e.ts < START + to,
      ) as Extract<CxEvent, { type: 'touchpoint.event' }>[];
    const failRate = (list: { outcome: string }[]) =>
      list.filter((e) => e.outcome === 'failure').length / list.length;
    const meanLatency = (list: { latencyMs: number }[]) =>
      list.reduce((s, e) => s + e.latencyMs, 0) / list.length;
    expect(failRate(tp('payment-gateway', 0, 60_000))).toBeLessThan(0.1);
    expect(failRate(tp('payment-gateway', 90_000, 300_000))).toBeGreaterThan(0.35);
    expect(tp('payment-gateway', 90_000, 300_000).every((e) => e.outcome !== 'failure' || e.errorCode)).toBe(
      true,
    );
    expect(meanLatency(tp('login', 90_000, 300_000))).toBeGreaterThan(
      5 * meanLatency(tp('login', 0, 60_000)),
    );
  });

  it('a social surge multiplies posts on its topic and shifts their sentiment', () => {
    const scenario = parseScenario(
      {
        name: 's',
        incidents: [
          {
            kind: 'social-surge',
            topic: 'payment-gateway',
            rateMultiplier: 5,
            sentimentShift: -0.6,
            from: '3m',
          },
        ],
      },
      'inline',
    );
    const events = run({ seed: 12, rate: 300, scenario, seasonality: false }, 6 * MIN);
    const posts = events.filter((e) => e.type === 'feedback.social');
    const before = posts.filter((e) => e.ts < START + 3 * MIN);
    const after = posts.filter((e) => e.ts >= START + 3 * MIN);
    expect(after.length).toBeGreaterThan(before.length * 3);
    const mean = (l: typeof posts) => l.reduce((s, e) => s + e.sentiment, 0) / l.length;
    expect(mean(after)).toBeLessThan(mean(before) - 0.2);
  });

  it('a silent feed stops the named types and queue, then resumes', () => {
    const scenario = parseScenario(
      {
        name: 'quiet',
        incidents: [
          { kind: 'silent-feed', eventTypes: ['survey.response'], from: '1m', to: '4m' },
          { kind: 'silent-feed', queue: 'sales/chat', from: '1m', to: '4m' },
        ],
      },
      'inline',
    );
    const events = run({ seed: 13, rate: 300, scenario }, 6 * MIN);
    const inWindow = events.filter((e) => e.ts >= START + MIN && e.ts < START + 4 * MIN);
    expect(inWindow.length).toBeGreaterThan(1000);
    expect(inWindow.filter((e) => e.type === 'survey.response')).toEqual([]);
    expect(inWindow.filter((e) => 'queue' in e && e.queue === 'sales/chat')).toEqual([]);
    const after = events.filter((e) => e.ts >= START + 4 * MIN);
    expect(after.some((e) => 'queue' in e && e.queue === 'sales/chat')).toBe(true);
  });

  it('survey scores are lower after long waits', () => {
    const scenario = parseScenario(
      {
        name: 'u',
        incidents: [{ kind: 'understaffing', queues: ['billing/voice'], awayFraction: 0.6, from: 0 }],
      },
      'inline',
    );
    const events = run({ seed: 14, rate: 150, scenario }, 45 * MIN);
    const surveys = events.filter((e) => e.type === 'survey.response' && e.contactId !== undefined);
    const csat = (queue: string) => {
      const l = surveys.filter((s) => s.type === 'survey.response' && s.queue === queue) as {
        csat?: number;
      }[];
      return l.reduce((s, e) => s + (e.csat ?? 0), 0) / l.length;
    };
    expect(csat('billing/voice')).toBeLessThan(csat('tech-support/voice') - 0.3);
  });
});
