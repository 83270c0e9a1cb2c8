import { describe, expect, it } from 'vitest';
import { asaSeconds } from '../../../src/indicators/asa-seconds.js';
import { contact, contactsOf, def, itMergesAndMatchesReference, refMean, run } from './fixtures.js';

describe('asa_seconds', () => {
  const acc = asaSeconds(def('asa_seconds'));

  it('is the mean wait of answered contacts, in seconds', () => {
    const events = [
      contact('contact.answered', { waitMs: 10_000 }),
      contact('contact.answered', { waitMs: 20_000 }),
      contact('contact.answered'), // no wait: no sample
      contact('contact.abandoned', { waitMs: 90_000 }),
    ];
    expect(run(acc, events)).toEqual({ value: 15, numerator: 30, denominator: 2, samples: 2 });
  });

  it('is null with no answered contacts', () => {
    expect(run(acc, [contact('contact.queued')]).value).toBeNull();
  });

  itMergesAndMatchesReference(acc, (events) =>
    refMean(
      contactsOf(events, 'contact.answered')
        .filter((e) => e.waitMs !== undefined)
        .map((e) => e.waitMs!),
      1 / 1000,
    ),
  );
});
