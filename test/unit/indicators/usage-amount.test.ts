import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AccountUsageEvent, CxEvent } from '../../../src/events/types.js';
import { usageAmount } from '../../../src/indicators/usage-amount.js';
import { contact, cutsArb, def, run, runSplit, social } from './fixtures.js';

const usage = (used: number, metric = 'data-mb'): AccountUsageEvent => ({
  id: `u-${used}`,
  type: 'account.usage',
  ts: 1,
  accountId: 'acc-1',
  metric,
  used,
  remaining: 100,
});

describe('usage_amount', () => {
  const acc = usageAmount(def('usage_amount'));

  it('sums used over account.usage events, with the reports as samples, and reads nothing else', () => {
    expect(run(acc, [usage(10), usage(2.5), contact('contact.queued'), social(0.5)])).toEqual({
      value: 12.5,
      samples: 2,
    });
    expect(acc.eventTypes).toEqual(['account.usage']);
  });

  it('reports 0 for an empty window and skips a used that is not a finite amount', () => {
    expect(run(acc, [])).toEqual({ value: 0, samples: 0 });
    expect(run(acc, [usage(-1), usage(Infinity), usage(Number.NaN), usage(3)])).toEqual({
      value: 3,
      samples: 1,
    });
  });

  it('merges split windows into the same sum, and its numeric form agrees', () => {
    const events = fc.array(
      fc.integer({ min: 0, max: 1000 }).map((n): CxEvent => usage(n)),
      { maxLength: 60 },
    );
    fc.assert(
      fc.property(events, cutsArb, (list, cuts) => {
        const sum = list.reduce((s, e) => s + (e as AccountUsageEvent).used, 0);
        expect(runSplit(acc, list, cuts)).toEqual({ value: sum, samples: list.length });
        const slots = new Float64Array(acc.numeric!.slots);
        for (const e of list) acc.numeric!.add(slots, 0, e);
        expect(acc.numeric!.result(slots, 0)).toEqual({ value: sum, samples: list.length });
      }),
    );
  });
});
