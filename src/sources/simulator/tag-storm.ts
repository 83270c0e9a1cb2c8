/**
 * The `tag-storm` incident: a burst of survey answers and social posts about one topic that all
 * say the same thing — "the points-mall items are not worth it" — laid over the simulated traffic.
 * It exists to show the tag rankings end to end (scenarios/tag-storm.yaml: the tag becomes the top
 * negative tag) beside a healthy twin (scenarios/tag-storm-healthy.yaml: the same burst, happy).
 *
 * Some of the answers carry the tag; the others only say it in their text (`comment`, `text`), so
 * a ranking shows it only through the pipeline's keyword rules. `mood` sets the scores: negative
 * answers have csat 1–2 (and nps 0–4 on half of them), posts a sentiment of −0.95..−0.45; positive
 * ones csat 4–5 (nps 9–10), sentiment 0.45..0.95.
 *
 * Like `customer-contacts` it draws nothing from the simulator's PRNG (its own stream, seeded from
 * the run's seed and the incident's position) and numbers its events in its own id space, so the
 * rest of the traffic is the same event for event with or without it.
 */
import type { CxEvent, SocialFeedbackEvent, SurveyResponseEvent } from '../../events/types.js';
import { PLATFORMS } from './model.js';
import { hashString, Prng } from './prng.js';

export interface TagStormIncident {
  kind: 'tag-storm';
  fromMs: number;
  toMs?: number;
  /** Touchpoint (social topic) the answers and posts are about. */
  topic: string;
  /** The tag the tagged ones carry. */
  tag: string;
  /** What every one of them says (survey comment, post text). */
  text: string;
  mood: 'negative' | 'positive';
  /** Answers and posts per simulated minute. */
  perMinute: number;
  /** Share that carry `tag` (the rest have only the text). Default 0.5. */
  taggedShare?: number;
  /** Share that are social posts (the rest are survey answers). Default 0.5. */
  socialShare?: number;
}

/** When `to` is not given, the storm lasts this long after `from`. */
const DEFAULT_SPAN_MS = 30 * 60_000;

/** JSON Schema of the incident's YAML form (`from`/`to` as in every incident). */
export function tagStormSchema(topicName: object, times: object): object {
  return {
    properties: {
      kind: { const: 'tag-storm' },
      ...times,
      topic: topicName,
      tag: { type: 'string', minLength: 1, maxLength: 64 },
      text: { type: 'string', minLength: 1, maxLength: 4096 },
      mood: { enum: ['negative', 'positive'] },
      perMinute: { type: 'number', exclusiveMinimum: 0, maximum: 6000 },
      taggedShare: { type: 'number', minimum: 0, maximum: 1 },
      socialShare: { type: 'number', minimum: 0, maximum: 1 },
    },
    required: ['kind', 'from', 'topic', 'tag', 'text', 'mood', 'perMinute'],
  };
}

/**
 * Every event of the storm, in time order: a Poisson stream of `perMinute` from `from` to `to`
 * (absolute times from the run's start), ids `<idPrefix>t<incident>.<n>`.
 */
export function tagStormEvents(
  incident: TagStormIncident,
  startTs: number,
  idPrefix: string,
  incidentIndex: number,
  seed: number,
): CxEvent[] {
  const rng = new Prng(hashString(`tag-storm/${seed}/${incidentIndex}`));
  const from = startTs + incident.fromMs;
  const to = startTs + (incident.toMs ?? incident.fromMs + DEFAULT_SPAN_MS);
  const meanGapMs = 60_000 / incident.perMinute;
  const taggedShare = incident.taggedShare ?? 0.5;
  const socialShare = incident.socialShare ?? 0.5;
  const negative = incident.mood === 'negative';
  const events: CxEvent[] = [];
  let seq = 0;
  for (let t = from + rng.exponential(meanGapMs); t < to; t += rng.exponential(meanGapMs)) {
    const id = `${idPrefix}t${incidentIndex.toString(36)}.${(seq++).toString(36)}`;
    const tags = rng.chance(taggedShare) ? [incident.tag] : undefined;
    const ts = Math.floor(t);
    if (rng.chance(socialShare)) {
      const strength = 0.45 + 0.5 * rng.next();
      const post: SocialFeedbackEvent = {
        id,
        type: 'feedback.social',
        ts,
        platform: rng.pick(PLATFORMS).platform,
        sentiment: Math.round((negative ? -strength : strength) * 100) / 100,
        text: incident.text,
        reach: Math.min(5_000_000, Math.floor(rng.pareto(30, 1.1))),
        touchpoint: incident.topic,
      };
      if (tags) post.tags = tags;
      events.push(post);
      continue;
    }
    const survey: SurveyResponseEvent = {
      id,
      type: 'survey.response',
      ts,
      csat: negative ? 1 + rng.int(2) : 4 + rng.int(2),
      touchpoint: incident.topic,
      channel: 'app',
      comment: incident.text,
    };
    if (rng.chance(0.5)) survey.nps = negative ? rng.int(5) : 9 + rng.int(2);
    if (tags) survey.tags = tags;
    events.push(survey);
  }
  return events;
}
