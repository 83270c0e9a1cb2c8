import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EnrichmentMarks } from '../../../src/indicators/enrichment-marks.js';
import { repeatContactRate } from '../../../src/indicators/repeat-contact-rate.js';
import { RepeatContactTracker } from '../../../src/indicators/repeat-contact-tracker.js';
import {
  contact,
  contactsOf,
  cutsArb,
  def,
  eventsArb,
  expectSameResult,
  refRatio,
  run,
  runSplit,
} from './fixtures.js';

describe('repeat_contact_rate', () => {
  it('is repeat-marked queued contacts ÷ queued contacts with a customerId', () => {
    const marks = new EnrichmentMarks();
    const acc = repeatContactRate(def('repeat_contact_rate'), { marks });
    const events = [
      contact('contact.queued', { customerId: 'u1', ts: 0 }),
      contact('contact.queued', { customerId: 'u1', ts: 60_000 }),
      contact('contact.queued', { customerId: 'u2', ts: 70_000 }),
      contact('contact.queued', { ts: 80_000 }), // anonymous: neither side
      contact('contact.answered', { customerId: 'u1', ts: 90_000 }),
    ];
    new RepeatContactTracker({ marks }).markRepeats(events);
    expect(run(acc, events)).toEqual({ value: 1 / 3, numerator: 1, denominator: 3, samples: 3 });
  });

  it('sees no repeats without the tracker, and only the marks it is given', () => {
    const marks = new EnrichmentMarks();
    const events = [
      contact('contact.queued', { customerId: 'u1' }),
      contact('contact.queued', { customerId: 'u1' }),
    ];
    new RepeatContactTracker({ marks: new EnrichmentMarks() }).markRepeats(events);
    expect(run(repeatContactRate(def('repeat_contact_rate'), { marks }), events).value).toBe(0);
  });

  it('is null with no identified contacts', () => {
    expect(run(repeatContactRate(def('repeat_contact_rate')), [contact('contact.queued')]).value).toBeNull();
  });

  it('merges exactly and matches the marks counted directly', () => {
    fc.assert(
      fc.property(eventsArb, cutsArb, (raw, cuts) => {
        const events = [...raw].sort((a, b) => a.ts - b.ts);
        const marks = new EnrichmentMarks();
        new RepeatContactTracker({ lookbackMs: 2000, marks }).markRepeats(events);
        const acc = repeatContactRate(def('repeat_contact_rate'), { marks });
        const identified = contactsOf(events, 'contact.queued').filter((e) => e.customerId !== undefined);
        const reference = refRatio(identified.filter((e) => marks.repeats.has(e)).length, identified.length);
        expectSameResult(run(acc, events), reference);
        expectSameResult(runSplit(acc, events, cuts), reference);
      }),
      { numRuns: 150 },
    );
  });
});
