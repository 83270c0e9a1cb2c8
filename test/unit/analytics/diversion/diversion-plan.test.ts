/**
 * The diversion's expected effect against the Erlang formulas themselves (src/alerts/erlang-a.ts,
 * erlang-c.ts): the service levels it reports are the formulas' at the moved rates, and the
 * contacts it moves are the fewest (to the step) that bring the donor within target.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planDiversion, serviceLevelAt } from '../../../../src/analytics/diversion/diversion-plan.js';
import { erlangA } from '../../../../src/alerts/erlang-a.js';
import { serviceLevel } from '../../../../src/alerts/erlang-c.js';
import type { StaffingPrediction } from '../../../../src/alerts/rules/rule-evaluator.js';

function staffing(overrides: Partial<StaffingPrediction>): StaffingPrediction {
  return {
    model: 'erlang-a',
    windowEnd: 0,
    arrivalRatePerSecond: 0.5,
    ahtSeconds: 300,
    agents: 150,
    patienceSeconds: 180,
    answerWithinSeconds: 20,
    shortAbandonSeconds: 5,
    target: 0.7,
    serviceLevel: 0,
    ...overrides,
  };
}

const erlangASl = (p: StaffingPrediction, rate: number) =>
  erlangA(
    {
      arrivalRatePerSecond: rate,
      ahtSeconds: p.ahtSeconds,
      agents: p.agents,
      patienceSeconds: p.patienceSeconds,
    },
    p.answerWithinSeconds,
    p.shortAbandonSeconds,
  ).serviceLevel;

describe('planDiversion', () => {
  it('moves the fewest contacts that bring billing/voice within target, with the Erlang A levels of both', () => {
    // About the simulated billing queues at 30 contacts a minute with a third of voice away:
    // voice 2 000 an hour at 320 s on 130 agents, chat 900 an hour at 450 s on 200 agents.
    const voice = staffing({
      arrivalRatePerSecond: 2000 / 3600,
      ahtSeconds: 320,
      agents: 130,
      patienceSeconds: 150,
    });
    const chat = staffing({
      arrivalRatePerSecond: 900 / 3600,
      ahtSeconds: 450,
      agents: 200,
      patienceSeconds: 300,
      answerWithinSeconds: 60,
    });
    const verdict = planDiversion(voice, chat, { maxShare: 0.5, stepPerHour: 5 });
    expect(verdict.feasible).toBe(true);
    if (!verdict.feasible) return;
    const { plan } = verdict;
    const x = plan.contactsPerHour;
    expect(x % 5).toBe(0);
    expect(plan.fromServiceLevelNow).toBe(erlangASl(voice, 2000 / 3600));
    expect(plan.fromServiceLevelNow).toBeLessThan(0.7);
    expect(plan.fromServiceLevelAfter).toBe(erlangASl(voice, (2000 - x) / 3600));
    expect(plan.fromServiceLevelAfter).toBeGreaterThanOrEqual(0.7);
    // One step less is not enough.
    expect(erlangASl(voice, (2000 - (x - 5)) / 3600)).toBeLessThan(0.7);
    // The moved contacts take chat's handle time.
    expect(plan.toServiceLevelNow).toBe(erlangASl(chat, 900 / 3600));
    expect(plan.toServiceLevelAfter).toBe(erlangASl(chat, (900 + x) / 3600));
    expect(plan.toServiceLevelAfter).toBeGreaterThanOrEqual(0.7);
  });

  it('is the smallest step whatever the queues, and exists exactly when some step serves both (fast-check)', () => {
    const queue = fc.record({
      perHour: fc.integer({ min: 60, max: 1200 }),
      aht: fc.integer({ min: 120, max: 600 }),
      agents: fc.integer({ min: 2, max: 60 }),
      patience: fc.integer({ min: 30, max: 600 }),
      target: fc.double({ min: 0.5, max: 0.95, noNaN: true }),
    });
    fc.assert(
      fc.property(
        queue,
        queue,
        fc.constantFrom('erlang-a', 'erlang-c') as fc.Arbitrary<'erlang-a' | 'erlang-c'>,
        (f, t, model) => {
          const from = staffing({
            model,
            arrivalRatePerSecond: f.perHour / 3600,
            ahtSeconds: f.aht,
            agents: f.agents,
            patienceSeconds: model === 'erlang-a' ? f.patience : Infinity,
            target: f.target,
          });
          const to = staffing({
            model,
            arrivalRatePerSecond: t.perHour / 3600,
            ahtSeconds: t.aht,
            agents: t.agents,
            patienceSeconds: model === 'erlang-a' ? t.patience : Infinity,
            answerWithinSeconds: 60,
            target: t.target,
          });
          const step = 10;
          const limits = { maxShare: 0.5, stepPerHour: step };
          // The rate moved by x contacts an hour, computed as the plan does (rate ± x / 3600).
          const sl = (p: StaffingPrediction, movedPerHour: number) => {
            const rate = Math.max(0, p.arrivalRatePerSecond + movedPerHour / 3600);
            return model === 'erlang-a'
              ? erlangASl(p, rate)
              : serviceLevel(
                  { arrivalRatePerSecond: rate, ahtSeconds: p.ahtSeconds, agents: p.agents },
                  p.answerWithinSeconds,
                );
          };
          // Brute force over every allowed step.
          const steps = Math.floor((0.5 * f.perHour) / step + 1e-9);
          let wanted: number | undefined;
          for (let k = 0; k <= steps; k++) {
            const x = k * step;
            if (sl(from, -x) >= f.target && sl(to, x) >= t.target) {
              wanted = x;
              break;
            }
          }
          const verdict = planDiversion(from, to, limits);
          expect(serviceLevelAt(from, f.perHour / 3600)).toBe(sl(from, 0));
          if (wanted === undefined) {
            expect(verdict.feasible).toBe(false);
            return;
          }
          expect(verdict.feasible).toBe(true);
          if (verdict.feasible) {
            expect(verdict.plan.contactsPerHour).toBe(wanted);
            expect(verdict.plan.fromServiceLevelAfter).toBe(sl(from, -wanted));
            expect(verdict.plan.toServiceLevelAfter).toBe(sl(to, wanted));
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('says why there is no plan', () => {
    const busyVoice = staffing({ arrivalRatePerSecond: 2000 / 3600, ahtSeconds: 320, agents: 130 });
    const busyChat = staffing({
      arrivalRatePerSecond: 1600 / 3600,
      ahtSeconds: 450,
      agents: 150,
      answerWithinSeconds: 60,
    });
    expect(planDiversion(busyVoice, busyChat, { maxShare: 0.5, stepPerHour: 5 })).toMatchObject({
      feasible: false,
      reason: 'no-slack',
    });
    const idleChat = staffing({
      arrivalRatePerSecond: 100 / 3600,
      ahtSeconds: 450,
      agents: 400,
      answerWithinSeconds: 60,
    });
    const drowningVoice = staffing({ arrivalRatePerSecond: 4000 / 3600, ahtSeconds: 320, agents: 100 });
    expect(planDiversion(drowningVoice, idleChat, { maxShare: 0.1, stepPerHour: 5 })).toMatchObject({
      feasible: false,
      reason: 'not-enough',
    });
    const smallChat = staffing({
      arrivalRatePerSecond: 300 / 3600,
      ahtSeconds: 450,
      agents: 45,
      answerWithinSeconds: 60,
    });
    expect(planDiversion(busyVoice, smallChat, { maxShare: 0.5, stepPerHour: 5 })).toMatchObject({
      feasible: false,
      reason: 'receiver-breaks',
    });
  });
});
