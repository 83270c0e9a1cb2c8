/**
 * The driver analysis engine against a brute force on random event streams (fast-check): every
 * report's answers, links and per-touchpoint statistics recomputed from the raw events with the
 * definitions of docs/analytics.md (two-pass Pearson, group means, Fisher interval, impact), plus
 * its bounds: lateness, the per-customer ring, the customer cap, expiry and the touchpoint cap.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DriverAnalysisEngine } from '../../../../src/analytics/drivers/driver-analysis-engine.js';
import type { DriverAnalysisInsight } from '../../../../src/analytics/insights/insight.js';
import type { DriverAnalysisDefinition, SurveyScore } from '../../../../src/config/insight-sections.js';
import type { CxEvent, SurveyResponseEvent, TouchpointEvent } from '../../../../src/events/types.js';

const MIN = 60_000;
const LATENESS = 30_000;

function definition(overrides: Partial<DriverAnalysisDefinition> = {}): DriverAnalysisDefinition {
  return {
    window: '15m/5m',
    windowMs: 15 * MIN,
    everyMs: 5 * MIN,
    scores: ['csat', 'nps'],
    lookbackMs: 10 * MIN,
    failedOutcomes: ['failure', 'abandoned'],
    minAnswers: 4,
    minFailures: 1,
    confidence: 0.95,
    minImpact: 0,
    top: 1000,
    maxCustomers: 1_000_000,
    maxTouchpoints: 256,
    touchpointsPerCustomer: 255,
    ...overrides,
  };
}

let seq = 0;
function outcome(
  ts: number,
  customerId: string,
  touchpoint: string,
  result: TouchpointEvent['outcome'],
): TouchpointEvent {
  return {
    id: `t${seq++}`,
    type: 'touchpoint.event',
    ts,
    journeyId: `j-${customerId}`,
    journey: 'payment',
    stage: touchpoint,
    touchpoint,
    outcome: result,
    latencyMs: 100,
    customerId,
  };
}
function answer(
  ts: number,
  customerId: string | undefined,
  csat?: number,
  nps?: number,
): SurveyResponseEvent {
  return {
    id: `s${seq++}`,
    type: 'survey.response',
    ts,
    ...(customerId !== undefined ? { customerId } : {}),
    ...(csat !== undefined ? { csat } : {}),
    ...(nps !== undefined ? { nps } : {}),
  };
}

function run(events: readonly CxEvent[], def: DriverAnalysisDefinition, batchSizes: number[] = [50]) {
  const engine = new DriverAnalysisEngine({ pipeline: 'p', definition: def, allowedLatenessMs: LATENESS });
  const out: DriverAnalysisInsight[] = [];
  let i = 0;
  let b = 0;
  while (i < events.length) {
    const size = Math.max(1, batchSizes[b++ % batchSizes.length]!);
    engine.processBatch(events.slice(i, i + size), out);
    i += size;
  }
  return { engine, out };
}

interface Expected {
  boundary: number;
  score: SurveyScore;
  answers: number;
  linked: number;
  perTouchpoint: Map<string, Array<[number, number]>>;
}

/** Reports as the definition says, from the sorted events, by brute force. */
function bruteForce(events: readonly CxEvent[], def: DriverAnalysisDefinition): Expected[] {
  const reports: Expected[] = [];
  const failed = new Set<string>(def.failedOutcomes);
  const hops = def.windowMs / def.everyMs;
  const seen: CxEvent[] = [];
  let newest = -Infinity;
  let reported = NaN;
  const report = (boundary: number) => {
    for (const score of def.scores) {
      const answers = seen.filter(
        (e): e is SurveyResponseEvent =>
          e.type === 'survey.response' &&
          typeof e[score] === 'number' &&
          Math.floor(e.ts / def.everyMs) >= boundary - hops &&
          Math.floor(e.ts / def.everyMs) < boundary,
      );
      const perTouchpoint = new Map<string, Array<[number, number]>>();
      let linked = 0;
      for (const a of answers) {
        const visits = seen.filter(
          (e): e is TouchpointEvent =>
            e.type === 'touchpoint.event' &&
            a.customerId !== undefined &&
            e.customerId === a.customerId &&
            e.ts >= a.ts - def.lookbackMs &&
            e.ts <= a.ts &&
            seen.indexOf(e) < seen.indexOf(a),
        );
        const byTp = new Map<string, number>();
        for (const v of visits)
          byTp.set(v.touchpoint, Math.max(byTp.get(v.touchpoint) ?? 0, failed.has(v.outcome) ? 1 : 0));
        if (byTp.size > 0) linked++;
        for (const [tp, x] of byTp) {
          const list = perTouchpoint.get(tp) ?? [];
          list.push([x, a[score]!]);
          perTouchpoint.set(tp, list);
        }
      }
      reports.push({ boundary, score, answers: answers.length, linked, perTouchpoint });
    }
  };
  for (const e of events) {
    if (e.ts > newest) {
      newest = e.ts;
      const b = Math.floor((e.ts - LATENESS) / def.everyMs);
      if (Number.isNaN(reported)) reported = b;
      else if (b > reported) {
        reported = b;
        report(b);
      }
    }
    seen.push(e);
  }
  return reports;
}

