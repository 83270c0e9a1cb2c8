/**
 * opinion_pressure — how hard negative social posts push on a topic in the window: rate × negative
 * sentiment × reach, as one sum over the window's posts,
 *
 *   pressure = Σ over feedback.social with sentiment < negativeBelow of |sentiment| × (1 + log10(1 + reach))
 *
 * Each negative post weighs its negativity (0.25..1 with the default cut), times an audience factor
 * that is 1 for a post nobody saw (or with unknown reach) and grows by 1 per tenfold audience
 * (1 000 readers → 4, 1 000 000 → 7). The logarithm keeps one viral post from outweighing a pile-on
 * of hundreds (reach is heavy-tailed: one post in a thousand reaches a million), while still making
 * a crowd of well-followed critics count more than the same crowd of unseen accounts.
 *
 * It is a sum, not a mean: twice the posts is twice the pressure, which is what makes it a rate.
 * So it scales with the window's length, and is compared with its own past (the anomaly rule of
 * pipelines/public-opinion.yaml), never with one fixed level. Re-aggregate as Σnumerator over
 * windows that do not overlap. `samples` = negative posts counted; `parts` = { posts (every post
 * with a valid sentiment), negativePosts }. Sentiments outside −1..1 are ignored, like `sentiment`.
 */
import type { IndicatorDefinition } from '../config/pipeline-definition.js';
import { CxPulseError } from '../errors/codes.js';
import type { IndicatorAccumulator } from './accumulator.js';
import { DEFAULT_NEGATIVE_BELOW } from './negative-feedback-share.js';
import { numberParam } from './params.js';
import { slotAccumulator } from './slot-accumulator.js';
import { isSentiment } from './survey-scales.js';

/** 1 + log10(1 + reach); 1 when the reach is unknown (absent, negative or not a number). */
export function audienceFactor(reach: number | undefined): number {
  return reach !== undefined && reach > 0 && Number.isFinite(reach) ? 1 + Math.log10(1 + reach) : 1;
}

export function opinionPressure(def: IndicatorDefinition): IndicatorAccumulator<number[]> {
  const negativeBelow = numberParam(def, 'negativeBelow', DEFAULT_NEGATIVE_BELOW);
  // Above 0 a "negative" post could be a positive one and |sentiment| would add its praise.
  if (negativeBelow > 0 || negativeBelow < -1) {
    throw new CxPulseError(
      'CXP_ERR_PIPELINE_INVALID',
      `indicator ${def.name} (${def.id}): param negativeBelow must be between -1 and 0`,
    );
  }
  return slotAccumulator({
    name: def.name,
    eventTypes: ['feedback.social'],
    slots: ['pressure', 'negativePosts', 'posts'],
    add(buf, at, event) {
      if (event.type !== 'feedback.social' || !isSentiment(event.sentiment)) return;
      buf[at + 2]!++;
      if (!(event.sentiment < negativeBelow)) return;
      buf[at + 1]!++;
      buf[at]! += -event.sentiment * audienceFactor(event.reach);
    },
    value: (buf, at) => ({
      value: buf[at]!,
      numerator: buf[at]!,
      samples: buf[at + 1]!,
      parts: { posts: buf[at + 2]!, negativePosts: buf[at + 1]! },
    }),
  });
}
