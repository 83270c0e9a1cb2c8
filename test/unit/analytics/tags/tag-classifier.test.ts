/** Polarity from scores, tags from events and from keyword rules (whole words, never code). */
import { describe, expect, it } from 'vitest';
import {
  KeywordRules,
  NEGATIVE,
  NEUTRAL,
  POSITIVE,
  TagClassifier,
  wordsOf,
} from '../../../../src/analytics/tags/tag-classifier.js';
import type { CxEvent } from '../../../../src/events/types.js';
import { post, rules, survey, T0 } from './fixtures.js';

function tags(classifier: TagClassifier, event: CxEvent): string[] {
  return [...classifier.tagsOf(event)].sort();
}

describe('TagClassifier.polarity', () => {
  const classifier = new TagClassifier(rules());

  it('judges a survey answer by csat, else nps, else ces, at the configured bounds', () => {
    expect(classifier.polarity(survey(T0, { csat: 2 }))).toBe(NEGATIVE);
    expect(classifier.polarity(survey(T0, { csat: 3 }))).toBe(NEUTRAL);
    expect(classifier.polarity(survey(T0, { csat: 4 }))).toBe(POSITIVE);
    // csat first: a happy csat with a low nps is positive.
    expect(classifier.polarity(survey(T0, { csat: 5, nps: 2 }))).toBe(POSITIVE);
    expect(classifier.polarity(survey(T0, { nps: 6 }))).toBe(NEGATIVE);
    expect(classifier.polarity(survey(T0, { nps: 7 }))).toBe(NEUTRAL);
    expect(classifier.polarity(survey(T0, { nps: 9 }))).toBe(POSITIVE);
    expect(classifier.polarity(survey(T0, { ces: 2 }))).toBe(NEGATIVE);
    expect(classifier.polarity(survey(T0, { ces: 6 }))).toBe(POSITIVE);
    expect(classifier.polarity(survey(T0, {}))).toBe(NEUTRAL);
  });

  it('judges a social post by its sentiment, and nothing else at all', () => {
    expect(classifier.polarity(post(T0, -0.3))).toBe(NEGATIVE);
    expect(classifier.polarity(post(T0, -0.29))).toBe(NEUTRAL);
    expect(classifier.polarity(post(T0, 0.3))).toBe(POSITIVE);
    const contact: CxEvent = {
      id: 'c',
      type: 'contact.queued',
      ts: T0,
      channel: 'voice',
      queue: 'q',
      contactId: 'c1',
    };
    expect(classifier.polarity(contact)).toBeUndefined();
  });

  it('follows configured bounds', () => {
    const strict = new TagClassifier(
      rules({
        negative: { csatAtMost: 1, npsAtMost: 4, cesAtMost: 1, sentimentAtMost: -0.8 },
        positive: { csatAtLeast: 5, npsAtLeast: 10, cesAtLeast: 7, sentimentAtLeast: 0.8 },
      }),
    );
    expect(strict.polarity(survey(T0, { csat: 2 }))).toBe(NEUTRAL);
    expect(strict.polarity(post(T0, -0.8))).toBe(NEGATIVE);
    expect(strict.polarity(post(T0, 0.5))).toBe(NEUTRAL);
  });
});

describe('TagClassifier.tagsOf', () => {
  const withRules = (applyTo: 'untagged' | 'all', ignoreTags: string[] = []) =>
    new TagClassifier(
      rules({
        keywords: { 'points-mall-items': ['points mall', 'mall items'], 'long-wait': ['on hold', 'waited'] },
        keywordsApplyTo: applyTo,
        ignoreTags,
      }),
    );

  it('normalises tags and counts each once per answer, even when a rule finds it again', () => {
    const c = withRules('all');
    const e = survey(T0, {
      csat: 1,
      tags: [' Points-Mall-Items', 'points-mall-items', ''],
      comment: 'points mall!',
    });
    expect(tags(c, e)).toEqual(['points-mall-items']);
  });

  it('applies keyword rules to untagged text only, unless told all', () => {
    const untagged = survey(T0, { csat: 1, comment: 'I waited on hold for ages' });
    const tagged = post(T0, -0.9, { tags: ['app'], text: 'The Points-Mall items are junk' });
    expect(tags(withRules('untagged'), untagged)).toEqual(['long-wait']);
    expect(tags(withRules('untagged'), tagged)).toEqual(['app']);
    expect(tags(withRules('all'), tagged)).toEqual(['app', 'points-mall-items']);
  });

  it('drops ignored tags after the rules ran; a post tagged only with them is not untagged', () => {
    const c = withRules('untagged', ['complaint']);
    expect(tags(c, post(T0, -0.9, { tags: ['Complaint'], text: 'on hold again' }))).toEqual([]);
    expect(tags(c, post(T0, -0.9, { tags: ['complaint', 'app'] }))).toEqual(['app']);
  });

  it('reads the survey comment and the post text, nothing else', () => {
    const c = withRules('untagged');
    expect(tags(c, post(T0, -0.9, { text: 'mall items gone' }))).toEqual(['points-mall-items']);
    expect(tags(c, survey(T0, { csat: 1 }))).toEqual([]);
  });
});

describe('KeywordRules', () => {
  const match = (rules: Record<string, string[]>, text: string) => {
    const out = new Set<string>();
    new KeywordRules(rules).match(text, out);
    return [...out].sort();
  };

  it('matches whole words in order, case-insensitively, across any punctuation', () => {
    const r = { mall: ['points mall'] };
    expect(match(r, 'POINTS MALL')).toEqual(['mall']);
    expect(match(r, 'the points-mall, again')).toEqual(['mall']);
    expect(match(r, 'points\n\tmall')).toEqual(['mall']);
    expect(match(r, 'mall points')).toEqual([]);
    expect(match(r, 'pointsmall')).toEqual([]);
    expect(match(r, 'points')).toEqual([]);
    expect(match({ mall: ['mall'] }, 'a small thing')).toEqual([]);
  });

  it('matches letters of any script and several rules at once', () => {
    expect(match({ wait: ['attente'], slow: ['lent'] }, 'Attente très longue, service lent')).toEqual([
      'slow',
      'wait',
    ]);
    expect(match({ price: ['価格'] }, '価格 が高い')).toEqual(['price']);
  });

  it('treats regular-expression characters in a phrase as separators, never as code', () => {
    expect(match({ x: ['.*'] }, 'anything at all')).toEqual([]);
    expect(match({ x: ['a+b'] }, 'a b')).toEqual(['x']);
    expect(wordsOf('  Hello, World!  ')).toEqual(['hello', 'world']);
    expect(wordsOf('!!!')).toEqual([]);
  });
});
