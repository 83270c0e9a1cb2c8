/**
 * journey_completion_rate = successful last-stage events ÷ journey starts, both by event time in
 * the window. A start is a touchpoint.event with stageIndex 0 (any outcome); a completion has
 * stageIndex === stageCount − 1 and outcome `success`. Events without stageIndex (or, for
 * completions, stageCount) are ignored. A single-stage journey's event is both a start and, on
 * success, a completion. Journeys that straddle a window boundary make short windows noisy and
 * can push a window above 1 (not clamped, so sums re-aggregate); retried stage-0 events count as
 * extra starts. Key this indicator by journey, not by stage: starts and completions are
 * different stages.
 */
import type { IndicatorDefinition } from '../config/pipeline-definition.js';
import type { IndicatorAccumulator } from './accumulator.js';
import { slotAccumulator } from './slot-accumulator.js';

export function journeyCompletionRate(def: IndicatorDefinition): IndicatorAccumulator<number[]> {
  return slotAccumulator({
    name: def.name,
    eventTypes: ['touchpoint.event'],
    slots: ['num', 'den'],
    add(buf, at, event) {
      if (event.type !== 'touchpoint.event') return;
      const { stageIndex, stageCount } = event;
      if (stageIndex === undefined) return;
      if (stageIndex === 0) buf[at + 1]!++;
      if (stageCount !== undefined && stageIndex === stageCount - 1 && event.outcome === 'success')
        buf[at]!++;
    },
    value: { kind: 'ratio' },
  });
}
