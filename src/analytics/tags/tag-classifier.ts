/**
 * What a survey answer or a social post says for the tag rankings: its polarity (from its score)
 * and its tags — the ones it carries, plus those the pipeline's keyword rules find in its text.
 *
 * - Polarity: a `survey.response` by its first score of csat, nps, ces (csat is the question the
 *   tags and comments come with; an answer with none is neutral); a `feedback.social` post by its
 *   sentiment. At or below the `negative` bound: negative; at or above the `positive` one: positive.
 * - Tags: trimmed and lower-cased, each counted once per answer whether it came as a tag, from a
 *   keyword rule, or both; `ignoreTags` are dropped (after the keyword rules ran).
 * - Keyword rules are data (tag → words or phrases), never code: the text and each phrase are cut
 *   into words (runs of letters and digits, any script) and lower-cased, and a phrase matches where
 *   its words appear in the text consecutively. "points-mall" and "Points mall" are the same phrase;
 *   "mall" does not match "small".
 */
import type { TagRankingsDefinition } from '../../config/pipeline-definition.js';
import type { CxEvent } from '../../events/types.js';

export const NEGATIVE = 0;
export const POSITIVE = 1;
export const NEUTRAL = 2;
/** 0 negative, 1 positive, 2 neutral. */
export type PolarityCode = typeof NEGATIVE | typeof POSITIVE | typeof NEUTRAL;

const WORD_SEPARATOR = /[^\p{L}\p{N}]+/u;

/** Lower-cased words of a text, in order. */
export function wordsOf(text: string): string[] {
  const words = text.toLowerCase().split(WORD_SEPARATOR);
  // split leaves an empty string at either end when the text starts or ends with a separator.
  let from = 0;
  let to = words.length;
  if (to > 0 && words[0] === '') from = 1;
  if (to > from && words[to - 1] === '') to--;
  return from === 0 && to === words.length ? words : words.slice(from, to);
}

export function normaliseTag(tag: string): string {
  return tag.trim().toLowerCase();
}

interface Phrase {
  rest: string[];
  tag: string;
}

/** Keyword rules compiled into first word → phrases starting with it. */
export class KeywordRules {
  private readonly byFirstWord = new Map<string, Phrase[]>();

  constructor(rules: Readonly<Record<string, readonly string[]>>) {
    for (const [tag, phrases] of Object.entries(rules)) {
      for (const phrase of phrases) {
        const words = wordsOf(phrase);
        if (words.length === 0) continue;
        const list = this.byFirstWord.get(words[0]!) ?? [];
        list.push({ rest: words.slice(1), tag: normaliseTag(tag) });
        this.byFirstWord.set(words[0]!, list);
      }
    }
  }

  get empty(): boolean {
    return this.byFirstWord.size === 0;
  }

  /** Adds the tags of every phrase found in `text` to `out`. */
  match(text: string, out: Set<string>): void {
    const words = wordsOf(text);
    for (let i = 0; i < words.length; i++) {
      const phrases = this.byFirstWord.get(words[i]!);
      if (phrases === undefined) continue;
      for (const { rest, tag } of phrases) {
        if (i + rest.length >= words.length) continue;
        let j = 0;
        while (j < rest.length && words[i + 1 + j] === rest[j]) j++;
        if (j === rest.length) out.add(tag);
      }
    }
  }
}

export class TagClassifier {
  private readonly rules: TagRankingsDefinition;
  private readonly keywords: KeywordRules;
  private readonly keywordsOnUntaggedOnly: boolean;
  private readonly ignored: ReadonlySet<string>;
  private readonly found = new Set<string>();

  constructor(rules: TagRankingsDefinition) {
    this.rules = rules;
    this.keywords = new KeywordRules(rules.keywords);
    this.keywordsOnUntaggedOnly = rules.keywordsApplyTo === 'untagged';
    this.ignored = new Set(rules.ignoreTags.map(normaliseTag));
  }

  /** The polarity of an answer or post; undefined for any other event type. */
  polarity(event: CxEvent): PolarityCode | undefined {
    if (event.type === 'survey.response') {
      const { negative, positive } = this.rules;
      if (event.csat !== undefined) return judge(event.csat, negative.csatAtMost, positive.csatAtLeast);
      if (event.nps !== undefined) return judge(event.nps, negative.npsAtMost, positive.npsAtLeast);
      if (event.ces !== undefined) return judge(event.ces, negative.cesAtMost, positive.cesAtLeast);
      return NEUTRAL;
    }
    if (event.type === 'feedback.social') {
      return judge(
        event.sentiment,
        this.rules.negative.sentimentAtMost,
        this.rules.positive.sentimentAtLeast,
      );
    }
    return undefined;
  }

  /**
   * The distinct tags of an answer or post: its own, and those its text earns by the keyword rules.
   * The returned set is reused by the next call.
   */
  tagsOf(event: CxEvent): ReadonlySet<string> {
    const found = this.found;
    found.clear();
    const e = event as { tags?: readonly string[]; comment?: string; text?: string };
    const tags = e.tags;
    if (tags !== undefined) {
      for (const tag of tags) {
        const t = normaliseTag(tag);
        if (t !== '') found.add(t);
      }
    }
    // "Untagged" means no tag at all, ignored ones included: a post tagged only `complaint` was tagged.
    if (!this.keywords.empty && !(this.keywordsOnUntaggedOnly && found.size > 0)) {
      const text = event.type === 'survey.response' ? e.comment : e.text;
      if (text !== undefined && text !== '') this.keywords.match(text, found);
    }
    if (this.ignored.size > 0) for (const t of this.ignored) found.delete(t);
    return found;
  }
}

function judge(score: number, negativeAtMost: number, positiveAtLeast: number): PolarityCode {
  if (score <= negativeAtMost) return NEGATIVE;
  if (score >= positiveAtLeast) return POSITIVE;
  return NEUTRAL;
}
