/**
 * after_contact_work_seconds — mean length of the wrap-ups (after-contact work) that end in the
 * window: Σ ms of `wrap` spans ÷ their number ÷ 1000. A wrap span runs from the agent's `wrap`
 * state to the agent's next state (available, busy with the next contact, or away); spans come
 * from AgentStateTracker, which must run before the windows with the same marks. numerator = Σ
 * wrap seconds, denominator = samples = wrap-ups.
 *
 * Contact events carry `wrapMs` too (aht_seconds uses it), but no team: from agent states the
 * after-contact work can be keyed by the agents' `team`.
 */
import type { IndicatorDefinition } from '../config/pipeline-definition.js';
import type { IndicatorAccumulator } from './accumulator.js';
import { defaultMarks, type IndicatorContext } from './enrichment-marks.js';
import { slotAccumulator } from './slot-accumulator.js';

export function afterContactWorkSeconds(
  def: IndicatorDefinition,
  context: IndicatorContext = {},
): IndicatorAccumulator<number[]> {
  const spans = (context.marks ?? defaultMarks).agentSpans;
  return slotAccumulator({
    name: def.name,
    eventTypes: ['agent.state'],
    slots: ['wrapMs', 'wrapUps'],
    add(buf, at, event) {
      const span = spans.get(event);
      if (span === undefined || span.state !== 'wrap') return;
      buf[at]! += span.ms;
      buf[at + 1]!++;
    },
    value: { kind: 'mean', scale: 1 / 1000 },
  });
}
