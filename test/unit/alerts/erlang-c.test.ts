import { describe, expect, it } from 'vitest';
import {
  agentsNeeded,
  averageSpeedOfAnswer,
  erlangB,
  offeredLoad,
  probabilityOfWaiting,
  serviceLevel,
} from '../../../src/alerts/erlang-c.js';

// The worked example of callcentrehelper.com, "Erlang C Formula – Made Simple With an Easy Worked
// Example": 100 calls in 30 minutes, AHT 180 s, target 80 % answered in 20 s. With 11 agents the
// article gives P(wait) 68.21 %, service level 39.0 % and ASA 122.8 s; 14 agents reach 88.8 %.
const example = { arrivalRatePerSecond: 100 / 1800, ahtSeconds: 180 };

/** Erlang C from its textbook closed form, fine for small N. */
function naiveErlangC(n: number, a: number): number {
  let sum = 0;
  let term = 1;
  for (let k = 0; k < n; k++) {
    sum += term;
    term *= a / (k + 1);
  }
  const top = term * (n / (n - a));
  return top / (sum + top);
}

describe('Erlang C', () => {
  it('reproduces the callcentrehelper.com worked example', () => {
    expect(offeredLoad(example.arrivalRatePerSecond, example.ahtSeconds)).toBeCloseTo(10, 12);
    const eleven = { ...example, agents: 11 };
    expect(probabilityOfWaiting(eleven)).toBeCloseTo(0.6821, 4);
    expect(serviceLevel(eleven, 20)).toBeCloseTo(0.39, 3);
    expect(averageSpeedOfAnswer(eleven)).toBeCloseTo(122.8, 1);
    expect(serviceLevel({ ...example, agents: 13 }, 20)).toBeLessThan(0.8);
    expect(serviceLevel({ ...example, agents: 14 }, 20)).toBeCloseTo(0.888, 3);
    expect(agentsNeeded(example.arrivalRatePerSecond, example.ahtSeconds, 20, 0.8)).toBe(14);
  });

  it('matches the Erlang B table and the closed form of Erlang C for small N', () => {
    // Erlang B tables: 10 servers at 5 erlangs block 1.84 % of calls.
    expect(erlangB(10, 5)).toBeCloseTo(0.01838, 5);
    for (let n = 1; n <= 30; n++)
      for (const share of [0.1, 0.5, 0.9, 0.99]) {
        const a = n * share;
        const c = probabilityOfWaiting({ arrivalRatePerSecond: a / 100, ahtSeconds: 100, agents: n });
        expect(c).toBeCloseTo(naiveErlangC(n, a), 10);
      }
  });

  it('stays finite and sensible for thousands of agents, where the closed form overflows', () => {
    const big = { arrivalRatePerSecond: 4900 / 300, ahtSeconds: 300, agents: 5000 };
    expect(naiveErlangC(5000, 4900)).toBeNaN();
    const c = probabilityOfWaiting(big);
    expect(c).toBeGreaterThan(0);
    expect(c).toBeLessThan(1);
    expect(probabilityOfWaiting({ ...big, agents: 5100 })).toBeLessThan(c);
    const n = agentsNeeded(big.arrivalRatePerSecond, big.ahtSeconds, 20, 0.8);
    expect(serviceLevel({ ...big, agents: n }, 20)).toBeGreaterThanOrEqual(0.8);
    expect(serviceLevel({ ...big, agents: n - 1 }, 20)).toBeLessThan(0.8);
  });

  it('treats overload as everyone waiting, and no traffic as no one waiting', () => {
    const over = { arrivalRatePerSecond: 1, ahtSeconds: 10, agents: 10 };
    expect(probabilityOfWaiting(over)).toBe(1);
    expect(serviceLevel(over, 20)).toBe(0);
    expect(averageSpeedOfAnswer(over)).toBe(Infinity);
    expect(probabilityOfWaiting({ arrivalRatePerSecond: 0, ahtSeconds: 10, agents: 1 })).toBe(0);
  });

  it('rejects impossible inputs', () => {
    expect(() => probabilityOfWaiting({ ...example, agents: 0 })).toThrow(RangeError);
    expect(() => probabilityOfWaiting({ ...example, agents: 2.5 })).toThrow(RangeError);
    expect(() => probabilityOfWaiting({ ...example, ahtSeconds: 0, agents: 3 })).toThrow(RangeError);
    expect(() => agentsNeeded(1, 10, 20, 1)).toThrow(RangeError);
  });
});
