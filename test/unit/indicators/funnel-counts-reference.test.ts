/**
 * funnel_reached, funnel_passed and funnel_lost through the window engine against a brute-force
 * computation of their definition (docs/indicators.md, docs/analytics.md): every event is kept in a
 * list and each of its marks is decided again from the journey's earlier events in that list. Random
 * journeys, stage indices, stage and touchpoint names, outcomes, arrival disorder (late events become
 * corrections), batch cuts and forgetting horizons; both a tumbling and a hopping window.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { IndicatorId, PipelineDefinition } from '../../../src/config/pipeline-definition.js';
import type { TouchpointEvent } from '../../../src/events/types.js';
import { EnrichmentMarks } from '../../../src/indicators/enrichment-marks.js';
import { MAX_FUNNEL_STAGE_INDEX } from '../../../src/indicators/funnel-tracker.js';
import { createAccumulator } from '../../../src/indicators/registry.js';
import type { IndicatorValue } from '../../../src/windows/indicator-value.js';
import { WindowEngine } from '../../../src/windows/window-engine.js';
import { touchpoint } from './fixtures.js';

type FunnelId = Extract<IndicatorId, `funnel_${string}`>;
const IDS: FunnelId[] = ['funnel_reached', 'funnel_passed', 'funnel_lost'];
const WINDOWS = [
  { name: '3s', sizeMs: 3000, hopMs: 3000 },
  { name: '6s/2s', sizeMs: 6000, hopMs: 2000 },
];
const DIMS = ['journey', 'stageIndex', 'stage', 'touchpoint'] as const;

function pipeline(maxJourneyMs: number): PipelineDefinition {
  return {
    name: 'funnel',
    source: { topics: ['events'] },
    keyBy: [...DIMS],
    windows: WINDOWS,
    allowedLatenessMs: 1000,
    correctionHorizonMs: 3_600_000,
    idleTimeoutMs: 0,
    earlyFiringIntervalMs: 0,
    keyIdleEvictMs: 3_600_000,
    maxKeys: 10_000,
    indicators: IDS.map((id) => ({ id, name: id, params: { maxJourneyMs }, targetsByKey: {} })),
  };
}

const eventArb = fc
  .record({
    ts: fc.integer({ min: 0, max: 80 }).map((q) => q * 250),
    // Arrival order: ts plus a jitter of up to 3 s, so events arrive out of order and some late.
    jitter: fc.integer({ min: 0, max: 12 }).map((q) => q * 250),
    journeyId: fc.constantFrom('j1', 'j2', 'j3', 'j4', 'j5'),
    journey: fc.constantFrom('pay', 'join'),
    stageIndex: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined, freq: 8 }),
    // Mostly the name that goes with the index; sometimes another, as a changed journey would.
    renamed: fc.boolean(),
    outcome: fc.constantFrom<TouchpointEvent['outcome']>('success', 'failure', 'abandoned'),
  })
  .map((r) => ({
    arrival: r.ts + r.jitter,
    event: touchpoint({
      ts: r.ts,
      journeyId: r.journeyId,
      journey: r.journey,
      ...(r.stageIndex !== undefined ? { stageIndex: r.stageIndex } : {}),
      stage: r.renamed ? 'other' : `s${r.stageIndex ?? '?'}`,
      touchpoint: r.renamed ? 'tp-x' : `tp${r.stageIndex ?? '?'}`,
      outcome: r.outcome,
    }),
  }));

type Marks = Record<FunnelId, boolean>;

/** Each event's marks, decided again from the journey's earlier events in the list. */
function bruteMarks(events: readonly TouchpointEvent[], maxJourneyMs: number): Marks[] {
  const usable = (e: TouchpointEvent) =>
    e.stageIndex !== undefined && e.stageIndex >= 0 && e.stageIndex <= MAX_FUNNEL_STAGE_INDEX;
  /** Per journey, the index in `events` where its current visit began. */
  const since = new Map<string, number>();
  let newest = -Infinity;
  return events.map((e, i) => {
    const none = { funnel_reached: false, funnel_passed: false, funnel_lost: false } as Marks;
    if (!usable(e)) return none;
    newest = Math.max(newest, e.ts);
    const earlier = () =>
      events.slice(since.get(e.journeyId) ?? 0, i).filter((p) => usable(p) && p.journeyId === e.journeyId);
    // Forgotten when its newest event is more than maxJourneyMs older than the newest event seen.
    const before = earlier();
    if (before.length > 0 && Math.max(...before.map((p) => p.ts)) < newest - maxJourneyMs) {
      since.set(e.journeyId, i);
    }
    const here = earlier().filter((p) => p.stageIndex === e.stageIndex);
    const passedBefore = here.some((p) => p.outcome === 'success');
    const lostBefore = here.some(
      (p, k) =>
        p.outcome === 'abandoned' &&
        here.slice(0, k).some((q) => q.outcome === 'failure') &&
        !here.slice(0, k).some((q) => q.outcome === 'success'),
    );
    return {
      funnel_reached: here.length === 0,
      funnel_passed: e.outcome === 'success' && !passedBefore && !lostBefore,
      funnel_lost:
        e.outcome === 'abandoned' &&
        here.some((p) => p.outcome === 'failure') &&
        !passedBefore &&
        !lostBefore,
    };
  });
}

