import { describe, expect, it } from 'vitest';
import { LiveContactState } from '../../../src/indicators/live-contact-state.js';
import { agent, contact } from './fixtures.js';

const queued = (contactId: string, queue: string, ts: number) =>
  contact('contact.queued', { contactId, queue, ts });

describe('LiveContactState', () => {
  it('counts waiting contacts per queue until answered, abandoned or transferred', () => {
    const live = new LiveContactState();
    live.applyAll([
      queued('c1', 'billing', 0),
      queued('c2', 'billing', 1000),
      queued('c3', 'billing', 2000),
      queued('c4', 'sales', 2500),
      contact('contact.answered', { contactId: 'c1', queue: 'billing', ts: 3000 }),
      contact('contact.abandoned', { contactId: 'c2', queue: 'billing', ts: 3500 }),
    ]);
    expect(live.contactsInQueue('billing', 4000)).toBe(1);
    expect(live.oldestWaitSeconds('billing', 4000)).toBe(2);
    expect(live.contactsInQueue('sales', 4000)).toBe(1);
    live.apply(
      contact('contact.transferred', { contactId: 'c3', queue: 'billing', toQueue: 'sales', ts: 5000 }),
    );
    expect(live.contactsInQueue('billing', 5000)).toBe(0);
    expect(live.oldestWaitSeconds('billing', 5000)).toBeNull();
  });

  it('finds the oldest contact even when queued events arrive out of order', () => {
    const live = new LiveContactState();
    live.applyAll([queued('late', 'q', 5000), queued('early', 'q', 1000)]);
    expect(live.oldestWaitSeconds('q', 6000)).toBe(5);
  });

  it('moves a contact queued again instead of counting it twice', () => {
    const live = new LiveContactState();
    live.applyAll([queued('c1', 'billing', 0), queued('c1', 'tech', 100)]);
    expect(live.contactsInQueue('billing', 200)).toBe(0);
    expect(live.contactsInQueue('tech', 200)).toBe(1);
  });

  it('drops and counts contacts waiting longer than maxWaitMs', () => {
    const live = new LiveContactState({ maxWaitMs: 10_000 });
    live.applyAll([queued('c1', 'q', 0), queued('c2', 'q', 5000)]);
    expect(live.contactsInQueue('q', 12_000)).toBe(1);
    expect(live.stats.droppedStale).toBe(1);
  });

  it('is bounded by maxContacts, oldest dropped first', () => {
    const live = new LiveContactState({ maxContacts: 2 });
    live.applyAll([queued('c1', 'q', 0), queued('c2', 'q', 1), queued('c3', 'q', 2)]);
    expect(live.contactsInQueue('q', 3)).toBe(2);
    expect(live.oldestWaitSeconds('q', 1001)).toBe(1);
    expect(live.stats.droppedForCapacity).toBe(1);
  });

  it('counts an agent for every queue in its skills and follows its state changes', () => {
    const live = new LiveContactState();
    live.applyAll([
      agent('a1', 'available', ['billing', 'sales']),
      agent('a2', 'busy', ['billing']),
      agent('a3', 'wrap', ['billing']),
      agent('a4', 'away', ['billing']),
    ]);
    expect(live.agentsAvailable('billing')).toBe(1);
    expect(live.agentsAvailable('sales')).toBe(1);
    expect(live.occupancy('billing')).toBeCloseTo(2 / 3, 12); // away excluded
    expect(live.occupancy('sales')).toBe(0);
    live.apply(agent('a1', 'busy', ['sales'])); // state and skills change together
    expect(live.agentsAvailable('billing')).toBe(0);
    expect(live.agentsAvailable('sales')).toBe(0);
    expect(live.occupancy('billing')).toBe(1);
    expect(live.occupancy('sales')).toBe(1);
  });

  it('has no occupancy without logged-in agents', () => {
    const live = new LiveContactState();
    expect(live.occupancy('q')).toBeNull();
    live.apply(agent('a1', 'away', ['q']));
    expect(live.occupancy('q')).toBeNull();
    expect(live.agentsAvailable('q')).toBe(0);
  });

  it('snapshots every known queue at a given time', () => {
    const live = new LiveContactState();
    live.applyAll([queued('c1', 'billing', 0), agent('a1', 'available', ['sales'])]);
    expect(live.snapshot(3000)).toEqual([
      { queue: 'billing', contactsInQueue: 1, oldestWaitSeconds: 3, agentsAvailable: 0, occupancy: null },
      { queue: 'sales', contactsInQueue: 0, oldestWaitSeconds: null, agentsAvailable: 1, occupancy: 0 },
    ]);
  });
});
