import { describe, expect, it } from 'vitest';
import { agentsNeededErlangA, erlangA } from '../../../src/alerts/erlang-a.js';
import { agentsNeeded, probabilityOfWaiting, serviceLevel } from '../../../src/alerts/erlang-c.js';
import { seededRandom } from '../../support/synthetic-series.js';

/**
 * A first-come-first-served M/M/N+M queue, caller by caller: each caller starts service at the
 * earliest free agent unless its patience runs out first (then it takes no agent). Returns the
 * service level as the indicator defines it (answered within t over all but short abandons) and
 * the share that abandons.
 */
function simulate(
  lambda: number,
  aht: number,
  agents: number,
  patience: number,
  within: number,
  shortAbandon: number,
  callers: number,
): { serviceLevel: number; abandoned: number } {
  const random = seededRandom(12345);
  const exp = (mean: number) => -Math.log(1 - random()) * mean;
  const freeAt = new Array<number>(agents).fill(0);
  let t = 0;
  let answeredWithin = 0;
  let counted = 0;
  let abandoned = 0;
  for (let i = 0; i < callers; i++) {
    t += exp(1 / lambda);
    let k = 0;
    for (let j = 1; j < agents; j++) if (freeAt[j]! < freeAt[k]!) k = j;
    const wait = Math.max(0, freeAt[k]! - t);
    const gaveUpAfter = exp(patience);
    if (gaveUpAfter < wait) {
      abandoned++;
      if (gaveUpAfter >= shortAbandon) counted++;
      continue;
    }
    counted++;
    if (wait <= within) answeredWithin++;
    freeAt[k] = t + wait + exp(aht);
  }
  return { serviceLevel: answeredWithin / counted, abandoned: abandoned / callers };
}

describe('Erlang A', () => {
  // callcentrehelper.com worked example (see erlang-c.test.ts): 100 calls in 30 min, AHT 180 s, 11 agents.
  const example = { arrivalRatePerSecond: 100 / 1800, ahtSeconds: 180, agents: 11 };

  it('is Erlang C when nobody hangs up', () => {
    const a = erlangA({ ...example, patienceSeconds: Infinity }, 20);
    expect(a.probabilityOfWaiting).toBeCloseTo(probabilityOfWaiting(example), 10);
    expect(a.serviceLevel).toBeCloseTo(serviceLevel(example, 20), 10);
    expect(a.probabilityOfAbandoning).toBe(0);
    // The less patient the callers, the better the service level of those who stay.
    const levels = [Infinity, 100 * 180, 1500, 150].map(
      (patienceSeconds) => erlangA({ ...example, patienceSeconds }, 20).serviceLevel,
    );
    for (let i = 1; i < levels.length; i++) expect(levels[i]).toBeGreaterThan(levels[i - 1]!);
  });

  it('agrees with a simulation of the queue, abandons and short abandons included', () => {
    const cases: Array<[number, number, number, number]> = [
      [100 / 1800, 180, 11, 150],
      [1 / 30, 300, 10, 150],
      [0.2, 100, 20, 60],
    ];
    for (const [lambda, aht, agents, patience] of cases) {
      const model = erlangA(
        { arrivalRatePerSecond: lambda, ahtSeconds: aht, agents, patienceSeconds: patience },
        20,
        5,
      );
      const sim = simulate(lambda, aht, agents, patience, 20, 5, 400_000);
      expect(Math.abs(model.serviceLevel - sim.serviceLevel)).toBeLessThan(0.005);
      expect(Math.abs(model.probabilityOfAbandoning - sim.abandoned)).toBeLessThan(0.005);
    }
  });

  it('predicts a better service level than Erlang C for the same staffing, and stays finite in overload', () => {
    const a = erlangA({ ...example, patienceSeconds: 150 }, 20);
    expect(serviceLevel(example, 20)).toBeCloseTo(0.39, 2);
    expect(a.serviceLevel).toBeGreaterThan(0.7);
    // 300 erlangs on 147 agents: Erlang C has no steady state; Erlang A says half hang up.
    const overload = erlangA(
      { arrivalRatePerSecond: 1, ahtSeconds: 300, agents: 147, patienceSeconds: 158 },
      20,
      5,
    );
    expect(overload.probabilityOfAbandoning).toBeCloseTo(1 - 147 / 300, 2);
    expect(overload.serviceLevel).toBeLessThan(0.01);
  });

  it('needs no more agents than Erlang C for the same target, and the number it gives meets it', () => {
    const needed = agentsNeededErlangA(100 / 1800, 180, 150, 20, 0.8);
    expect(needed).toBeLessThanOrEqual(agentsNeeded(100 / 1800, 180, 20, 0.8));
    expect(
      erlangA({ ...example, agents: needed, patienceSeconds: 150 }, 20).serviceLevel,
    ).toBeGreaterThanOrEqual(0.8);
    expect(erlangA({ ...example, agents: needed - 1, patienceSeconds: 150 }, 20).serviceLevel).toBeLessThan(
      0.8,
    );
    expect(() => agentsNeededErlangA(0.1, 180, 150, 20, 1)).toThrow(RangeError);
  });

  it('rejects inputs outside the model', () => {
    expect(() => erlangA({ ...example, patienceSeconds: 0 }, 20)).toThrow(RangeError);
    expect(() => erlangA({ ...example, agents: 0, patienceSeconds: 60 }, 20)).toThrow(RangeError);
    expect(erlangA({ ...example, arrivalRatePerSecond: 0, patienceSeconds: 60 }, 20).serviceLevel).toBe(1);
  });
});
