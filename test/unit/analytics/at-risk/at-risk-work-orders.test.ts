import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { atRiskWorkOrders } from '../../../../src/analytics/at-risk/at-risk-work-orders.js';
import type { AtRiskTracker } from '../../../../src/analytics/at-risk/at-risk-tracker.js';
import type { CxEvent } from '../../../../src/events/types.js';
import { HOUR, T0, contactEvent, pseudonymise, rules } from './fixtures.js';

const abandon = (h: number) => contactEvent('contact.abandoned', 'cu-1', T0 + h * HOUR, { waitMs: 1000 });
const options = { pipeline: 'at-risk', rules: rules(), pseudonymise };

function scheduler() {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

describe('atRiskWorkOrders', () => {
  it('emits nothing for an empty stream, and completes with it', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold<CxEvent[]>('--|').pipe(atRiskWorkOrders(options))).toBe('--|');
    });
  });

  it('emits only batches that raise a work order, in event order', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold<CxEvent[]>('a-b-c|', {
        a: [abandon(1)],
        b: [abandon(2)],
        c: [abandon(3), abandon(4)],
      });
      const causes = source.pipe(atRiskWorkOrders(options));
      expectObservable(causes).toBe('----c|', {
        c: [
          expect.objectContaining({ cause: 'abandons', evidence: expect.objectContaining({ abandons: 3 }) }),
        ],
      });
    });
  });

  it('passes an error through', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold<CxEvent[]>('a#', { a: [abandon(1)] }).pipe(atRiskWorkOrders(options))).toBe('-#');
    });
  });

  it('never completes while its source does not, and stops reading when unsubscribed', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<CxEvent[]>('a-----', { a: [abandon(1)] });
      expectObservable(source.pipe(atRiskWorkOrders(options)), '---!').toBe('');
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('gives each subscription its own tracker and keeps to the pipeline’s event types', () => {
    const trackers: AtRiskTracker[] = [];
    const op = atRiskWorkOrders({
      ...options,
      eventTypes: ['contact.queued'],
      onTracker: (t) => trackers.push(t),
    });
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold<CxEvent[]>('a|', { a: [abandon(1), abandon(2), abandon(3)] });
      expectObservable(source.pipe(op)).toBe('-|');
      expectObservable(source.pipe(op)).toBe('-|');
    });
    expect(trackers).toHaveLength(2);
    expect(trackers[0]).not.toBe(trackers[1]);
    expect(trackers[0]!.stats.signals).toBe(0);
  });
});
