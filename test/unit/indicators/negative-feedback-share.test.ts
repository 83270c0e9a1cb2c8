import { describe, expect, it } from 'vitest';
import { negativeFeedbackShare } from '../../../src/indicators/negative-feedback-share.js';
import {
  def,
  itMergesAndMatchesReference,
  refRatio,
  run,
  social,
  socialsOf,
  survey,
  surveysOf,
} from './fixtures.js';

describe('negative_feedback_share', () => {
  const acc = negativeFeedbackShare(def('negative_feedback_share'));

  it('counts social sentiment < −0.25 and csat ≤ 2 over all social posts and csat answers', () => {
    const events = [
      social(-0.25), // not below: the bound is strict
      social(-0.26),
      survey({ csat: 2 }),
      survey({ csat: 3 }),
      survey({ nps: 0 }), // no csat: not a piece of feedback here
    ];
    expect(run(acc, events)).toEqual({ value: 0.5, numerator: 2, denominator: 4, samples: 4 });
  });

  it('honours negativeBelow and negativeCsatAtMost', () => {
    const custom = negativeFeedbackShare(
      def('negative_feedback_share', { negativeBelow: 0, negativeCsatAtMost: 3 }),
    );
    expect(run(custom, [social(-0.1), survey({ csat: 3 }), survey({ csat: 4 })]).numerator).toBe(2);
  });

  it('is null with no feedback', () => {
    expect(run(acc, []).value).toBeNull();
  });

  itMergesAndMatchesReference(acc, (events) => {
    const posts = socialsOf(events).filter((e) => e.sentiment >= -1 && e.sentiment <= 1);
    const answers = surveysOf(events).filter((e) => e.csat !== undefined && e.csat >= 1 && e.csat <= 5);
    const negative =
      posts.filter((e) => e.sentiment < -0.25).length + answers.filter((e) => e.csat! <= 2).length;
    return refRatio(negative, posts.length + answers.length);
  });
});