function pearson(pairs: Array<[number, number]>) {
  const n = pairs.length;
  const mx = pairs.reduce((a, [x]) => a + x, 0) / n;
  const my = pairs.reduce((a, [, y]) => a + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (const [x, y] of pairs) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
    syy += (y - my) ** 2;
  }
  const f = pairs.filter(([x]) => x === 1).map(([, y]) => y);
  const o = pairs.filter(([x]) => x === 0).map(([, y]) => y);
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  return {
    r: sxy / Math.sqrt(sxx * syy),
    failures: f.length,
    meanFailed: mean(f),
    meanOk: mean(o),
    sxx,
    syy,
  };
}

const eventArb = fc
  .array(
    fc.oneof(
      fc.record({
        kind: fc.constant('tp' as const),
        ts: fc.integer({ min: 0, max: 60 * 60 }),
        customer: fc.integer({ min: 0, max: 5 }),
        touchpoint: fc.constantFrom('login', 'pay', 'bill', 'id'),
        outcome: fc.constantFrom('success', 'success', 'failure', 'abandoned') as fc.Arbitrary<
          TouchpointEvent['outcome']
        >,
      }),
      fc.record({
        kind: fc.constant('answer' as const),
        ts: fc.integer({ min: 0, max: 60 * 60 }),
        customer: fc.integer({ min: -1, max: 5 }),
        csat: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
        nps: fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }),
      }),
    ),
    { minLength: 1, maxLength: 300 },
  )
  .map((specs) =>
    specs
      .map((s): CxEvent =>
        s.kind === 'tp'
          ? outcome(s.ts * 1000, `c${s.customer}`, s.touchpoint, s.outcome)
          : answer(s.ts * 1000, s.customer < 0 ? undefined : `c${s.customer}`, s.csat, s.nps),
      )
      .sort((a, b) => a.ts - b.ts),
  );

