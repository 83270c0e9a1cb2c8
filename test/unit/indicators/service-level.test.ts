import { describe, expect, it } from 'vitest';
import { CxPulseError } from '../../../src/errors/codes.js';
import { serviceLevel } from '../../../src/indicators/service-level.js';
import { contact, contactsOf, def, itMergesAndMatchesReference, refRatio, run } from './fixtures.js';

describe('service_level', () => {
  const acc = serviceLevel(def('service_level'));

  it('is answered within 20 s ÷ (answered + long abandons)', () => {
    const events = [
      contact('contact.answered', { waitMs: 20_000 }), // within: the threshold is inclusive
      contact('contact.answered', { waitMs: 20_001 }),
      contact('contact.answered', { waitMs: 0 }),
      contact('contact.abandoned', { waitMs: 2_000 }), // short: ignored
      contact('contact.abandoned', { waitMs: 60_000 }),
    ];
    expect(run(acc, events)).toEqual({ value: 2 / 4, numerator: 2, denominator: 4, samples: 4 });
  });

  it('leaves answered contacts without waitMs out of both sides', () => {
    expect(run(acc, [contact('contact.answered'), contact('contact.answered', { waitMs: 1 })]).value).toBe(1);
  });

  it('uses per-queue thresholds, falling back to serviceLevelThresholdMs', () => {
    const perQueue = serviceLevel(
      def('service_level', { serviceLevelThresholdMs: 10_000, thresholdsByQueue: { vip: 5_000 } }),
    );
    const events = [
      contact('contact.answered', { queue: 'vip', waitMs: 6_000 }), // over vip's 5 s
      contact('contact.answered', { queue: 'other', waitMs: 6_000 }), // under the default 10 s
    ];
    expect(run(perQueue, events)).toMatchObject({ numerator: 1, denominator: 2 });
  });

  it('rejects a non-numeric threshold at build time', () => {
    expect(() => serviceLevel(def('service_level', { serviceLevelThresholdMs: '20s' }))).toThrow(
      CxPulseError,
    );
  });

  it('is null with no outcomes', () => {
    expect(run(acc, []).value).toBeNull();
  });

  itMergesAndMatchesReference(
    serviceLevel(def('service_level', { thresholdsByQueue: { billing: 10_000 } })),
    (events) => {
      const answered = contactsOf(events, 'contact.answered').filter((e) => e.waitMs !== undefined);
      const within = answered.filter((e) => e.waitMs! <= (e.queue === 'billing' ? 10_000 : 20_000)).length;
      const long = contactsOf(events, 'contact.abandoned').filter(
        (e) => e.waitMs === undefined || e.waitMs >= 5_000,
      ).length;
      return refRatio(within, answered.length + long);
    },
  );
});
