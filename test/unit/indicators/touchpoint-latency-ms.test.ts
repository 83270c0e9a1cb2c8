import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CxPulseError } from '../../../src/errors/codes.js';
import { quantileLabel } from '../../../src/indicators/quantile-sketch.js';
import { touchpointLatencyMs } from '../../../src/indicators/touchpoint-latency-ms.js';
import { cutsArb, def, eventsArb, run, runSplit, touchpoint, touchpointsOf } from './fixtures.js';
import { expectWithinAccuracy } from './sketch-reference.js';

describe('touchpoint_latency_ms', () => {
  const acc = touchpointLatencyMs(def('touchpoint_latency_ms'));
  const labels = { p50: 0.5, p90: 0.9, p99: 0.99 };

  it('reports p50/p90/p99 within 1 % on 1..1000 ms; value is p50', () => {
    const events = Array.from({ length: 1000 }, (_, i) => touchpoint({ latencyMs: i + 1 }));
    const result = run(acc, events);
    expect(result.samples).toBe(1000);
    expect(result.value).toBe(result.quantiles?.p50);
    expect(result.quantiles?.p50).toBeGreaterThan(500 * 0.99);
    expect(result.quantiles?.p50).toBeLessThan(500 * 1.01);
    expectWithinAccuracy(
      result,
      events.map((e) => e.latencyMs),
      labels,
    );
  });

  it('uses the definition quantiles, the first one as value', () => {
    const custom = touchpointLatencyMs(def('touchpoint_latency_ms', {}, [0.99, 0.999]));
    const result = run(custom, [touchpoint({ latencyMs: 10 })]);
    expect(Object.keys(result.quantiles ?? {})).toEqual(['p99', 'p99.9']);
    expect(result.value).toBe(result.quantiles?.p99);
  });

  it('records zero and negative latencies as 0', () => {
    const result = run(acc, [touchpoint({ latencyMs: 0 }), touchpoint({ latencyMs: -5 })]);
    expect(result.quantiles).toEqual({ p50: 0, p90: 0, p99: 0 });
  });

  it('is null with no samples', () => {
    expect(run(acc, [])).toEqual({ value: null, samples: 0 });
  });

  it('rejects a quantile outside 0..1', () => {
    expect(() => touchpointLatencyMs(def('touchpoint_latency_ms', {}, [50]))).toThrow(CxPulseError);
  });

  it('labels quantiles', () => {
    expect([0.5, 0.9, 0.99, 0.999, 1].map(quantileLabel)).toEqual(['p50', 'p90', 'p99', 'p99.9', 'p100']);
  });

  it('merged sketches equal one sketch over all values exactly (bucket counts add)', () => {
    fc.assert(
      fc.property(eventsArb, cutsArb, (events, cuts) => {
        expect(runSplit(acc, events, cuts)).toEqual(run(acc, events));
      }),
      { numRuns: 150 },
    );
  });

  it('is within 1 % of the exact quantiles', () => {
    fc.assert(
      fc.property(eventsArb, (events) => {
        expectWithinAccuracy(
          run(acc, events),
          touchpointsOf(events).map((e) => Math.max(0, e.latencyMs)),
          labels,
        );
      }),
      { numRuns: 150 },
    );
  });
});

describe('touchpoint_latency_ms merge', () => {
  it('does not share the pane sketch with the window it was merged into (values added later stay out)', () => {
    const acc = touchpointLatencyMs(def('touchpoint_latency_ms', {}, [0.5]));
    const pane = acc.create();
    acc.add(pane, touchpoint({ latencyMs: 100 }));
    const window = acc.create();
    acc.merge(window, pane);
    for (let i = 0; i < 10; i++) acc.add(pane, touchpoint({ latencyMs: 10_000 }));
    const result = acc.result(window);
    expect(result.samples).toBe(1);
    expect(result.value).toBeCloseTo(100, -1);
  });
});
