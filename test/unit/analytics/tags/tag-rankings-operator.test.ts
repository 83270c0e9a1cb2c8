/** The tagRankings operator in virtual time: early firings, idle advance, completion, errors. */
import { map, Observable, type Subscription } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { TagRanking } from '../../../../src/analytics/tags/tag-ranking.js';
import { tagRankings } from '../../../../src/analytics/tags/tag-rankings-operator.js';
import type { PipelineDefinition } from '../../../../src/config/pipeline-definition.js';
import type { CxEvent } from '../../../../src/events/types.js';
import { post, rules, survey } from './fixtures.js';

function newScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

function pipeline(overrides: Partial<PipelineDefinition> = {}): PipelineDefinition {
  return {
    name: 'tags',
    source: { topics: ['events'], eventTypes: ['survey.response', 'feedback.social'] },
    keyBy: [],
    windows: [{ name: '10', sizeMs: 10, hopMs: 10 }],
    allowedLatenessMs: 5,
    correctionHorizonMs: 0,
    idleTimeoutMs: 0,
    earlyFiringIntervalMs: 0,
    keyIdleEvictMs: 1_000,
    maxKeys: 100,
    indicators: [{ id: 'csat', name: 'csat', params: {}, targetsByKey: {} }],
    tagRankings: rules({ windows: ['10'] }),
    ...overrides,
  };
}

/** Negative rankings only, as `kind window@start tag count…`. */
const shown = (batch: TagRanking[]) =>
  batch
    .filter((r) => r.polarity === 'negative')
    .map((r) => `${r.kind} @${r.windowStart} ${r.entries.map((e) => `${e.tag}:${e.count}`).join(' ')}`);

const neg = (ts: number, tag: string): CxEvent => survey(ts, { csat: 1, tags: [tag] });

describe('tagRankings operator', () => {
  it('emits nothing for an empty input and completes with it', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold<CxEvent[]>('|').pipe(tagRankings({ pipeline: pipeline() }))).toBe('|');
    });
  });

  it('emits one final for one answer, on completion', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const out = cold('a|', { a: [neg(3, 'app')] }).pipe(tagRankings({ pipeline: pipeline() }), map(shown));
      expectObservable(out).toBe('-(x|)', { x: ['final @0 app:1'] });
    });
  });

  it('skips batches with no event of its types, and events of other types', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const contact: CxEvent = {
        id: 'c',
        type: 'contact.queued',
        ts: 100,
        channel: 'voice',
        queue: 'q',
        contactId: 'c',
      };
      const out = cold('a-b|', { a: [], b: [contact, neg(2, 'x')] }).pipe(
        tagRankings({ pipeline: pipeline() }),
        map(shown),
      );
      // The contact is not read (source.eventTypes), so its time does not close the window.
      expectObservable(out).toBe('---(x|)', { x: ['final @0 x:1'] });
    });
  });

  it('fires finals as event time passes window ends, and early rankings on its grid while things change', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const p = pipeline({ earlyFiringIntervalMs: 4 });
      const out = cold('a-b-------c--|', {
        a: [neg(1, 'app')],
        b: [neg(2, 'app'), neg(3, 'billing')],
        c: [neg(16, 'late-window')],
      }).pipe(tagRankings({ pipeline: p }), map(shown));
      // Early at 4 (a and b changed the key); c at 10 moves the watermark to 11 ≥ 10: the final;
      // early at 12 for the window [10, 20); completion at 13 makes it final.
      expectObservable(out).toBe('----x-----y-z(w|)', {
        x: ['early @0 app:2 billing:1'],
        y: ['final @0 app:2 billing:1'],
        z: ['early @10 late-window:1'],
        w: ['final @10 late-window:1'],
      });
    });
  });

  it('closes windows by idle advance when no answer comes', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const p = pipeline({ idleTimeoutMs: 20 });
      const source = cold<CxEvent[]>('a', { a: [neg(1, 'app')] });
      // Watermark −4 at time 0; quiet for 20 → −4 + 20 = 16 ≥ 10.
      expectObservable(source.pipe(tagRankings({ pipeline: p }), map(shown))).toBe('20ms x', {
        x: ['final @0 app:1'],
      });
    });
  });

  it('passes an upstream error on and stops its timers', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const p = pipeline({ earlyFiringIntervalMs: 2, idleTimeoutMs: 5 });
      const out = cold('a#', { a: [neg(1, 'app')] }).pipe(tagRankings({ pipeline: p }), map(shown));
      expectObservable(out).toBe('-#');
    });
  });

  it('stops its timers when unsubscribed early, never emitting again', () => {
    newScheduler().run(({ cold, expectObservable, flush }) => {
      const p = pipeline({ earlyFiringIntervalMs: 2, idleTimeoutMs: 5 });
      const out = cold('a', { a: [neg(1, 'app')] }).pipe(tagRankings({ pipeline: p }), map(shown));
      expectObservable(out, '^!').toBe('-');
      flush();
    });
  });

  it('never completes on a never-ending source, emitting early rankings as they come', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const p = pipeline({ earlyFiringIntervalMs: 3 });
      const out = cold('a', { a: [post(1, -0.9, { tags: ['outage'] })] }).pipe(
        tagRankings({ pipeline: p }),
        map(shown),
      );
      expectObservable(out, '^ 10ms !').toBe('---x', { x: ['early @0 outage:1'] });
    });
  });

  it('gives each subscription its own engine', () => {
    const engines: unknown[] = [];
    const op = tagRankings({ pipeline: pipeline(), onEngine: (e) => engines.push(e) });
    const source = new Observable<CxEvent[]>((s) => {
      s.next([neg(1, 'a')]);
      s.complete();
    });
    const seen: string[][] = [];
    const subs: Subscription[] = [source.pipe(op, map(shown)).subscribe((x) => seen.push(x))];
    subs.push(source.pipe(op, map(shown)).subscribe((x) => seen.push(x)));
    expect(engines).toHaveLength(2);
    expect(engines[0]).not.toBe(engines[1]);
    expect(seen).toEqual([['final @0 a:1'], ['final @0 a:1']]);
  });

  it('refuses a pipeline without a tagRankings section', () => {
    expect(() => tagRankings({ pipeline: pipeline({ tagRankings: undefined }) })).toThrow(/no tagRankings/);
  });

  it('ranks only the windows its section names', () => {
    const p = pipeline({
      windows: [
        { name: '10', sizeMs: 10, hopMs: 10 },
        { name: '20', sizeMs: 20, hopMs: 20 },
      ],
      tagRankings: rules({ windows: ['20'] }),
    });
    const windows: string[] = [];
    new Observable<CxEvent[]>((s) => {
      s.next([neg(1, 'a')]);
      s.complete();
    })
      .pipe(tagRankings({ pipeline: p }))
      .subscribe((batch) => windows.push(...batch.map((r) => r.window)));
    expect(windows).toEqual(['20', '20']);
  });
});
