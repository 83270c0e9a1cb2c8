import { describe, expect, it } from 'vitest';
import { csat } from '../../../src/indicators/csat.js';
import { def, itMergesAndMatchesReference, refRatio, run, survey, surveysOf } from './fixtures.js';

describe('csat', () => {
  const acc = csat(def('csat'));

  it('is the share of csat answers at 4–5', () => {
    const events = [1, 2, 3, 4, 5].map((c) => survey({ csat: c }));
    expect(run(acc, events)).toEqual({ value: 0.4, numerator: 2, denominator: 5, samples: 5 });
  });

  it('ignores responses without csat or outside 1..5', () => {
    expect(
      run(acc, [survey({ nps: 10 }), survey({ csat: 0 }), survey({ csat: 6 }), survey({ csat: 5 })]).value,
    ).toBe(1);
  });

  it('is null with no answers', () => {
    expect(run(acc, [survey({ nps: 3 })]).value).toBeNull();
  });

  itMergesAndMatchesReference(acc, (events) => {
    const answers = surveysOf(events).filter((e) => e.csat !== undefined && e.csat >= 1 && e.csat <= 5);
    return refRatio(answers.filter((e) => e.csat! >= 4).length, answers.length);
  });
});
