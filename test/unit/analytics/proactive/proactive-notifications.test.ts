import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { proactiveNotifications } from '../../../../src/analytics/proactive/proactive-notifications.js';
import type { UsageForecaster } from '../../../../src/analytics/proactive/usage-forecaster.js';
import type { CxEvent } from '../../../../src/events/types.js';
import { DAY, T0, care, pseudonymise, steadyAccount } from './fixtures.js';

const options = { pipeline: 'proactive-care', care: care(), pseudonymise };
// 240 a day from 1500: days 1–3 complete at the first report of day 4, when a week is over what is left.
const account = steadyAccount('acc-1', T0, 5, 240, 1500);
const upToDay4 = account.filter((e) => e.ts < T0 + 4 * DAY);
const day4 = account.filter((e) => e.ts >= T0 + 4 * DAY);

function scheduler() {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

describe('proactiveNotifications', () => {
  it('emits nothing for an empty stream, and completes with it', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold<CxEvent[]>('--|').pipe(proactiveNotifications(options))).toBe('--|');
    });
  });

  it('emits only batches that raise a notification, once per cycle', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold<CxEvent[]>('a-b-c|', { a: upToDay4, b: day4.slice(0, 1), c: day4.slice(1) });
      expectObservable(source.pipe(proactiveNotifications(options))).toBe('--b--|', {
        b: [expect.objectContaining({ entity: pseudonymise('acc-1'), ts: day4[0]!.ts, historyBuckets: 3 })],
      });
    });
  });

  it('passes an error through', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold<CxEvent[]>('a#', { a: upToDay4 }).pipe(proactiveNotifications(options))).toBe(
        '-#',
      );
    });
  });

  it('never completes while its source does not, and stops reading when unsubscribed', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<CxEvent[]>('a-----', { a: upToDay4 });
      expectObservable(source.pipe(proactiveNotifications(options)), '---!').toBe('');
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('gives each subscription its own forecaster and keeps to the pipeline’s event types', () => {
    const forecasters: UsageForecaster[] = [];
    const op = proactiveNotifications({
      ...options,
      eventTypes: ['contact.queued'],
      onForecaster: (f) => forecasters.push(f),
    });
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold<CxEvent[]>('a|', { a: account });
      expectObservable(source.pipe(op)).toBe('-|');
      expectObservable(source.pipe(op)).toBe('-|');
    });
    expect(forecasters).toHaveLength(2);
    expect(forecasters.map((f) => f.size)).toEqual([0, 0]);
  });
});
