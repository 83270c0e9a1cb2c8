import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { CxEvent } from '../../../../src/events/types.js';
import { simulatedEvents } from '../../../../src/sources/simulator/driver.js';
import { createSimulator } from '../../../../src/sources/simulator/simulator.js';

const START = Date.UTC(2026, 0, 5, 10);

function testScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

/** The batches the pure generator gives for the same simulated instants. */
function directBatches(untils: number[]): CxEvent[][] {
  const sim = createSimulator({ seed: 4, startTs: START, rate: 200 });
  return untils.map((u) => sim.nextBatch(u));
}

describe('simulatedEvents', () => {
  it('emits one batch per tick, speed simulated ms per real ms, and completes at the duration', () => {
    const [a, b, c] = directBatches([START + 1000, START + 2000, START + 2500]);
    expect((a as CxEvent[]).length).toBeGreaterThan(0);
    testScheduler().run(({ expectObservable }) => {
      const source = simulatedEvents({
        seed: 4,
        startTs: START,
        rate: 200,
        speed: 10,
        tickMs: 100,
        durationMs: 2500,
      });
      expectObservable(source).toBe('100ms a 99ms b 99ms (c|)', { a, b, c });
    });
  });

  it('keeps going without a duration and stops on unsubscribe', () => {
    const [a, b] = directBatches([START + 500, START + 1000]);
    testScheduler().run(({ expectObservable }) => {
      const source = simulatedEvents({ seed: 4, startTs: START, rate: 200, speed: 5, tickMs: 100 });
      expectObservable(source, '^ 250ms !').toBe('100ms a 99ms b', { a, b });
    });
  });

  it('runs one simulator per subscription: two subscribers see the same stream', () => {
    testScheduler().run(({ expectObservable }) => {
      const source = simulatedEvents({
        seed: 4,
        startTs: START,
        rate: 200,
        speed: 10,
        tickMs: 100,
        durationMs: 1000,
      });
      const [a] = directBatches([START + 1000]);
      expectObservable(source).toBe('100ms (a|)', { a });
      expectObservable(source).toBe('100ms (a|)', { a });
    });
  });

  it('starts at the scheduler clock when no start is given, and reports the simulator', () => {
    let seenStart = -1;
    testScheduler().run(({ expectObservable }) => {
      const source = simulatedEvents({
        seed: 1,
        rate: 50,
        speed: 1,
        tickMs: 100,
        durationMs: 100,
        onStart: (sim) => (seenStart = sim.startTs),
      });
      expectObservable(source).toBe('100ms (a|)', { a: expect.any(Array) });
    });
    expect(seenStart).toBe(0);
  });

  it('rejects a non-positive speed', () => {
    expect(() => simulatedEvents({ speed: 0 })).toThrow(/speed/);
  });
});
