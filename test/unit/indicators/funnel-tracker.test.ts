import { describe, expect, it } from 'vitest';
import type { TouchpointEvent } from '../../../src/events/types.js';
import { EnrichmentMarks } from '../../../src/indicators/enrichment-marks.js';
import {
  FUNNEL_LOST,
  FUNNEL_PASSED,
  FUNNEL_REACHED,
  FunnelTracker,
  funnelTrackerFor,
} from '../../../src/indicators/funnel-tracker.js';
import { contact, def, touchpoint } from './fixtures.js';

const at = (
  journeyId: string,
  stageIndex: number | undefined,
  outcome: TouchpointEvent['outcome'],
  ts = 0,
): TouchpointEvent => touchpoint({ journeyId, stageIndex, stageCount: 3, outcome, ts });

function marks(tracker: FunnelTracker, events: TouchpointEvent[]): string[] {
  return events.map((e) => {
    const m = tracker.observe(e);
    return [m & FUNNEL_REACHED ? 'R' : '', m & FUNNEL_PASSED ? 'P' : '', m & FUNNEL_LOST ? 'L' : ''].join('');
  });
}

describe('FunnelTracker', () => {
  it('marks the first event at a stage, its first success, and a give-up after a failure', () => {
    const t = new FunnelTracker();
    expect(
      marks(t, [
        at('a', 0, 'success'),
        at('a', 0, 'success'), // a replayed success: nothing new
        at('a', 1, 'failure'),
        at('a', 1, 'failure'),
        at('a', 1, 'abandoned'), // gave up after failing: lost at stage 1
        at('a', 1, 'abandoned'), // once only
        at('b', 0, 'abandoned'), // left without a failure: reached, not lost
        at('c', 0, 'failure'),
        at('c', 0, 'success'), // the retry worked
        at('c', 0, 'abandoned'), // passed already: not lost
        at('c', 2, 'success'), // stages may be skipped
      ]),
    ).toEqual(['RP', '', 'R', '', 'L', '', 'R', 'R', 'P', '', 'RP']);
  });

  it('counts a journey passed or lost at a stage, never both (bug: a success after the loss counted too)', () => {
    // fast-check's counterexample (seed 1398755276): one second's events, the success last.
    const t = new FunnelTracker();
    expect(marks(t, [at('j5', 2, 'failure'), at('j5', 2, 'abandoned'), at('j5', 2, 'success')])).toEqual([
      'R',
      'L',
      '',
    ]);
  });

  it('decides once per event object, however often it is asked', () => {
    const t = new FunnelTracker();
    const e = at('a', 0, 'success');
    expect(t.observe(e)).toBe(FUNNEL_REACHED | FUNNEL_PASSED);
    expect(t.observe(e)).toBe(FUNNEL_REACHED | FUNNEL_PASSED);
    expect(t.observe(at('a', 0, 'success'))).toBe(0);
  });

  it('ignores other events, events without a usable stageIndex', () => {
    const t = new FunnelTracker();
    expect(t.observe(contact('contact.queued'))).toBe(0);
    expect(t.observe(at('a', undefined, 'success'))).toBe(0);
    expect(t.observe(at('a', -1, 'success'))).toBe(0);
    expect(t.observe(at('a', 1.5, 'success'))).toBe(0);
    expect(t.observe(at('a', 31, 'success'))).toBe(0);
    expect(t.observe(at('a', 30, 'success'))).toBe(FUNNEL_REACHED | FUNNEL_PASSED);
    expect(t.size).toBe(1);
  });

  it('forgets a journey idle for longer than maxJourneyMs: its next visit counts again', () => {
    const t = new FunnelTracker({ maxJourneyMs: 1000 });
    expect(marks(t, [at('a', 0, 'success', 0), at('b', 0, 'success', 1000)])).toEqual(['RP', 'RP']);
    // a's newest event (0) is exactly maxJourneyMs old: still known.
    expect(marks(t, [at('a', 0, 'success', 1000)])).toEqual(['']);
    expect(marks(t, [at('b', 0, 'success', 2001)])).toEqual(['RP']);
    expect(t.stats.expired).toBe(2); // b on its return, a from the front while b was observed
    expect(t.size).toBe(1);
  });

  it('forgets by the journey newest event time, also when its events arrive out of order', () => {
    const t = new FunnelTracker({ maxJourneyMs: 1000 });
    t.observe(at('a', 0, 'success', 5000));
    t.observe(at('a', 1, 'success', 100)); // late; a is still as new as 5000
    expect(marks(t, [at('z', 0, 'success', 5900), at('a', 1, 'success', 5950)])).toEqual(['RP', '']);
  });

  it('holds at most maxJourneys, dropping the least recently active', () => {
    const t = new FunnelTracker({ maxJourneys: 2 });
    t.observe(at('a', 0, 'success', 0));
    t.observe(at('b', 0, 'success', 1));
    t.observe(at('a', 1, 'success', 2)); // a is now the most recent
    t.observe(at('c', 0, 'success', 3)); // b goes
    expect(t.size).toBe(2);
    expect(t.stats.evictedForCapacity).toBe(1);
    expect(marks(t, [at('a', 0, 'success', 4), at('b', 0, 'success', 5)])).toEqual(['', 'RP']);
  });

  it('is shared by the funnel indicators of one marks object with the same params', () => {
    const marksA = new EnrichmentMarks();
    const d = def('funnel_reached');
    expect(funnelTrackerFor(d, marksA)).toBe(funnelTrackerFor(def('funnel_lost'), marksA));
    expect(funnelTrackerFor(d, marksA)).not.toBe(funnelTrackerFor(d, new EnrichmentMarks()));
    expect(funnelTrackerFor(d, marksA)).not.toBe(
      funnelTrackerFor(def('funnel_reached', { maxJourneyMs: 5 }), marksA),
    );
    expect(funnelTrackerFor(d, undefined)).not.toBe(funnelTrackerFor(d, undefined));
    expect(() => funnelTrackerFor(def('funnel_reached', { maxJourneys: 'x' }), undefined)).toThrow(
      /maxJourneys must be a finite number/,
    );
  });
});
