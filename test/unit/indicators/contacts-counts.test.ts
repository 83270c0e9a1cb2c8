import { describe, expect, it } from 'vitest';
import { contactsAbandoned } from '../../../src/indicators/contacts-abandoned.js';
import { contactsAnswered } from '../../../src/indicators/contacts-answered.js';
import { contactsOffered } from '../../../src/indicators/contacts-offered.js';
import { contact, contactsOf, def, itMergesAndMatchesReference, run, social } from './fixtures.js';

const cases = [
  ['contacts_offered', contactsOffered, 'contact.queued'],
  ['contacts_answered', contactsAnswered, 'contact.answered'],
  ['contacts_abandoned', contactsAbandoned, 'contact.abandoned'],
] as const;

for (const [id, factory, type] of cases) {
  describe(id, () => {
    const acc = factory(def(id));

    it(`counts ${type} events and nothing else`, () => {
      const events = [
        contact(type),
        contact(type, { waitMs: 1 }),
        contact(type === 'contact.queued' ? 'contact.answered' : 'contact.queued'),
        social(0.5),
      ];
      expect(run(acc, events)).toEqual({ value: 2, numerator: 2, samples: 2 });
    });

    it('reports 0, not null, for an empty window', () => {
      expect(run(acc, []).value).toBe(0);
    });

    it('reads only its event type', () => {
      expect(acc.eventTypes).toEqual([type]);
    });

    itMergesAndMatchesReference(acc, (events) => {
      const n = contactsOf(events, type).length;
      return { value: n, numerator: n, samples: n };
    });
  });
}
