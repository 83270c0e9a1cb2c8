import { describe, expect, it } from 'vitest';
import { abandonmentRate } from '../../../src/indicators/abandonment-rate.js';
import { contact, contactsOf, def, itMergesAndMatchesReference, refRatio, run } from './fixtures.js';

describe('abandonment_rate', () => {
  const acc = abandonmentRate(def('abandonment_rate'));

  it('is long abandons ÷ (answered + long abandons); short abandons do not count', () => {
    const events = [
      contact('contact.answered', { waitMs: 3_000 }),
      contact('contact.answered', { waitMs: 30_000 }),
      contact('contact.answered'),
      contact('contact.abandoned', { waitMs: 4_999 }), // short
      contact('contact.abandoned', { waitMs: 5_000 }), // long: the bound is inclusive
      contact('contact.queued'),
    ];
    expect(run(acc, events)).toEqual({ value: 1 / 4, numerator: 1, denominator: 4, samples: 4 });
  });

  it('counts an abandon without waitMs as long', () => {
    expect(run(acc, [contact('contact.abandoned')]).value).toBe(1);
  });

  it('honours params.shortAbandonMs', () => {
    const strict = abandonmentRate(def('abandonment_rate', { shortAbandonMs: 0 }));
    expect(
      run(strict, [contact('contact.abandoned', { waitMs: 1 }), contact('contact.answered')]).value,
    ).toBe(0.5);
  });

  it('is null, not NaN, with no outcomes (only queued or short abandons)', () => {
    expect(run(acc, []).value).toBeNull();
    expect(
      run(acc, [contact('contact.queued'), contact('contact.abandoned', { waitMs: 10 })]).value,
    ).toBeNull();
  });

  itMergesAndMatchesReference(acc, (events) => {
    const answered = contactsOf(events, 'contact.answered').length;
    const long = contactsOf(events, 'contact.abandoned').filter(
      (e) => !(e.waitMs !== undefined && e.waitMs < 5_000),
    ).length;
    return refRatio(long, answered + long);
  });
});
