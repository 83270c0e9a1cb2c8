import { describe, expect, it } from 'vitest';
import { sentiment } from '../../../src/indicators/sentiment.js';
import { def, itMergesAndMatchesReference, refMean, run, social, socialsOf, survey } from './fixtures.js';

describe('sentiment', () => {
  const acc = sentiment(def('sentiment'));

  it('is the mean sentiment of social feedback; surveys are not mixed in', () => {
    expect(run(acc, [social(-1), social(0.5), social(1), survey({ csat: 1 })]).value).toBeCloseTo(1 / 6, 12);
  });

  it('ignores values outside −1..1 and is null with none', () => {
    expect(run(acc, [social(1.5), social(-3)]).value).toBeNull();
  });

  itMergesAndMatchesReference(acc, (events) =>
    refMean(
      socialsOf(events)
        .map((e) => e.sentiment)
        .filter((s) => s >= -1 && s <= 1),
    ),
  );
});
