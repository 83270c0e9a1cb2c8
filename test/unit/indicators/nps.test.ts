import { describe, expect, it } from 'vitest';
import { nps } from '../../../src/indicators/nps.js';
import { def, itMergesAndMatchesReference, run, survey, surveysOf } from './fixtures.js';

describe('nps', () => {
  const acc = nps(def('nps'));

  it('is % promoters − % detractors', () => {
    // 2 promoters (9, 10), 2 passives (7, 8), 1 detractor (6) → 100 × (2 − 1) / 5 = 20
    const events = [9, 10, 7, 8, 6].map((n) => survey({ nps: n }));
    expect(run(acc, events)).toEqual({
      value: 20,
      numerator: 1,
      denominator: 5,
      samples: 5,
      parts: { promoters: 2, detractors: 1 },
    });
  });

  it('spans −100..100', () => {
    expect(run(acc, [survey({ nps: 0 }), survey({ nps: 6 })]).value).toBe(-100);
    expect(run(acc, [survey({ nps: 9 })]).value).toBe(100);
  });

  it('ignores answers outside 0..10 and is null with none', () => {
    expect(run(acc, [survey({ nps: 11 }), survey({ nps: -1 }), survey({ csat: 5 })]).value).toBeNull();
  });

  itMergesAndMatchesReference(acc, (events) => {
    const answers = surveysOf(events)
      .map((e) => e.nps)
      .filter((n): n is number => n !== undefined && n >= 0 && n <= 10);
    const p = answers.filter((n) => n >= 9).length;
    const d = answers.filter((n) => n <= 6).length;
    return {
      value: answers.length ? ((p - d) / answers.length) * 100 : null,
      numerator: p - d,
      denominator: answers.length,
      samples: answers.length,
      parts: { promoters: p, detractors: d },
    };
  });
});
