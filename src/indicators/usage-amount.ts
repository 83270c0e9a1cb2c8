/**
 * usage_amount — what accounts consumed in the window: Σ `used` of account.usage events, with the
 * number of reports as samples. Metrics (data, credit, minutes) are not comparable: a pipeline that
 * reads several gives each its own indicator with a `metric` filter. A window with none reports 0.
 */
import type { IndicatorDefinition } from '../config/pipeline-definition.js';
import type { IndicatorAccumulator } from './accumulator.js';
import { slotAccumulator } from './slot-accumulator.js';

export function usageAmount(def: IndicatorDefinition): IndicatorAccumulator<number[]> {
  return slotAccumulator({
    name: def.name,
    eventTypes: ['account.usage'],
    slots: ['sum', 'n'],
    add(buf, at, event) {
      if (event.type !== 'account.usage') return;
      const used = event.used;
      // The schema admits any number ≥ 0; a non-finite one can only come from a caller that skipped it.
      if (!(used >= 0) || used === Infinity) return;
      buf[at] = buf[at]! + used;
      buf[at + 1]!++;
    },
    value: (buf, at) => ({ value: buf[at]!, samples: buf[at + 1]! }),
  });
}
