import { map, take, type SchedulerLike, type Subscription } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { PipelineDefinition } from '../../../src/config/pipeline-definition.js';
import type { CxEvent } from '../../../src/events/types.js';
import type { IndicatorAccumulator } from '../../../src/indicators/accumulator.js';
import type { RejectedEvent } from '../../../src/windows/indicator-value.js';
import type { WindowEngine } from '../../../src/windows/window-engine.js';
import { windowedIndicators } from '../../../src/windows/windowed-indicators.js';
import { countAccumulator, ev, show, testPipeline } from './fixtures.js';

function newScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

interface Harness {
  rejected: RejectedEvent[];
  engine: () => WindowEngine;
  operator: ReturnType<typeof compact>;
}

/** The operator under test, with its output reduced to `show()` strings. */
function compact(
  pipeline: PipelineDefinition,
  accumulators: IndicatorAccumulator[],
  extra: Partial<Parameters<typeof windowedIndicators>[0]> = {},
) {
  const op = windowedIndicators({ pipeline, accumulators, ...extra });
  return (source: Parameters<typeof op>[0]) => op(source).pipe(map((batch) => batch.map(show)));
}

function harness(
  overrides: Partial<PipelineDefinition> = {},
  accumulators: IndicatorAccumulator[] = [countAccumulator()],
): Harness {
  const rejected: RejectedEvent[] = [];
  let engine: WindowEngine | undefined;
  const pipeline = testPipeline({
    ...overrides,
    indicators: accumulators.map((a) => ({
      id: 'contacts_offered',
      name: a.name,
      params: {},
      targetsByKey: {},
    })),
  });
  return {
    rejected,
    engine: () => engine!,
    operator: compact(pipeline, accumulators, {
      onRejected: (r) => rejected.push(r),
      onEngine: (e) => (engine = e),
    }),
  };
}

const batches = (o: Record<string, CxEvent[]>) => o;

