import { describe, expect, it } from 'vitest';
import { INDICATOR_IDS, type IndicatorDefinition } from '../../../src/config/pipeline-definition.js';
import { EVENT_TYPES } from '../../../src/events/types.js';
import { CxPulseError } from '../../../src/errors/codes.js';
import { INDICATORS, createAccumulator, indicatorMetadata } from '../../../src/indicators/registry.js';
import { def, eventsArb } from './fixtures.js';
import fc from 'fast-check';

describe('indicator registry', () => {
  it('has metadata and a factory for every indicator id, and nothing else', () => {
    expect(Object.keys(INDICATORS).sort()).toEqual([...INDICATOR_IDS].sort());
    for (const id of INDICATOR_IDS) expect(indicatorMetadata(id).id).toBe(id);
  });

  it('builds accumulators named after the definition', () => {
    for (const id of INDICATOR_IDS) {
      const acc = createAccumulator({ ...def(id), name: `${id}_vip` });
      expect(acc.name).toBe(`${id}_vip`);
      for (const t of acc.eventTypes) expect(EVENT_TYPES).toContain(t);
    }
  });

  it('rejects an unknown id', () => {
    expect(() =>
      createAccumulator({ ...def('csat'), id: 'happiness' } as unknown as IndicatorDefinition),
    ).toThrow(CxPulseError);
  });

  it('never yields NaN or Infinity, empty or not; add() ignores events outside eventTypes', () => {
    const accs = INDICATOR_IDS.map((id) => createAccumulator(def(id)));
    for (const acc of accs)
      expect(acc.result(acc.create()).value === null || acc.result(acc.create()).value === 0).toBe(true);
    fc.assert(
      fc.property(eventsArb, (events) => {
        for (const acc of accs) {
          const all = acc.create();
          const routed = acc.create();
          for (const e of events) {
            acc.add(all, e);
            if (acc.eventTypes.includes(e.type)) acc.add(routed, e);
          }
          const value = acc.result(all).value;
          expect(value === null || Number.isFinite(value), acc.name).toBe(true);
          expect(acc.result(all), acc.name).toEqual(acc.result(routed));
        }
      }),
      { numRuns: 60 },
    );
  });
});