function keyIdOf(e: TouchpointEvent): string {
  const value = (d: (typeof DIMS)[number]) => {
    const v = (e as unknown as Record<string, unknown>)[d];
    return v === undefined || v === '' ? '-' : String(v);
  };
  return [...DIMS]
    .sort()
    .map((d) => `${d}=${value(d)}`)
    .join(',');
}

function bruteForce(events: readonly TouchpointEvent[], maxJourneyMs: number): Map<string, number> {
  const out = new Map<string, number>();
  const marks = bruteMarks(events, maxJourneyMs);
  events.forEach((e, i) => {
    for (const w of WINDOWS) {
      // Every window holding the event, in the engine's pane grid (its start is a multiple of hop).
      for (let start = Math.floor(e.ts / w.hopMs) * w.hopMs; start > e.ts - w.sizeMs; start -= w.hopMs) {
        for (const id of IDS) {
          const cell = `${id}|${w.name}|${keyIdOf(e)}|${start}`;
          out.set(cell, (out.get(cell) ?? 0) + (marks[i]![id] ? 1 : 0));
        }
      }
    }
  });
  return out;
}

function throughEngine(
  events: readonly TouchpointEvent[],
  cuts: number[],
  maxJourneyMs: number,
): Map<string, number> {
  const def = pipeline(maxJourneyMs);
  const marks = new EnrichmentMarks();
  const engine = new WindowEngine(
    def,
    def.indicators.map((d) => createAccumulator(d, { marks })),
  );
  const values: IndicatorValue[] = [];
  const bounds = [...new Set(cuts.map((c) => c % (events.length + 1))), events.length].sort((a, b) => a - b);
  let start = 0;
  for (const b of bounds) {
    engine.processBatch(events.slice(start, b), values);
    start = b;
  }
  engine.flush(values);
  // The newest version of each window: a late event's correction replaces the final.
  const newest = new Map<string, IndicatorValue>();
  for (const v of values) {
    const cell = `${v.indicator}|${v.window}|${v.keyId}|${v.windowStart}`;
    const seen = newest.get(cell);
    if (!seen || v.version >= seen.version) newest.set(cell, v);
  }
  return new Map([...newest].map(([cell, v]) => [cell, v.value!]));
}

describe('funnel counts', () => {
  it('equal the brute-force counts per stage key and window, whatever the order, batching and horizon', () => {
    fc.assert(
      fc.property(
        fc.array(eventArb, { maxLength: 120 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        fc.constantFrom(1500, 4000, 3_600_000),
        (raw, cuts, maxJourneyMs) => {
          const events = [...raw].sort((a, b) => a.arrival - b.arrival).map((r) => r.event);
          expect(throughEngine(events, cuts, maxJourneyMs)).toEqual(bruteForce(events, maxJourneyMs));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('count each journey once per stage: reached ≥ passed, and a stage loses at most what reached it', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 120 }), (raw) => {
        const events = [...raw].sort((a, b) => a.arrival - b.arrival).map((r) => r.event);
        const marks = bruteMarks(events, 3_600_000);
        const journeysAt = new Set(
          events.filter((e) => e.stageIndex !== undefined).map((e) => `${e.journeyId}|${e.stageIndex}`),
        );
        const count = (id: FunnelId) => marks.filter((m) => m[id]).length;
        expect(count('funnel_reached')).toBe(journeysAt.size);
        expect(count('funnel_passed') + count('funnel_lost')).toBeLessThanOrEqual(journeysAt.size);
        // And the engine agrees on the totals (sums over the tumbling window).
        const engine = throughEngine(events, [], 3_600_000);
        const total = (id: FunnelId) =>
          [...engine].filter(([cell]) => cell.startsWith(`${id}|3s|`)).reduce((s, [, n]) => s + n, 0);
        for (const id of IDS) expect(total(id)).toBe(count(id));
      }),
      { numRuns: 100 },
    );
  });
});
