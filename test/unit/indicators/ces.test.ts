import { describe, expect, it } from 'vitest';
import { ces } from '../../../src/indicators/ces.js';
import { def, itMergesAndMatchesReference, refMean, run, survey, surveysOf } from './fixtures.js';

describe('ces', () => {
  const acc = ces(def('ces'));

  it('is the mean effort score of answers 1..7', () => {
    expect(
      run(acc, [survey({ ces: 1 }), survey({ ces: 7 }), survey({ ces: 4 }), survey({ ces: 8 })]),
    ).toEqual({
      value: 4,
      numerator: 12,
      denominator: 3,
      samples: 3,
    });
  });

  it('is null with no answers', () => {
    expect(run(acc, [survey({ csat: 4 })]).value).toBeNull();
  });

  itMergesAndMatchesReference(acc, (events) =>
    refMean(
      surveysOf(events)
        .map((e) => e.ces)
        .filter((c): c is number => c !== undefined && c >= 1 && c <= 7),
    ),
  );
});
