import { describe, expect, it } from 'vitest';
import { Prng, hashString } from '../../../../src/sources/simulator/prng.js';

describe('Prng', () => {
  it('replays the same sequence for the same seed and differs for another', () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const c = new Prng(43);
    const seqA = Array.from({ length: 100 }, () => a.nextUint32());
    const seqB = Array.from({ length: 100 }, () => b.nextUint32());
    const seqC = Array.from({ length: 100 }, () => c.nextUint32());
    expect(seqA).toEqual(seqB);
    expect(seqA).not.toEqual(seqC);
  });

  it('draws uniforms in [0, 1) with mean near 1/2', () => {
    const rng = new Prng(1);
    let sum = 0;
    let lo = 1;
    let hi = 0;
    for (let i = 0; i < 20_000; i++) {
      const u = rng.next();
      lo = Math.min(lo, u);
      hi = Math.max(hi, u);
      sum += u;
    }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
    expect(sum / 20_000).toBeCloseTo(0.5, 1);
  });

  it('matches the means of its distributions', () => {
    const rng = new Prng(7);
    const n = 40_000;
    const mean = (draw: () => number): number => {
      let s = 0;
      for (let i = 0; i < n; i++) s += draw();
      return s / n;
    };
    expect(mean(() => rng.exponential(10))).toBeGreaterThan(9.5);
    expect(mean(() => rng.exponential(10))).toBeLessThan(10.5);
    expect(Math.abs(mean(() => rng.normal(3, 2)) - 3)).toBeLessThan(0.05);
    // Log-normal mean = median · e^(σ²/2) = 100 · e^0.125 ≈ 113.3
    expect(Math.abs(mean(() => rng.logNormal(100, 0.5)) - 113.3)).toBeLessThan(2);
    // Weibull shape 1 is the exponential with mean = scale.
    expect(Math.abs(mean(() => rng.weibull(1, 5)) - 5)).toBeLessThan(0.2);
    const p = mean(() => (rng.pareto(10, 1.5) >= 10 ? 1 : 0));
    expect(p).toBe(1);
  });

  it('hashes strings stably', () => {
    expect(hashString('billing/voice')).toBe(hashString('billing/voice'));
    expect(hashString('billing/voice')).not.toBe(hashString('billing/chat'));
  });
});
