/**
 * occupancy. Live gauge: LiveContactState.occupancy(queue) = (busy + wrap) ÷ (available + busy +
 * wrap) agents now, away excluded.
 * Windowed form (this accumulator), a sample-based approximation: among agent.state events in
 * the window whose state is not `away`, the share that are `busy` or `wrap`. It counts state
 * changes, not time spent in each state, so an agent who flips often weighs more than one who
 * stays busy all window; a time-weighted occupancy would need each agent's state at the window
 * start, which a pane cannot know. Keyed by queue, an agent.state event only reaches the queue
 * key if the engine keys it so (agents carry queues[], not one queue).
 */
import type { IndicatorDefinition } from '../config/pipeline-definition.js';
import type { IndicatorAccumulator } from './accumulator.js';
import { slotAccumulator } from './slot-accumulator.js';

export function occupancy(def: IndicatorDefinition): IndicatorAccumulator<number[]> {
  return slotAccumulator({
    name: def.name,
    eventTypes: ['agent.state'],
    slots: ['num', 'den'],
    add(buf, at, event) {
      if (event.type !== 'agent.state') return;
      const s = event.state;
      if (s === 'away') return;
      buf[at + 1]!++;
      if (s === 'busy' || s === 'wrap') buf[at]!++;
    },
    value: { kind: 'ratio' },
  });
}