describe('DriverAnalysisEngine', () => {
  it('reports what a brute force computes from the raw events (fast-check)', () => {
    const def = definition();
    fc.assert(
      fc.property(
        eventArb,
        fc.array(fc.integer({ min: 1, max: 80 }), { minLength: 1, maxLength: 5 }),
        (events, sizes) => {
          const { out } = run(events, def, sizes);
          const want = bruteForce(events, def);
          expect(out.map((i) => [i.windowEnd, i.key])).toEqual(
            want.map((w) => [w.boundary * def.everyMs, w.score]),
          );
          out.forEach((insight, k) => {
            const w = want[k]!;
            const d = insight.details;
            expect(insight.windowStart).toBe(insight.windowEnd - def.windowMs);
            expect(d.answers).toBe(w.answers);
            expect(d.linkedAnswers).toBe(w.linked);
            const estimable = [...w.perTouchpoint].filter(([, pairs]) => {
              if (pairs.length < def.minAnswers) return false;
              const p = pearson(pairs);
              return p.failures > 0 && p.failures < pairs.length && p.syy > 0;
            });
            expect(d.touchpointsTested).toBe(estimable.length);
            expect(new Set(d.drivers.map((e) => e.touchpoint))).toEqual(new Set(estimable.map(([tp]) => tp)));
            for (const [tp, pairs] of estimable) {
              const e = d.drivers.find((x) => x.touchpoint === tp)!;
              const p = pearson(pairs);
              expect(e.n).toBe(pairs.length);
              expect(e.failures).toBe(p.failures);
              expect(e.r).toBeCloseTo(p.r, 9);
              expect(e.meanScoreFailed).toBeCloseTo(p.meanFailed, 9);
              expect(e.meanScoreOk).toBeCloseTo(p.meanOk, 9);
              expect(e.effect).toBeCloseTo(p.meanFailed - p.meanOk, 9);
              expect(e.impact).toBeCloseTo((p.failures / w.answers) * (p.meanOk - p.meanFailed), 9);
            }
            // Ranked by impact, highest first.
            for (let j = 1; j < d.drivers.length; j++) {
              expect(d.drivers[j - 1]!.impact).toBeGreaterThanOrEqual(d.drivers[j]!.impact);
            }
            const alpha = (1 - def.confidence) / Math.max(1, estimable.length);
            for (const e of d.drivers) {
              expect(e.driver).toBe(
                e.pValue < alpha && e.effect < 0 && e.failures >= 1 && e.n - e.failures >= 1,
              );
            }
            expect(d.driverTouchpoints).toEqual(d.drivers.filter((e) => e.driver).map((e) => e.touchpoint));
          });
        },
      ),
      { numRuns: 150 },
    );
  });

  it('names a touchpoint whose failures lower the score a driver, with its interval and impact', () => {
    const def = definition({ minAnswers: 30, minFailures: 5, minImpact: 0.02 });
    const events: CxEvent[] = [];
    // 120 customers over 10 minutes: every fourth fails at `pay` and answers 2, the rest answer 4
    // or 5; `login` succeeds for everyone. Then time moves on so the window is reported.
    for (let c = 0; c < 120; c++) {
      const t = c * 5000;
      events.push(outcome(t, `c${c}`, 'login', 'success'));
      events.push(outcome(t + 1000, `c${c}`, 'pay', c % 4 === 0 ? 'failure' : 'success'));
      events.push(answer(t + 2000, `c${c}`, c % 4 === 0 ? 2 : 4 + (c % 2)));
    }
    events.push(answer(16 * MIN, undefined, 3));
    const { out } = run(events, def);
    const csat = out.filter((i) => i.key === 'csat').at(-1)!;
    expect(csat.details.driverTouchpoints).toEqual(['pay']);
    const pay = csat.details.drivers[0]!;
    expect(pay).toMatchObject({ touchpoint: 'pay', n: 120, failures: 30, meanScoreFailed: 2, driver: true });
    // The others answer 5, 4, 5 in turn.
    const meanOk = 14 / 3;
    expect(pay.meanScoreOk).toBeCloseTo(meanOk, 9);
    expect(pay.r).toBeLessThan(-0.9);
    expect(pay.rLow).toBeLessThan(pay.r);
    expect(pay.rHigh).toBeGreaterThan(pay.r);
    // The answer that moved time on falls in a later window: 120 answers.
    expect(pay.impact).toBeCloseTo((30 / 120) * (meanOk - 2), 9);
    expect(csat.subject).toBe('pay');
    expect(csat.summary).toMatch(
      /^CSAT is driven down most by pay now: answers after a failure there score 2\.7 lower/,
    );
    // login never failed: no correlation to estimate, so not ranked.
    expect(csat.details.drivers.map((d) => d.touchpoint)).toEqual(['pay']);
    // NPS was never given: an empty report.
    const nps = out.filter((i) => i.key === 'nps').at(-1)!;
    expect(nps.details).toMatchObject({ answers: 0, drivers: [], driverTouchpoints: [] });
    expect(nps.summary).toMatch(/^No touchpoint drives NPS significantly now \(0 answers/);
  });

  it('ignores an answer whose bucket left every window still to come, and counts it', () => {
    const def = definition();
    const events: CxEvent[] = [answer(0, 'c1', 5), answer(40 * MIN, 'c1', 5), answer(10 * MIN, 'c1', 1)];
    const { engine } = run(events, def, [1]);
    expect(engine.stats.tooLate).toBe(1);
    expect(engine.stats.answers).toBe(2);
  });

  it('keeps the newest outcomes per customer, expires idle customers and caps customers and touchpoints', () => {
    // Eight customers pass a (half of them failing), then b and c, then answer.
    const visits: CxEvent[] = [];
    for (let c = 0; c < 8; c++) {
      const t = c * 10_000;
      visits.push(outcome(t, `c${c}`, 'a', c % 2 === 0 ? 'failure' : 'success'));
      visits.push(outcome(t + 1000, `c${c}`, 'b', c % 3 === 0 ? 'failure' : 'success'));
      visits.push(outcome(t + 2000, `c${c}`, 'c', c % 4 === 0 ? 'failure' : 'success'));
      visits.push(answer(t + 3000, `c${c}`, 1 + (c % 5)));
    }
    visits.push(answer(20 * MIN, undefined, 1));
    const ranked = (perCustomer: number) =>
      run(visits, definition({ touchpointsPerCustomer: perCustomer }))
        .out.filter((i) => i.key === 'csat')
        .flatMap((i) => i.details.drivers.map((d) => d.touchpoint))
        .sort();
    // Three outcomes kept: a is linked; two kept: a has been pushed out of every customer's ring.
    expect(ranked(3)).toEqual(['a', 'b', 'c']);
    expect(ranked(2)).toEqual(['b', 'c']);

    const capped = run(
      [
        outcome(0, 'c1', 'a', 'failure'),
        outcome(1, 'c2', 'a', 'failure'),
        outcome(2, 'c3', 'a', 'success'),
        outcome(3, 'c3', 'b', 'success'),
      ],
      definition({ maxCustomers: 2, maxTouchpoints: 1 }),
    );
    expect(capped.engine.stats.customersEvicted).toBe(1);
    expect(capped.engine.stats.touchpointsDropped).toBe(1);
    expect(capped.engine.customerCount).toBe(2);

    const idle = run(
      [outcome(0, 'c1', 'a', 'failure'), outcome(11 * MIN + LATENESS + 1, 'c2', 'a', 'success')],
      definition(),
      [1],
    );
    expect(idle.engine.stats.customersExpired).toBe(1);
    expect(idle.engine.customerCount).toBe(1);
    // Buckets no window needs are dropped at each report.
    expect(idle.engine.bucketCount).toBeLessThanOrEqual(3);
  });
});
