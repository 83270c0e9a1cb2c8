import { describe, expect, it } from 'vitest';
import { journeyCompletionRate } from '../../../src/indicators/journey-completion-rate.js';
import { def, itMergesAndMatchesReference, refRatio, run, touchpoint, touchpointsOf } from './fixtures.js';

describe('journey_completion_rate', () => {
  const acc = journeyCompletionRate(def('journey_completion_rate'));

  it('is successful last stages ÷ stage-0 events', () => {
    const events = [
      touchpoint({ journeyId: 'a', stageIndex: 0, stageCount: 3 }),
      touchpoint({ journeyId: 'b', stageIndex: 0, stageCount: 3, outcome: 'failure' }), // still a start
      touchpoint({ journeyId: 'a', stageIndex: 1, stageCount: 3 }),
      touchpoint({ journeyId: 'a', stageIndex: 2, stageCount: 3 }),
      touchpoint({ journeyId: 'c', stageIndex: 2, stageCount: 3, outcome: 'failure' }), // failed last stage
    ];
    expect(run(acc, events)).toEqual({ value: 0.5, numerator: 1, denominator: 2, samples: 2 });
  });

  it('counts a single-stage journey as both start and completion', () => {
    expect(run(acc, [touchpoint({ stageIndex: 0, stageCount: 1 })]).value).toBe(1);
  });

  it('ignores events without stage positions', () => {
    expect(run(acc, [touchpoint({}), touchpoint({ stageIndex: 2 })]).value).toBeNull();
  });

  itMergesAndMatchesReference(acc, (events) => {
    const tps = touchpointsOf(events);
    const starts = tps.filter((e) => e.stageIndex === 0).length;
    const done = tps.filter(
      (e) =>
        e.stageIndex !== undefined &&
        e.stageCount !== undefined &&
        e.stageIndex === e.stageCount - 1 &&
        e.outcome === 'success',
    ).length;
    return refRatio(done, starts);
  });
});
