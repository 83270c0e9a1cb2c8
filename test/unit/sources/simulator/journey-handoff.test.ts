import { describe, expect, it } from 'vitest';
import type { CxEvent, TouchpointEvent } from '../../../../src/events/types.js';
import { parseScenario, scenarioLabels } from '../../../../src/sources/simulator/scenario.js';
import { createSimulator } from '../../../../src/sources/simulator/simulator.js';

const START = Date.UTC(2026, 0, 5, 9);
const HOUR = 3_600_000;

function run(incident?: Record<string, unknown>): TouchpointEvent[] {
  const scenario = parseScenario({ name: 'h', incidents: incident ? [incident] : [] }, 'h.yaml');
  const events: CxEvent[] = createSimulator({
    seed: 11,
    startTs: START,
    rate: 40,
    seasonality: false,
    scenario,
  }).nextBatch(START + HOUR);
  return events.filter((e): e is TouchpointEvent => e.type === 'touchpoint.event');
}

/** Journeys of `journey` that reached each stage (distinct journey ids). */
function reached(events: readonly TouchpointEvent[], journey: string): Map<string, number> {
  const seen = new Map<string, Set<string>>();
  for (const e of events) {
    if (e.journey !== journey) continue;
    const ids = seen.get(e.stage) ?? new Set<string>();
    ids.add(e.journeyId);
    seen.set(e.stage, ids);
  }
  return new Map([...seen].map(([stage, ids]) => [stage, ids.size]));
}

function failureRate(events: readonly TouchpointEvent[], touchpoint: string): number {
  const own = events.filter((e) => e.touchpoint === touchpoint);
  return own.filter((e) => e.outcome === 'failure').length / own.length;
}

describe('journey-handoff incident', () => {
  const handoff = {
    kind: 'journey-handoff',
    journey: 'payment',
    afterStage: 'view-bill',
    lossProbability: 0.4,
    from: 0,
  };

  it('loses that share of customers between the stage and the next, silently', () => {
    const normal = run();
    const broken = run(handoff);
    const before = reached(normal, 'payment');
    const after = reached(broken, 'payment');
    // Normally almost everyone who sees the bill goes on to pay (5 % leave the bill page unread).
    expect(before.get('pay')! / before.get('view-bill')!).toBeGreaterThan(0.92);
    const kept = after.get('pay')! / after.get('view-bill')!;
    expect(kept).toBeGreaterThan(0.55);
    expect(kept).toBeLessThan(0.65);
    // No failure and no abandon marks the loss: every touchpoint fails as often as it did.
    for (const tp of ['login', 'bill-view', 'payment-gateway']) {
      expect(Math.abs(failureRate(broken, tp) - failureRate(normal, tp))).toBeLessThan(0.01);
    }
    const viewBill = broken.filter((e) => e.journey === 'payment' && e.stage === 'view-bill');
    expect(viewBill.filter((e) => e.outcome === 'abandoned').length / viewBill.length).toBeLessThan(0.08);
    // Other journeys are untouched in shape.
    const signUp = reached(broken, 'sign-up');
    expect(signUp.get('confirm-order')! / signUp.get('choose-plan')!).toBeGreaterThan(0.75);
  });

  it('stretches the gap before the next stage by gapMultiplier and loses nobody', () => {
    const slow = run({ ...handoff, lossProbability: undefined, gapMultiplier: 30 });
    const gaps: number[] = [];
    const byJourney = new Map<string, TouchpointEvent[]>();
    for (const e of slow) {
      if (e.journey !== 'payment') continue;
      byJourney.set(e.journeyId, [...(byJourney.get(e.journeyId) ?? []), e]);
    }
    for (const events of byJourney.values()) {
      const bill = events.findLast((e) => e.stage === 'view-bill' && e.outcome === 'success');
      const pay = events.find((e) => e.stage === 'pay');
      if (bill && pay) gaps.push(pay.ts - pay.latencyMs - bill.ts);
    }
    gaps.sort((a, b) => a - b);
    const median = gaps[Math.floor(gaps.length / 2)]!;
    // The usual think time has an 8 s median.
    expect(median).toBeGreaterThan(30 * 8000 * 0.8);
    expect(median).toBeLessThan(30 * 8000 * 1.25);
    // Everyone who saw the bill early enough to get through the long wait within the run still pays.
    const early = slow.filter((e) => e.ts < START + HOUR / 2);
    const paid = new Set(slow.filter((e) => e.stage === 'pay').map((e) => e.journeyId));
    const sawBill = reached(early, 'payment').get('view-bill')!;
    const billed = new Set(early.filter((e) => e.stage === 'view-bill').map((e) => e.journeyId));
    expect([...billed].filter((id) => paid.has(id)).length / sawBill).toBeGreaterThan(0.92);
  });

  it('validates the journey and stage and labels journey/afterStage', () => {
    const error = (incident: Record<string, unknown>) => {
      try {
        parseScenario({ name: 'x', incidents: [incident] }, 'scenarios/x.yaml');
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(error({ ...handoff, afterStage: 'book-date' })).toBe(
      'scenario scenarios/x.yaml: incidents[0].afterStage must be a stage of payment (log-in, view-bill, pay, receipt)',
    );
    expect(error({ ...handoff, afterStage: 'receipt' })).toContain('must not be the last stage of payment');
    expect(error({ ...handoff, journey: 'teleport' })).toContain('incidents[0].journey');
    expect(error({ ...handoff, lossProbability: 1.5 })).toContain('incidents[0].lossProbability');
    const { lossProbability: _l, ...neither } = handoff;
    expect(error(neither)).not.toBe('no error');
    const scenario = parseScenario({ name: 'w', incidents: [{ ...handoff, to: '30m' }] }, 'w.yaml');
    expect(scenario.incidents[0]).toMatchObject({ gapMultiplier: 1, lossProbability: 0.4 });
    expect(scenarioLabels(scenario, START)).toEqual([
      {
        scenario: 'w',
        kind: 'journey-handoff',
        target: 'payment/view-bill',
        startTs: START,
        endTs: START + 30 * 60_000,
      },
    ]);
  });
});
