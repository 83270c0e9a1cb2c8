import { describe, expect, it } from 'vitest';
import { LatestValues } from '../../../../src/sinks/memory/latest-values.js';
import type { IndicatorValue } from '../../../../src/windows/indicator-value.js';

const base: IndicatorValue = {
  pipeline: 'p',
  indicator: 'csat',
  window: '1m',
  key: { queue: 'q' },
  keyId: 'queue=q',
  windowStart: 60_000,
  windowEnd: 120_000,
  kind: 'early',
  version: 0,
  value: 0.5,
};

describe('LatestValues', () => {
  it('keeps the newest window and, within a window, the highest version', () => {
    const store = new LatestValues();
    store.update([{ ...base, kind: 'final', version: 1, value: 0.7 }]);
    store.update([{ ...base, kind: 'early', version: 0, value: 0.1 }]);
    expect(store.all()[0]!.value).toBe(0.7);
    store.update([{ ...base, windowStart: 120_000, windowEnd: 180_000, value: 0.2 }]);
    expect(store.all()[0]!.value).toBe(0.2);
    store.update([{ ...base, kind: 'correction', version: 2, value: 0.9 }]);
    expect(store.all()[0]!.value).toBe(0.2);
  });

  it('is bounded by its capacity', () => {
    const store = new LatestValues(2);
    store.update(['a', 'b', 'c'].map((k) => ({ ...base, keyId: k })));
    expect(store.size()).toBe(2);
    expect(store.all().map((v) => v.keyId)).toEqual(['b', 'c']);
  });
});
