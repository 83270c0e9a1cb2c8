import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { IndicatorDefinition, IndicatorId } from '../../../src/config/pipeline-definition.js';
import type { CxEvent } from '../../../src/events/types.js';
import { createAccumulator } from '../../../src/indicators/registry.js';
import type { IndicatorValue } from '../../../src/windows/indicator-value.js';
import { WindowEngine, type WindowEngineTuning } from '../../../src/windows/window-engine.js';
import { eventArb } from '../indicators/fixtures.js';
import { testPipeline } from './fixtures.js';

/**
 * Numeric pane states (pane-store.ts) are a storage choice only: the engine must emit exactly the
 * same values, in the same order, as with every state an object. Indicators with and without a
 * numeric form are mixed (touchpoint_latency_ms and journey_duration_seconds keep objects), so
 * pane slots of different widths interleave.
 */
const MIXED: IndicatorId[] = [
  'contacts_offered',
  'touchpoint_latency_ms',
  'nps',
  'abandonment_rate',
  'journey_duration_seconds',
  'aht_seconds',
  'polarization',
  'sentiment',
  'contacts_abandoned',
  'touchpoint_failure_rate',
];

/** Every one with a numeric form: block suffixes are then flat snapshots (window-merger.ts). */
const ALL_NUMERIC: IndicatorId[] = MIXED.filter(
  (id) => id !== 'touchpoint_latency_ms' && id !== 'journey_duration_seconds',
);

function definitions(ids: readonly IndicatorId[]): IndicatorDefinition[] {
  return ids.map((id, i) => ({ id, name: `${id}#${i}`, params: {}, targetsByKey: {} }));
}

interface Generated {
  lateness: number;
  horizon: number;
  batches: CxEvent[][];
}

const streams: fc.Arbitrary<Generated> = fc
  .record({
    lateness: fc.integer({ min: 0, max: 2_000 }),
    horizon: fc.integer({ min: 0, max: 4_000 }),
    events: fc.array(eventArb, { maxLength: 150 }),
    mostlyOrdered: fc.boolean(),
    cuts: fc.array(fc.integer({ min: 1, max: 25 }), { minLength: 1, maxLength: 10 }),
  })
  .map(({ lateness, horizon, events, mostlyOrdered, cuts }) => {
    const list = mostlyOrdered ? [...events].sort((a, b) => a.ts - b.ts) : events;
    const batches: CxEvent[][] = [];
    for (let i = 0, c = 0; i < list.length; c++) {
      const n = cuts[c % cuts.length]!;
      batches.push(list.slice(i, i + n));
      i += n;
    }
    return { lateness, horizon, batches };
  });

function runEngine(g: Generated, ids: readonly IndicatorId[], tuning: WindowEngineTuning): IndicatorValue[] {
  const pipeline = testPipeline({
    windows: [
      { name: '1s', sizeMs: 1_000, hopMs: 1_000 },
      { name: '3s/1s', sizeMs: 3_000, hopMs: 1_000 },
      { name: '1.5s/0.5s', sizeMs: 1_500, hopMs: 500 },
    ],
    allowedLatenessMs: g.lateness,
    correctionHorizonMs: g.horizon,
    earlyFiringIntervalMs: 1,
    indicators: definitions(ids),
  });
  const engine = new WindowEngine(
    pipeline,
    pipeline.indicators.map((d) => createAccumulator(d)),
    () => {},
    tuning,
  );
  const values: IndicatorValue[] = [];
  for (const batch of g.batches) {
    engine.processBatch(batch, values);
    engine.fireEarly(values);
  }
  engine.flush(values);
  return values;
}

describe('WindowEngine, numeric pane states', () => {
  it.each([
    ['mixed widths, sparse panes', MIXED, {}],
    ['mixed widths, block aggregates forced', MIXED, { densePanesPerWindow: 0 }],
    ['all numeric, block aggregates forced', ALL_NUMERIC, { densePanesPerWindow: 0 }],
    // More than 30 indicators: every pane keeps slots for all of them (DENSE).
    [
      'mixed widths, DENSE panes',
      [...MIXED, ...MIXED, ...MIXED, 'csat' as const],
      { densePanesPerWindow: 0 },
    ],
  ] as const)('%s: the same values as with object states', (_, ids, tuning) => {
    fc.assert(
      fc.property(streams, (g) => {
        const numeric = runEngine(g, ids, { ...tuning, numericStates: true });
        const objects = runEngine(g, ids, { ...tuning, numericStates: false });
        expect(numeric).toEqual(objects);
      }),
      { numRuns: 60 },
    );
  });
});
