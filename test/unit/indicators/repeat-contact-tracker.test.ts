import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CxEvent } from '../../../src/events/types.js';
import { EnrichmentMarks } from '../../../src/indicators/enrichment-marks.js';
import { RepeatContactTracker } from '../../../src/indicators/repeat-contact-tracker.js';
import { contact, contactArb, cutsArb, def } from './fixtures.js';

const queued = (customerId: string | undefined, ts: number) =>
  contact('contact.queued', { ts, ...(customerId ? { customerId } : {}) });

describe('RepeatContactTracker', () => {
  it('marks a contact whose customer queued another within the lookback (inclusive)', () => {
    const tracker = new RepeatContactTracker({ lookbackMs: 1000, marks: new EnrichmentMarks() });
    const events = [
      queued('u1', 0),
      queued('u2', 100),
      queued('u1', 1000),
      queued('u1', 2001),
      queued(undefined, 2002),
    ];
    tracker.markRepeats(events);
    expect(events.map((e) => tracker.isRepeat(e))).toEqual([false, false, true, false, false]);
  });

  it('looks only at contact.queued events', () => {
    const tracker = new RepeatContactTracker({ marks: new EnrichmentMarks() });
    const answered = contact('contact.answered', { customerId: 'u1', ts: 0 });
    const later = queued('u1', 10);
    tracker.markRepeats([answered, later]);
    expect(tracker.isRepeat(later)).toBe(false);
  });

  it('never marks an out-of-order contact older than the customer’s last one', () => {
    const tracker = new RepeatContactTracker({ marks: new EnrichmentMarks() });
    const late = queued('u1', 500);
    tracker.markRepeats([queued('u1', 1000), late]);
    expect(tracker.isRepeat(late)).toBe(false);
  });

  it('forgets customers outside the lookback', () => {
    const tracker = new RepeatContactTracker({ lookbackMs: 1000, marks: new EnrichmentMarks() });
    tracker.markRepeats([queued('u1', 0), queued('u2', 500)]);
    tracker.markRepeats([queued('u3', 1600)]);
    expect(tracker.size).toBe(1);
    expect(tracker.stats.expired).toBe(2);
  });

  it('is bounded: evicts the least recently seen customer at the cap and counts it', () => {
    const tracker = new RepeatContactTracker({ maxCustomers: 2, marks: new EnrichmentMarks() });
    const back = queued('u1', 30);
    tracker.markRepeats([queued('u1', 0), queued('u2', 10), queued('u3', 20), back]);
    expect(tracker.size).toBe(2);
    expect(tracker.stats.evictedForCapacity).toBe(2);
    expect(tracker.isRepeat(back)).toBe(false); // the price of the cap: u1 was forgotten
  });

  it('reads lookbackMs from the repeat_contact_rate definition', () => {
    expect(
      RepeatContactTracker.optionsFrom(def('repeat_contact_rate', { lookbackMs: 60_000 })).lookbackMs,
    ).toBe(60_000);
    expect(new RepeatContactTracker().lookbackMs).toBe(24 * 60 * 60 * 1000);
  });

  it('matches a brute-force search on time-ordered events, whatever the batching', () => {
    fc.assert(
      fc.property(fc.array(contactArb, { maxLength: 80 }), cutsArb, (raw, cuts) => {
        const events: CxEvent[] = [...raw].sort((a, b) => a.ts - b.ts);
        const tracker = new RepeatContactTracker({ lookbackMs: 1000, marks: new EnrichmentMarks() });
        const bounds = [...new Set(cuts.map((c) => c % (events.length + 1))), events.length].sort(
          (a, b) => a - b,
        );
        let start = 0;
        for (const b of bounds) {
          tracker.markRepeats(events.slice(start, b));
          start = b;
        }
        events.forEach((e, i) => {
          const expected =
            e.type === 'contact.queued' &&
            e.customerId !== undefined &&
            events
              .slice(0, i)
              .some(
                (p) =>
                  p.type === 'contact.queued' &&
                  p.customerId === e.customerId &&
                  e.ts - p.ts >= 0 &&
                  e.ts - p.ts <= 1000,
              );
          expect(tracker.isRepeat(e), `event ${i}`).toBe(expected);
        });
      }),
      { numRuns: 200 },
    );
  });
});
