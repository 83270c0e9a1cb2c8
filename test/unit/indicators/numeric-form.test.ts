import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INDICATOR_IDS, type IndicatorId } from '../../../src/config/pipeline-definition.js';
import type { CxEvent } from '../../../src/events/types.js';
import type { NumericForm, NumericSlots } from '../../../src/indicators/accumulator.js';
import { AgentStateTracker } from '../../../src/indicators/agent-state-tracker.js';
import { EnrichmentMarks } from '../../../src/indicators/enrichment-marks.js';
import { createAccumulator } from '../../../src/indicators/registry.js';
import { RepeatContactTracker } from '../../../src/indicators/repeat-contact-tracker.js';
import { writeSummary, type SummaryFields } from '../../../src/indicators/results.js';
import { slotAccumulator } from '../../../src/indicators/slot-accumulator.js';
import { cutsArb, def, eventsArb, run, runSplit } from './fixtures.js';

/** Every indicator whose state is plain numbers has a numeric form; the others keep objects. */
const NUMERIC: readonly IndicatorId[] = [
  'contacts_offered',
  'contacts_answered',
  'contacts_abandoned',
  'abandonment_rate',
  'service_level',
  'asa_seconds',
  'aht_seconds',
  'transfer_rate',
  'occupancy',
  'repeat_contact_rate',
  'csat',
  'nps',
  'ces',
  'sentiment',
  'negative_feedback_share',
  'polarization',
  'touchpoint_failure_rate',
  'journey_completion_rate',
  'usage_amount',
  'opinion_pressure',
  'time_weighted_occupancy',
  'after_contact_work_seconds',
  'overload_streak_share',
];

const CASES: { id: IndicatorId; params?: Record<string, unknown> }[] = [
  ...NUMERIC.map((id) => ({ id })),
  { id: 'polarization', params: { scale: 'nps' } },
  { id: 'service_level', params: { thresholdsByQueue: { sales: 10_000 } } },
  { id: 'overload_streak_share', params: { streakMs: 500 } },
];

/** The accumulator and events with repeat marks and agent spans set, so the indicators reading them see some. */
function setup(id: IndicatorId, params: Record<string, unknown> | undefined, events: readonly CxEvent[]) {
  const marks = new EnrichmentMarks();
  new RepeatContactTracker({ marks }).markRepeats(events);
  new AgentStateTracker({ marks }).track(events);
  return createAccumulator(def(id, params as never), { marks });
}

/** Adds events to slots at `at` of `buf` (zeroed first). */
function addAll(form: NumericForm, buf: NumericSlots, at: number, events: readonly CxEvent[]): void {
  for (let i = 0; i < form.slots; i++) buf[at + i] = 0;
  for (const e of events) form.add(buf, at, e);
}

/** Splits at the cuts, one numeric state per part in one shared Float64Array, merged left to right into a number[]. */
function runNumericSplit(form: NumericForm, events: readonly CxEvent[], cuts: number[]) {
  const bounds = [...new Set(cuts.map((c) => c % (events.length + 1)))].sort((a, b) => a - b);
  const parts: CxEvent[][] = [];
  let start = 0;
  for (const b of [...bounds, events.length]) {
    parts.push(events.slice(start, b));
    start = b;
  }
  // Odd offsets and a gap between states: a form must only touch its own slots.
  const stride = form.slots + 1;
  const store = new Float64Array(1 + parts.length * stride).fill(-7);
  parts.forEach((p, i) => addAll(form, store, 1 + i * stride, p));
  const before = Array.from(store);
  const into: number[] = [5, ...new Array<number>(form.slots).fill(0)];
  parts.forEach((_, i) => form.merge(into, 1, store, 1 + i * stride));
  expect(Array.from(store), 'merge leaves `from` unchanged').toEqual(before);
  expect(into[0], 'merge writes only its slots').toBe(5);
  return form.result(into, 1);
}

describe('numeric form', () => {
  it('exists for exactly the indicators with plain numeric states', () => {
    const withForm = INDICATOR_IDS.filter((id) => createAccumulator(def(id)).numeric !== undefined);
    expect(withForm.sort()).toEqual([...NUMERIC].sort());
  });

  describe.each(CASES)('$id $params', ({ id, params }) => {
    it('gives the object form’s result for the same events, exactly', () => {
      fc.assert(
        fc.property(eventsArb, fc.nat(3), (events, at) => {
          const acc = setup(id, params, events);
          const form = acc.numeric!;
          const buf = new Float64Array(at + form.slots);
          addAll(form, buf, at, events);
          expect(form.result(buf, at)).toEqual(run(acc, events));
        }),
        { numRuns: 100 },
      );
    });

    it('merges like the object form: any split, merged, equals one object state over all events', () => {
      fc.assert(
        fc.property(eventsArb, cutsArb, (events, cuts) => {
          const acc = setup(id, params, events);
          const numeric = runNumericSplit(acc.numeric!, events, cuts);
          expect(numeric).toEqual(runSplit(acc, events, cuts));
          expect(numeric).toEqual(run(acc, events));
        }),
        { numRuns: 100 },
      );
    });

    it('reads zero slots as an empty state', () => {
      const acc = setup(id, params, []);
      expect(acc.numeric!.result(new Float64Array(acc.numeric!.slots), 0)).toEqual(acc.result(acc.create()));
    });
  });
});

describe('slotAccumulator', () => {
  const counter = slotAccumulator({
    name: 'c',
    eventTypes: ['contact.queued'],
    slots: ['n', 'm'],
    add: (buf, at) => {
      buf[at]!++;
      buf[at + 1]! += 2;
    },
    value: { kind: 'ratio' },
  });
  const queued: CxEvent = {
    id: 'e',
    type: 'contact.queued',
    ts: 0,
    channel: 'voice',
    queue: 'q',
    contactId: 'c',
  };

  it("runs the same add() on its object form (a small array) and on a caller's slots", () => {
    const state = counter.create();
    counter.add(state, queued);
    const buf = [9, 0, 0, 9];
    counter.numeric!.add(buf, 1, queued);
    expect(state).toEqual([1, 2]);
    expect(buf).toEqual([9, 1, 2, 9]);
  });

  it('declares its summary, and result() is that summary of the slots', () => {
    expect(counter.numeric!.summary).toEqual({ kind: 'ratio' });
    const into: SummaryFields = { value: null };
    writeSummary(into, counter.numeric!.summary!, 1, 2);
    expect(counter.numeric!.result([0, 1, 2], 1)).toEqual(into);
    expect(counter.result([1, 2])).toEqual({ value: 0.5, numerator: 1, denominator: 2, samples: 2 });
  });
});
