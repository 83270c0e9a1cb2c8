/**
 * touchpoint_failure_rate = touchpoint.event with outcome `failure` ÷ all touchpoint.event
 * (success, failure and abandoned all count in the denominator).
 */
import type { IndicatorDefinition } from '../config/pipeline-definition.js';
import type { IndicatorAccumulator } from './accumulator.js';
import { slotAccumulator } from './slot-accumulator.js';

export function touchpointFailureRate(def: IndicatorDefinition): IndicatorAccumulator<number[]> {
  return slotAccumulator({
    name: def.name,
    eventTypes: ['touchpoint.event'],
    slots: ['num', 'den'],
    add(buf, at, event) {
      if (event.type !== 'touchpoint.event') return;
      buf[at + 1]!++;
      if (event.outcome === 'failure') buf[at]!++;
    },
    value: { kind: 'ratio' },
  });
}
