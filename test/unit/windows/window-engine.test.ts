import fc from 'fast-check';
import { from } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { ContactEvent, CxEvent } from '../../../src/events/types.js';
import type { IndicatorValue, RejectedEvent } from '../../../src/windows/indicator-value.js';
import { WindowEngine } from '../../../src/windows/window-engine.js';
import { windowedIndicators } from '../../../src/windows/windowed-indicators.js';
import { countAccumulator, ev, sumAccumulator, testPipeline } from './fixtures.js';

const WINDOWS = [
  { name: '10', sizeMs: 10, hopMs: 10 },
  { name: '30/10', sizeMs: 30, hopMs: 10 },
  { name: '15/5', sizeMs: 15, hopMs: 5 },
];

describe('WindowEngine', () => {
  it('holds the watermark at max event time − lateness, never moving back', () => {
    const engine = new WindowEngine(testPipeline(), [countAccumulator()]);
    const out: IndicatorValue[] = [];
    expect(engine.watermark).toBe(-Infinity);
    engine.processBatch([ev(30), ev(12)], out);
    expect(engine.watermark).toBe(25);
    engine.processBatch([ev(20)], out);
    expect(engine.watermark).toBe(25);
    engine.advanceTo(10, out);
    expect(engine.watermark).toBe(25);
    engine.processBatch([ev(41)], out);
    expect(engine.watermark).toBe(36);
  });

  it('drops panes once every window through them is past the correction horizon', () => {
    const engine = new WindowEngine(testPipeline({ windows: WINDOWS }), [countAccumulator()]);
    const out: IndicatorValue[] = [];
    engine.processBatch([ev(1)], out);
    expect(engine.livePaneCount).toBe(1);
    // Pane [0,5): its last window (30/10 from 0) ends at 30; horizon 20 → kept while watermark ≤ 50.
    engine.advanceTo(50, out);
    expect(engine.livePaneCount).toBe(1);
    engine.advanceTo(55, out);
    expect(engine.livePaneCount).toBe(0);
  });

  it('rejects a pipeline whose accumulators do not match its indicators', () => {
    expect(() => new WindowEngine(testPipeline(), [])).toThrow(/1 indicators but 0 accumulators/);
  });
});

interface Generated {
  lateness: number;
  horizon: number;
  evict: number;
  batches: ContactEvent[][];
}

const streams: fc.Arbitrary<Generated> = fc
  .record({
    lateness: fc.integer({ min: 0, max: 20 }),
    horizon: fc.integer({ min: 0, max: 40 }),
    evict: fc.integer({ min: 0, max: 60 }),
    events: fc.array(
      fc.record({
        ts: fc.integer({ min: 0, max: 200 }),
        key: fc.constantFrom('q1', 'q2', 'q3'),
        w: fc.nat(10),
      }),
      { maxLength: 120 },
    ),
    mostlyOrdered: fc.boolean(),
    cuts: fc.array(fc.integer({ min: 1, max: 15 }), { minLength: 1, maxLength: 20 }),
  })
  .map(({ lateness, horizon, evict, events, mostlyOrdered, cuts }) => {
    // Mostly ordered: sorted, with every 4th event pulled back 10–45 ms (late, often within reach).
    const list = mostlyOrdered
      ? [...events]
          .sort((a, b) => a.ts - b.ts)
          .map((e, i) => (i % 4 === 3 ? { ...e, ts: Math.max(0, e.ts - 10 - ((i * 7) % 36)) } : e))
      : events;
    const all = list.map((e) => ev(e.ts, e.key, e.w));
    const batches: ContactEvent[][] = [];
    for (let i = 0, c = 0; i < all.length; c++) {
      const n = cuts[c % cuts.length]!;
      batches.push(all.slice(i, i + n));
      i += n;
    }
    return { lateness, horizon, evict, batches };
  });

function pipelineFor(g: Generated) {
  return testPipeline({
    windows: WINDOWS,
    allowedLatenessMs: g.lateness,
    correctionHorizonMs: g.horizon,
    keyIdleEvictMs: g.evict,
    indicators: [
      { id: 'contacts_offered', name: 'count', params: {}, targetsByKey: {} },
      { id: 'asa_seconds', name: 'sum', params: {}, targetsByKey: {} },
    ],
  });
}

