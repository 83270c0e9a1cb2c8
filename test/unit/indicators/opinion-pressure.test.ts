import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CxEvent, SocialFeedbackEvent } from '../../../src/events/types.js';
import { CxPulseError } from '../../../src/errors/codes.js';
import { opinionPressure } from '../../../src/indicators/opinion-pressure.js';
import type { IndicatorResult } from '../../../src/indicators/accumulator.js';
import { def, eventArb, itMergesAndMatchesReference, run, social, socialsOf, survey } from './fixtures.js';

/** Posts with every kind of reach: none, 0, small, heavy-tailed, and invalid. */
const postArb: fc.Arbitrary<SocialFeedbackEvent> = fc
  .record({
    ts: fc.integer({ min: 0, max: 10_000 }),
    sentiment: fc.oneof(
      fc.double({ min: -1.2, max: 1.2, noNaN: true }),
      fc.constantFrom(-1, -0.25, -0.2500001, 0, 1),
    ),
    reach: fc.option(
      fc.oneof(fc.constantFrom(0, 1, 9, 99, 999_999, -5, Number.NaN), fc.integer({ min: 0, max: 5_000_000 })),
      { nil: undefined },
    ),
  })
  .map(({ ts, sentiment, reach }) => social(sentiment, { ts, ...(reach === undefined ? {} : { reach }) }));

const eventsWithPostsArb: fc.Arbitrary<CxEvent[]> = fc.array(fc.oneof(postArb, postArb, eventArb), {
  maxLength: 120,
});

/** The formula written out plainly: Σ over posts below the cut of −sentiment × (1 + log10(1 + reach)). */
function reference(events: readonly CxEvent[], negativeBelow: number): IndicatorResult {
  let pressure = 0;
  let negativePosts = 0;
  let posts = 0;
  for (const e of socialsOf(events)) {
    if (!(e.sentiment >= -1 && e.sentiment <= 1)) continue;
    posts++;
    if (e.sentiment >= negativeBelow) continue;
    negativePosts++;
    const seen = e.reach !== undefined && e.reach > 0 ? Math.log10(1 + e.reach) : 0;
    pressure += Math.abs(e.sentiment) * (1 + seen);
  }
  return { value: pressure, numerator: pressure, samples: negativePosts, parts: { posts, negativePosts } };
}

describe('opinion_pressure', () => {
  const acc = opinionPressure(def('opinion_pressure'));

  it('weighs each negative post by its negativity and one per tenfold audience', () => {
    const events = [
      social(-0.5), // no reach: weight 1 → 0.5
      social(-1, { reach: 999 }), // 1 + 3 → 4
      social(-0.8, { reach: 9 }), // 1 + 1 → 1.6
      social(-0.25, { reach: 1_000_000 }), // not below −0.25: not counted
      social(0.9, { reach: 5_000_000 }), // praise: never counted
      survey({ csat: 1 }), // surveys carry no sentiment
    ];
    const result = run(acc, events);
    expect(result.value).toBeCloseTo(6.1, 12);
    expect(result).toMatchObject({ samples: 3, parts: { posts: 5, negativePosts: 3 } });
  });

  it('doubles with twice the same posts (a rate, not a mean)', () => {
    const posts = [social(-0.6, { reach: 120 }), social(-0.3, { reach: 40_000 })];
    expect(run(acc, [...posts, ...posts]).value).toBeCloseTo(2 * run(acc, posts).value!, 12);
  });

  it('is 0 with no negative post, not null (zero pressure is a real value)', () => {
    expect(run(acc, [])).toEqual({
      value: 0,
      numerator: 0,
      samples: 0,
      parts: { posts: 0, negativePosts: 0 },
    });
    expect(run(acc, [social(0.4)]).value).toBe(0);
  });

  it('rejects a cut above 0 or below −1 when built', () => {
    expect(() => opinionPressure(def('opinion_pressure', { negativeBelow: 0.2 }))).toThrow(CxPulseError);
    expect(() => opinionPressure(def('opinion_pressure', { negativeBelow: -1.5 }))).toThrow(CxPulseError);
  });

  itMergesAndMatchesReference(acc, (events) => reference(events, -0.25), eventsWithPostsArb);

  describe('with negativeBelow −0.6', () => {
    itMergesAndMatchesReference(
      opinionPressure(def('opinion_pressure', { negativeBelow: -0.6 })),
      (events) => reference(events, -0.6),
      eventsWithPostsArb,
    );
  });
});
