import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CxEvent } from '../../../src/events/types.js';
import { CxPulseError } from '../../../src/errors/codes.js';
import type { IndicatorResult } from '../../../src/indicators/accumulator.js';
import {
  DEFAULT_EXPERIENCE_WEIGHTS,
  combineExperience,
  deriveExperienceIndex,
  experienceIndex,
  readExperienceWeights,
} from '../../../src/indicators/experience-index.js';
import { createAccumulator } from '../../../src/indicators/registry.js';
import {
  contact,
  contactsOf,
  def,
  eventsArb,
  expectSameResult,
  itMergesAndMatchesReference,
  run,
  survey,
  surveysOf,
  touchpoint,
  touchpointsOf,
} from './fixtures.js';

function referenceIndex(events: readonly CxEvent[]): IndicatorResult {
  const answered = contactsOf(events, 'contact.answered');
  const judged = answered.filter((e) => e.waitMs !== undefined);
  const long = contactsOf(events, 'contact.abandoned').filter(
    (e) => e.waitMs === undefined || e.waitMs >= 5000,
  );
  const csats = surveysOf(events).filter((e) => e.csat !== undefined && e.csat >= 1 && e.csat <= 5);
  const npss = surveysOf(events).filter((e) => e.nps !== undefined && e.nps >= 0 && e.nps <= 10);
  const tps = touchpointsOf(events);
  const comps: Record<string, number | null> = {
    service_level:
      judged.length + long.length
        ? judged.filter((e) => e.waitMs! <= 20_000).length / (judged.length + long.length)
        : null,
    abandonment: answered.length + long.length ? 1 - long.length / (answered.length + long.length) : null,
    csat: csats.length ? csats.filter((e) => e.csat! >= 4).length / csats.length : null,
    nps: npss.length
      ? ((100 * (npss.filter((e) => e.nps! >= 9).length - npss.filter((e) => e.nps! <= 6).length)) /
          npss.length +
          100) /
        200
      : null,
    touchpoint_success: tps.length
      ? 1 - tps.filter((e) => e.outcome === 'failure').length / tps.length
      : null,
  };
  const w = DEFAULT_EXPERIENCE_WEIGHTS as Record<string, number>;
  let num = 0;
  let den = 0;
  const parts: Record<string, number> = {};
  for (const [k, v] of Object.entries(comps)) {
    if (v === null) continue;
    parts[k] = v;
    num += w[k]! * v;
    den += w[k]!;
  }
  return {
    value: den ? (100 * num) / den : null,
    numerator: num,
    denominator: den,
    parts,
    samples: answered.length + long.length + csats.length + npss.length + tps.length,
  };
}

describe('experience_index', () => {
  const acc = experienceIndex(def('experience_index'));

  it('is the weighted mean of the components with data, renormalised, times 100', () => {
    // service level 1 (one answer within 20 s), abandonment component 1, csat 0.5; no nps, no touchpoints.
    const events = [contact('contact.answered', { waitMs: 1000 }), survey({ csat: 5 }), survey({ csat: 1 })];
    const expected = (100 * (0.25 * 1 + 0.15 * 1 + 0.25 * 0.5)) / (0.25 + 0.15 + 0.25);
    const result = run(acc, events);
    expect(result.value).toBeCloseTo(expected, 10);
    expect(result.parts).toEqual({ service_level: 1, abandonment: 1, csat: 0.5 });
  });

  it('maps nps −100..100 onto 0..1', () => {
    expect(run(acc, [survey({ nps: 0 })]).value).toBe(0);
    expect(run(acc, [survey({ nps: 10 })]).value).toBe(100);
    expect(run(acc, [survey({ nps: 10 }), survey({ nps: 0 })]).value).toBe(50);
  });

  it('takes weights from params; weight 0 removes a component', () => {
    const onlyTouchpoints = experienceIndex(
      def('experience_index', { weights: { service_level: 0, abandonment: 0, csat: 0, nps: 0 } }),
    );
    const events = [
      touchpoint({ outcome: 'failure' }),
      touchpoint(),
      touchpoint(),
      touchpoint(),
      survey({ csat: 1 }),
    ];
    expect(run(onlyTouchpoints, events).value).toBe(75);
  });

  it('rejects unknown components and negative weights', () => {
    expect(() => readExperienceWeights(def('experience_index', { weights: { speed: 1 } }))).toThrow(
      CxPulseError,
    );
    expect(() => readExperienceWeights(def('experience_index', { weights: { csat: -1 } }))).toThrow(
      CxPulseError,
    );
  });

  it('is null with no component data', () => {
    expect(run(acc, [contact('contact.queued')]).value).toBeNull();
    expect(combineExperience({}).value).toBeNull();
  });

  itMergesAndMatchesReference(acc, referenceIndex);

  it('agrees with deriveExperienceIndex over the individual indicators’ results', () => {
    const ids = ['service_level', 'abandonment_rate', 'csat', 'nps', 'touchpoint_failure_rate'] as const;
    const accs = ids.map((id) => createAccumulator(def(id)));
    fc.assert(
      fc.property(eventsArb, (events) => {
        const results = new Map(ids.map((id, i) => [id as string, run(accs[i]!, events)]));
        const { samples: _samples, ...fromAccumulator } = run(acc, events);
        expectSameResult(deriveExperienceIndex(results), fromAccumulator);
      }),
      { numRuns: 100 },
    );
  });
});
