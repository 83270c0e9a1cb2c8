import { describe, expect, it } from 'vitest';
import { transferRate } from '../../../src/indicators/transfer-rate.js';
import { contact, contactsOf, def, itMergesAndMatchesReference, refRatio, run } from './fixtures.js';

describe('transfer_rate', () => {
  const acc = transferRate(def('transfer_rate'));

  it('is transfers ÷ answered', () => {
    const events = [
      contact('contact.answered'),
      contact('contact.answered'),
      contact('contact.answered'),
      contact('contact.answered'),
      contact('contact.transferred', { toQueue: 'tech' }),
    ];
    expect(run(acc, events).value).toBe(0.25);
  });

  it('is not clamped when a window sees transfers of contacts answered earlier', () => {
    expect(
      run(acc, [contact('contact.transferred'), contact('contact.transferred'), contact('contact.answered')])
        .value,
    ).toBe(2);
  });

  it('is null with nothing answered', () => {
    expect(run(acc, [contact('contact.transferred')]).value).toBeNull();
  });

  itMergesAndMatchesReference(acc, (events) =>
    refRatio(contactsOf(events, 'contact.transferred').length, contactsOf(events, 'contact.answered').length),
  );
});