describe('windowedIndicators', () => {
  it('emits nothing for an empty input', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const h = harness();
      expectObservable(cold<CxEvent[]>('|').pipe(h.operator)).toBe('|');
    });
  });

  it('ignores empty batches', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const h = harness();
      expectObservable(cold('a-a|', batches({ a: [] })).pipe(h.operator)).toBe('---|');
    });
  });

  it('emits one final for one event, on completion', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const h = harness();
      expectObservable(cold('a|', batches({ a: [ev(5)] })).pipe(h.operator)).toBe('-(x|)', {
        x: ['final#1 10 queue=q1 [0,10) count=1'],
      });
    });
  });

  it('closes windows in order as the watermark passes their end', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const h = harness();
      const source = cold('abc|', batches({ a: [ev(1), ev(3)], b: [ev(12)], c: [ev(25)] }));
      expectObservable(source.pipe(h.operator)).toBe('--x(y|)', {
        x: ['final#1 10 queue=q1 [0,10) count=2', 'final#1 10 queue=q1 [10,20) count=1'],
        y: ['final#1 10 queue=q1 [20,30) count=1'],
      });
    });
  });

  it('places out-of-order events within the lateness in their panes', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const h = harness();
      const source = cold(
        'abc|',
        batches({ a: [ev(8), ev(3)], b: [ev(12), ev(6)], c: [ev(16), ev(9, 'q2')] }),
      );
      expectObservable(source.pipe(h.operator)).toBe('--x(y|)', {
        x: ['final#1 10 queue=q1 [0,10) count=3', 'final#1 10 queue=q2 [0,10) count=1'],
        y: ['final#1 10 queue=q1 [10,20) count=2'],
      });
      expect(h.rejected).toEqual([]);
    });
  });

  it('keys values by the keyBy dimensions (keyId sorted by name), missing ones as -', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const h = harness({ keyBy: ['segment', 'queue'] });
      const vip = { ...ev(2, 'q1'), segment: 'vip' };
      const source = cold('a|', batches({ a: [vip, ev(3, 'q1'), ev(4, 'q1')] }));
      expectObservable(source.pipe(h.operator)).toBe('-(x|)', {
        x: ['final#1 10 queue=q1,segment=vip [0,10) count=1', 'final#1 10 queue=q1,segment=- [0,10) count=2'],
      });
    });
  });

  it('closes a window exactly when max event time − lateness reaches its end, and never moves back', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const h = harness();
      // a: watermark 9, [0,10) stays open; b: an older event does not move it; c: 15 − 5 = 10 closes it.
      const source = cold('abc', batches({ a: [ev(3), ev(14)], b: [ev(2)], c: [ev(15)] }));
      expectObservable(source.pipe(h.operator)).toBe('--x', { x: ['final#1 10 queue=q1 [0,10) count=2'] });
    });
  });

  it('fires each window final exactly once', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const h = harness();
      const source = cold('abcd|', batches({ a: [ev(5)], b: [ev(20)], c: [ev(22)], d: [ev(24)] }));
      expectObservable(source.pipe(h.operator)).toBe('-x--(y|)', {
        x: ['final#1 10 queue=q1 [0,10) count=1'],
        y: ['final#1 10 queue=q1 [20,30) count=3'],
      });
    });
  });

  it('emits nothing for windows without data', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const h = harness();
      const source = cold('ab|', batches({ a: [ev(5)], b: [ev(45)] }));
      expectObservable(source.pipe(h.operator)).toBe('-x(y|)', {
        x: ['final#1 10 queue=q1 [0,10) count=1'],
        y: ['final#1 10 queue=q1 [40,50) count=1'],
      });
    });
  });

  it('re-opens a closed window for a late event within the correction horizon, one correction per batch', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const h = harness();
      const source = cold('abcd|', batches({ a: [ev(5)], b: [ev(21)], c: [ev(7)], d: [ev(8), ev(9)] }));
      expectObservable(source.pipe(h.operator)).toBe('-xyz(w|)', {
        x: ['final#1 10 queue=q1 [0,10) count=1'],
        y: ['correction#2 10 queue=q1 [0,10) count=2'],
        z: ['correction#3 10 queue=q1 [0,10) count=4'],
        w: ['final#1 10 queue=q1 [20,30) count=1'],
      });
      expect(h.rejected).toEqual([]);
    });
  });

  it('gives a late key its first value in a closed window as correction version 1', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const h = harness();
      const source = cold('ab|', batches({ a: [ev(40)], b: [ev(25, 'q2')] }));
      expectObservable(source.pipe(h.operator)).toBe('-x(y|)', {
        x: ['correction#1 10 queue=q2 [20,30) count=1'],
        y: ['final#1 10 queue=q1 [40,50) count=1'],
      });
    });
  });

  it('rejects an event beyond the correction horizon through onRejected', () => {
    newScheduler().run(({ cold, expectObservable, flush }) => {
      const h = harness();
      const late = ev(4);
      const source = cold('abc|', batches({ a: [ev(5)], b: [ev(40)], c: [late] }));
      expectObservable(source.pipe(h.operator)).toBe('-x-(y|)', {
        x: ['final#1 10 queue=q1 [0,10) count=1'],
        y: ['final#1 10 queue=q1 [40,50) count=1'],
      });
      flush();
      expect(h.rejected).toEqual([
        expect.objectContaining({ reason: 'too-late', pipeline: 'test', eventId: late.id, eventTs: 4 }),
      ]);
      expect(h.engine().counters.rejectedTooLate).toBe(1);
    });
  });

  it('fires early values at the interval for open windows that changed', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const h = harness({ earlyFiringIntervalMs: 10 });
      // b closes [0,10) at frame 3; the early firing at 10 covers only the open [10,20).
      const source = cold('a--b 9ms c 22ms |', batches({ a: [ev(1)], b: [ev(2), ev(15)], c: [ev(16)] }));
      expectObservable(source.pipe(h.operator)).toBe('---f------e---------g 15ms (z|)', {
        f: ['final#1 10 queue=q1 [0,10) count=2'],
        e: ['early#0 10 queue=q1 [10,20) count=1'],
        g: ['early#0 10 queue=q1 [10,20) count=2'],
        z: ['final#1 10 queue=q1 [10,20) count=2'],
      });
    });
  });

  it('fires early only the open window of each definition that holds the latest event and ends first', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const h = harness({
        earlyFiringIntervalMs: 10,
        windows: [
          { name: '10', sizeMs: 10, hopMs: 10 },
          { name: '30/10', sizeMs: 30, hopMs: 10 },
        ],
      });
      // Watermark 10 after a: [-10,20), [0,30) and [10,40) all hold ts 15 and are open; only [-10,20),
      // the one ending first ("the last 30 up to now"), is previewed; the others get their finals later.
      const source = cold('a', batches({ a: [ev(5), ev(15)] }));
      expectObservable(source.pipe(h.operator)).toBe('f 9ms e', {
        f: ['final#1 10 queue=q1 [0,10) count=1', 'final#1 30/10 queue=q1 [-20,10) count=1'],
        e: ['early#0 10 queue=q1 [10,20) count=1', 'early#0 30/10 queue=q1 [-10,20) count=2'],
      });
    });
  });

  it('fires no early value for a key whose latest event only fed a correction', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const h = harness({ earlyFiringIntervalMs: 10 });
      // q2's only event lands in the already final [0,10): a correction, and nothing open to preview.
      const source = cold('a 11ms b', batches({ a: [ev(1), ev(25)], b: [ev(3, 'q2')] }));
      expectObservable(source.pipe(h.operator)).toBe('f 9ms e 1ms c', {
        f: ['final#1 10 queue=q1 [0,10) count=1'],
        e: ['early#0 10 queue=q1 [20,30) count=1'],
        c: ['correction#1 10 queue=q2 [0,10) count=1'],
      });
    });
  });

  it('advances the watermark after idleTimeoutMs without events, closing windows', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const h = harness({ idleTimeoutMs: 50 });
      // Never completes: only the idle advance can close [0,10). At 50 ms quiet the watermark is 0 + 50.
      const source = cold('a', batches({ a: [ev(5)] }));
      expectObservable(source.pipe(h.operator)).toBe('50ms x', { x: ['final#1 10 queue=q1 [0,10) count=1'] });
    });
  });

  it('keeps advancing by processing time while idle, at pane resolution', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const h = harness({ idleTimeoutMs: 30, allowedLatenessMs: 40 });
      // After a: watermark 35. Idle at 30 ms → 65 closes [30,40); then every pane (10 ms): at 40 → 75, at 50 → 85 closes [70,80).
      const source = cold('a', batches({ a: [ev(35), ev(75)] }));
      expectObservable(source.pipe(h.operator), '100ms !').toBe('30ms x 19ms y', {
        x: ['final#1 10 queue=q1 [30,40) count=1'],
        y: ['final#1 10 queue=q1 [70,80) count=1'],
      });
    });
  });

  it('evicts keys idle for keyIdleEvictMs of event time once their panes are gone', () => {
    newScheduler().run(({ cold, expectObservable, flush }) => {
      const h = harness({ keyIdleEvictMs: 50 });
      const source = cold('ab', batches({ a: [ev(5, 'q1'), ev(6, 'q2')], b: [ev(61, 'q2')] }));
      expectObservable(source.pipe(h.operator)).toBe('-x', {
        x: ['final#1 10 queue=q1 [0,10) count=1', 'final#1 10 queue=q2 [0,10) count=1'],
      });
      flush();
      // Watermark 56: q1 (last event 5) is idle longer than 50 and has no pane left; q2 is live.
      expect(h.engine().liveKeys).toBe(1);
      expect(h.engine().counters.evictedKeys).toBe(1);
    });
  });

  it('rejects events that would exceed maxKeys and keeps serving existing keys', () => {
    newScheduler().run(({ cold, expectObservable, flush }) => {
      const h = harness({ maxKeys: 2 });
      const source = cold('a|', batches({ a: [ev(1, 'q1'), ev(2, 'q2'), ev(3, 'q3'), ev(4, 'q1')] }));
      expectObservable(source.pipe(h.operator)).toBe('-(x|)', {
        x: ['final#1 10 queue=q1 [0,10) count=2', 'final#1 10 queue=q2 [0,10) count=1'],
      });
      flush();
      expect(h.rejected.map((r) => [r.reason, r.eventTs])).toEqual([['cardinality', 3]]);
    });
  });

  it('propagates a source error', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const h = harness();
      expectObservable(cold('ab#', batches({ a: [ev(1)], b: [ev(30)] })).pipe(h.operator)).toBe('-x#', {
        x: ['final#1 10 queue=q1 [0,10) count=1'],
      });
    });
  });

  it('propagates an error thrown by an accumulator', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const broken: IndicatorAccumulator<{ n: number }> = {
        ...countAccumulator(),
        add: () => {
          throw new Error('boom');
        },
      };
      const h = harness({}, [broken]);
      expectObservable(cold('a|', batches({ a: [ev(1)] })).pipe(h.operator)).toBe(
        '#',
        undefined,
        new Error('boom'),
      );
    });
  });

  it('clears its timers on early unsubscribe', () => {
    const scheduler = newScheduler();
    const timers: Subscription[] = [];
    const recording: SchedulerLike = {
      now: () => scheduler.now(),
      schedule: (work, delay, state) => {
        const s = scheduler.schedule(work as never, delay, state);
        timers.push(s);
        return s;
      },
    };
    scheduler.run(({ cold, expectObservable }) => {
      const pipeline = testPipeline({ earlyFiringIntervalMs: 10, idleTimeoutMs: 50 });
      const op = compact(pipeline, [countAccumulator()], { scheduler: recording });
      expectObservable(cold('a', batches({ a: [ev(1)] })).pipe(op), '--!').toBe('');
    });
    expect(timers.length).toBe(2);
    expect(timers.every((t) => t.closed)).toBe(true);
  });

  it('computes a hopping window as the merge of exactly its panes', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const h = harness({ windows: [{ name: '30/10', sizeMs: 30, hopMs: 10 }] });
      const events = [ev(1), ev(11), ev(12), ev(21), ev(22), ev(23), ev(31), ev(32), ev(33), ev(34)];
      const f = (s: number, n: number) => `final#1 30/10 queue=q1 [${s},${s + 30}) count=${n}`;
      // The batch moves the watermark to 29: the windows ending at 10 and 20 are final at once.
      expectObservable(cold('a|', batches({ a: events })).pipe(h.operator)).toBe('x(y|)', {
        x: [f(-20, 1), f(-10, 3)],
        y: [f(0, 6), f(10, 9), f(20, 7), f(30, 4)],
      });
    });
  });

  it('updates one pane per event and indicator however many windows contain it', () => {
    let adds = 0;
    const counting: IndicatorAccumulator<{ n: number }> = {
      ...countAccumulator(),
      add: (s) => {
        adds++;
        s.n++;
      },
    };
    newScheduler().run(({ cold, expectObservable }) => {
      const h = harness(
        {
          windows: [
            { name: '10', sizeMs: 10, hopMs: 10 },
            { name: '30/10', sizeMs: 30, hopMs: 10 },
            { name: '20/5', sizeMs: 20, hopMs: 5 },
          ],
        },
        [counting],
      );
      // Windows with data: 10 → [0,10) [10,20); 30/10 → 4 windows from [-20,10) to [10,40); 20/5 → 6 from
      // [-15,5) to [10,30). The watermark after the batch (8) closes [-15,5); completion closes the rest.
      expectObservable(
        cold('a|', batches({ a: [ev(1), ev(7), ev(13)] })).pipe(
          h.operator,
          map((b) => b.length),
        ),
      ).toBe('x(y|)', { x: 1, y: 2 + 4 + 5 });
    });
    expect(adds).toBe(3);
  });

  it('applies the indicator filter before add', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const pipeline = testPipeline({
        indicators: [
          { id: 'contacts_offered', name: 'count', params: {}, targetsByKey: {} },
          {
            id: 'contacts_offered',
            name: 'chat',
            filter: { field: 'channel', eq: 'chat' },
            params: {},
            targetsByKey: {},
          },
        ],
      });
      const op = compact(pipeline, [countAccumulator('count'), countAccumulator('chat')]);
      const source = cold('a|', batches({ a: [ev(1), ev(2, 'q1', 1, 'chat'), ev(3)] }));
      expectObservable(source.pipe(op)).toBe('-(x|)', {
        x: ['final#1 10 queue=q1 [0,10) count=3', 'final#1 10 queue=q1 [0,10) chat=1'],
      });
    });
  });

  it('splits a batch that closes many windows into arrays of at most maxValuesPerEmit, in order', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const op = compact(testPipeline(), [countAccumulator()], { maxValuesPerEmit: 2 });
      const keys = ['q1', 'q2', 'q3', 'q4', 'q5'];
      const source = cold('ab------|', batches({ a: keys.map((q) => ev(1, q)), b: [ev(16)] }));
      // b moves the watermark to 11: five finals for [0,10), emitted 2 + 2 + 1 in the same frame.
      expectObservable(source.pipe(op)).toBe('-(xyz)--(w|)', {
        x: ['final#1 10 queue=q1 [0,10) count=1', 'final#1 10 queue=q2 [0,10) count=1'],
        y: ['final#1 10 queue=q3 [0,10) count=1', 'final#1 10 queue=q4 [0,10) count=1'],
        z: ['final#1 10 queue=q5 [0,10) count=1'],
        w: ['final#1 10 queue=q1 [10,20) count=1'],
      });
    });
  });

  it('stops emitting when the consumer unsubscribes in the middle of a batch', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const op = compact(testPipeline(), [countAccumulator()], { maxValuesPerEmit: 1 });
      const source = cold('ab|', batches({ a: [ev(1, 'q1'), ev(1, 'q2'), ev(1, 'q3')], b: [ev(16)] }));
      expectObservable(source.pipe(op, take(1))).toBe('-(x|)', {
        x: ['final#1 10 queue=q1 [0,10) count=1'],
      });
    });
  });

  it('refuses a maxValuesPerEmit that is not a positive integer', () => {
    expect(() =>
      windowedIndicators({
        pipeline: testPipeline(),
        accumulators: [countAccumulator()],
        maxValuesPerEmit: 0,
      }),
    ).toThrow(/maxValuesPerEmit/);
  });
});