/** Through the operator, as the product runs it. */
function runOperator(g: Generated): { values: IndicatorValue[]; rejected: RejectedEvent[] } {
  const values: IndicatorValue[] = [];
  const rejected: RejectedEvent[] = [];
  from(g.batches as CxEvent[][])
    .pipe(
      windowedIndicators({
        pipeline: pipelineFor(g),
        accumulators: [countAccumulator(), sumAccumulator()],
        onRejected: (r) => rejected.push(r),
      }),
    )
    .subscribe((batch) => {
      expect(batch.length).toBeGreaterThan(0);
      values.push(...batch);
    });
  return { values, rejected };
}

/** The engine alone with block aggregates forced for every hopping window (the dense-key path). */
function runEngineBlocks(g: Generated): { values: IndicatorValue[]; rejected: RejectedEvent[] } {
  const values: IndicatorValue[] = [];
  const rejected: RejectedEvent[] = [];
  const engine = new WindowEngine(
    pipelineFor(g),
    [countAccumulator(), sumAccumulator()],
    (r) => rejected.push(r),
    {
      densePanesPerWindow: 0,
    },
  );
  for (const batch of g.batches) engine.processBatch(batch, values);
  engine.flush(values);
  return { values, rejected };
}

describe('windowedIndicators, property', () => {
  it.each([
    ['the operator', runOperator],
    ['the engine with block aggregates forced', runEngineBlocks],
  ])(
    '%s: the last final/correction of every window equals a brute force over the accepted events',
    (_, run) => {
      fc.assert(
        fc.property(streams, (g) => {
          const { values, rejected } = run(g);
          const rejectedIds = new Set(rejected.map((r) => r.eventId));
          expect(rejected.every((r) => r.reason === 'too-late')).toBe(true);

          const expected = new Map<string, number>();
          for (const e of g.batches.flat()) {
            if (rejectedIds.has(e.id)) continue;
            for (const w of WINDOWS) {
              const lastStart = Math.floor(e.ts / w.hopMs) * w.hopMs;
              for (let start = lastStart; start > e.ts - w.sizeMs; start -= w.hopMs) {
                const id = `${w.name}|${start}|queue=${e.queue}`;
                expected.set(`${id}|count`, (expected.get(`${id}|count`) ?? 0) + 1);
                expected.set(`${id}|sum`, (expected.get(`${id}|sum`) ?? 0) + (e.waitMs ?? 0));
              }
            }
          }

          const latest = new Map<string, { version: number; value: number | null }>();
          for (const v of values) {
            if (v.kind === 'early') continue;
            const id = `${v.window}|${v.windowStart}|${v.keyId}|${v.indicator}`;
            const previous = latest.get(id);
            // Finals come once, as version 1; each correction is one higher than what came before.
            if (v.kind === 'final') expect(previous).toBeUndefined();
            expect(v.version).toBe((previous?.version ?? 0) + 1);
            latest.set(id, { version: v.version, value: v.value });
          }
          const actual = new Map([...latest].map(([id, { value }]) => [id, value]));
          expect(actual).toEqual(expected);
        }),
        { numRuns: 300 },
      );
    },
  );
});

describe('windowedIndicators, bounded output', () => {
  it('emits the same values in the same order as the engine, in arrays of at most maxValuesPerEmit', () => {
    fc.assert(
      fc.property(streams, fc.integer({ min: 1, max: 7 }), (g, limit) => {
        const reference: IndicatorValue[] = [];
        const engine = new WindowEngine(pipelineFor(g), [countAccumulator(), sumAccumulator()]);
        for (const batch of g.batches) engine.processBatch(batch, reference);
        engine.flush(reference);

        const emitted: IndicatorValue[][] = [];
        from(g.batches as CxEvent[][])
          .pipe(
            windowedIndicators({
              pipeline: pipelineFor(g),
              accumulators: [countAccumulator(), sumAccumulator()],
              maxValuesPerEmit: limit,
            }),
          )
          .subscribe((values) => emitted.push(values));

        for (const values of emitted) {
          expect(values.length).toBeGreaterThan(0);
          expect(values.length).toBeLessThanOrEqual(limit);
        }
        expect(emitted.flat()).toEqual(reference);
      }),
      { numRuns: 200 },
    );
  });
});
