import { describe, expect, it } from 'vitest';
import { ahtSeconds } from '../../../src/indicators/aht-seconds.js';
import { contact, contactsOf, def, itMergesAndMatchesReference, refMean, run } from './fixtures.js';

describe('aht_seconds', () => {
  const acc = ahtSeconds(def('aht_seconds'));

  it('is the mean of talk + hold + wrap of ended contacts; missing parts count as 0', () => {
    const events = [
      contact('contact.ended', { talkMs: 100_000, holdMs: 20_000, wrapMs: 30_000 }),
      contact('contact.ended', { talkMs: 50_000 }),
      contact('contact.ended'), // nothing to average: skipped
      contact('contact.answered', { talkMs: 999_000 }),
    ];
    expect(run(acc, events)).toEqual({ value: 100, numerator: 200, denominator: 2, samples: 2 });
  });

  it('is null with no ended contacts', () => {
    expect(run(acc, []).value).toBeNull();
  });

  itMergesAndMatchesReference(acc, (events) =>
    refMean(
      contactsOf(events, 'contact.ended')
        .filter((e) => e.talkMs !== undefined || e.holdMs !== undefined || e.wrapMs !== undefined)
        .map((e) => (e.talkMs ?? 0) + (e.holdMs ?? 0) + (e.wrapMs ?? 0)),
      1 / 1000,
    ),
  );
});
