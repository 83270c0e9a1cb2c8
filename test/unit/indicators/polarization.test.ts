import { describe, expect, it } from 'vitest';
import { CxPulseError } from '../../../src/errors/codes.js';
import { polarization } from '../../../src/indicators/polarization.js';
import { def, itMergesAndMatchesReference, run, survey, surveysOf } from './fixtures.js';

describe('polarization', () => {
  const acc = polarization(def('polarization'));
  const csats = (...values: number[]) => values.map((c) => survey({ csat: c }));

  it('is 0 when everyone agrees, whatever they think', () => {
    expect(run(acc, csats(5, 5, 4)).value).toBe(0);
    expect(run(acc, csats(1, 1, 2)).value).toBe(0);
    expect(run(acc, csats(3, 3)).value).toBe(0);
  });

  it('is 1 for a 50/50 split between the extremes', () => {
    expect(run(acc, csats(1, 5, 2, 4))).toEqual({ value: 1, samples: 4, parts: { low: 2, high: 2 } });
  });

  it('is 4 × low share × high share in between', () => {
    expect(run(acc, csats(1, 3, 5)).value).toBeCloseTo(4 / 9, 12);
  });

  it('uses detractors and promoters on the nps scale', () => {
    const onNps = polarization(def('polarization', { scale: 'nps' }));
    expect(
      run(onNps, [survey({ nps: 0 }), survey({ nps: 10 }), survey({ nps: 8 }), survey({ nps: 9 })]).value,
    ).toBe(4 * (1 / 4) * (2 / 4));
  });

  it('rejects an unknown scale', () => {
    expect(() => polarization(def('polarization', { scale: 'ces' }))).toThrow(CxPulseError);
  });

  it('is null with no answers', () => {
    expect(run(acc, []).value).toBeNull();
  });

  itMergesAndMatchesReference(acc, (events) => {
    const answers = surveysOf(events)
      .map((e) => e.csat)
      .filter((c): c is number => c !== undefined && c >= 1 && c <= 5);
    const low = answers.filter((c) => c <= 2).length;
    const high = answers.filter((c) => c >= 4).length;
    const n = answers.length;
    return { value: n ? 4 * (low / n) * (high / n) : null, samples: n, parts: { low, high } };
  });
});
