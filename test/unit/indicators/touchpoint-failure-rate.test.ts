import { describe, expect, it } from 'vitest';
import { touchpointFailureRate } from '../../../src/indicators/touchpoint-failure-rate.js';
import { def, itMergesAndMatchesReference, refRatio, run, touchpoint, touchpointsOf } from './fixtures.js';

describe('touchpoint_failure_rate', () => {
  const acc = touchpointFailureRate(def('touchpoint_failure_rate'));

  it('is failures ÷ all touchpoint events (abandoned ones count in the denominator)', () => {
    const events = [
      touchpoint({ outcome: 'failure' }),
      touchpoint({ outcome: 'success' }),
      touchpoint({ outcome: 'abandoned' }),
      touchpoint({ outcome: 'success' }),
    ];
    expect(run(acc, events)).toEqual({ value: 0.25, numerator: 1, denominator: 4, samples: 4 });
  });

  it('is null with no touchpoint events', () => {
    expect(run(acc, []).value).toBeNull();
  });

  itMergesAndMatchesReference(acc, (events) => {
    const all = touchpointsOf(events);
    return refRatio(all.filter((e) => e.outcome === 'failure').length, all.length);
  });
});
