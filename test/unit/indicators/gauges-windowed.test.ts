import { describe, expect, it } from 'vitest';
import { agentsAvailable } from '../../../src/indicators/agents-available.js';
import { contactsInQueue } from '../../../src/indicators/contacts-in-queue.js';
import { occupancy } from '../../../src/indicators/occupancy.js';
import { oldestWaitSeconds } from '../../../src/indicators/oldest-wait-seconds.js';
import {
  agent,
  agentsOf,
  contact,
  contactsOf,
  def,
  eventsArb,
  itMergesAndMatchesReference,
  refRatio,
  run,
} from './fixtures.js';

describe('windowed forms of the live gauges', () => {
  it('contacts_in_queue and agents_available have no windowed value', () => {
    for (const acc of [contactsInQueue(def('contacts_in_queue')), agentsAvailable(def('agents_available'))]) {
      expect(acc.eventTypes).toEqual([]);
      expect(run(acc, [contact('contact.queued'), agent('a', 'available', ['q1'])])).toEqual({
        value: null,
        samples: 0,
      });
    }
  });

  describe('oldest_wait_seconds: the longest wait that ended in the window', () => {
    const acc = oldestWaitSeconds(def('oldest_wait_seconds'));

    it('takes the max over answered and abandoned waits', () => {
      const events = [
        contact('contact.answered', { waitMs: 12_000 }),
        contact('contact.abandoned', { waitMs: 45_000 }),
        contact('contact.answered'),
        contact('contact.ended', { waitMs: 99_000 }),
      ];
      expect(run(acc, events)).toEqual({ value: 45, samples: 2 });
    });

    it('is null with no ended waits; a zero wait is 0', () => {
      expect(run(acc, []).value).toBeNull();
      expect(run(acc, [contact('contact.answered', { waitMs: 0 })]).value).toBe(0);
    });

    itMergesAndMatchesReference(acc, (events) => {
      const waits = [...contactsOf(events, 'contact.answered'), ...contactsOf(events, 'contact.abandoned')]
        .map((e) => e.waitMs)
        .filter((w): w is number => w !== undefined);
      return { value: waits.length ? Math.max(...waits) / 1000 : null, samples: waits.length };
    });
  });

  describe('occupancy: share of busy/wrap among non-away agent.state samples', () => {
    const acc = occupancy(def('occupancy'));

    it('counts busy and wrap over available, busy and wrap', () => {
      const events = ['available', 'busy', 'wrap', 'away', 'busy'].map((s, i) =>
        agent(`a${i}`, s as 'available', ['q1']),
      );
      expect(run(acc, events)).toEqual({ value: 0.75, numerator: 3, denominator: 4, samples: 4 });
    });

    it('is null when everyone is away', () => {
      expect(run(acc, [agent('a', 'away', ['q1'])]).value).toBeNull();
    });

    itMergesAndMatchesReference(
      acc,
      (events) => {
        const loggedIn = agentsOf(events).filter((e) => e.state !== 'away');
        return refRatio(
          loggedIn.filter((e) => e.state === 'busy' || e.state === 'wrap').length,
          loggedIn.length,
        );
      },
      eventsArb,
    );
  });
});
