/** Builder for the plain event counters (offered, answered, abandoned). */
import type { IndicatorDefinition } from '../config/pipeline-definition.js';
import type { EventType } from '../events/types.js';
import type { IndicatorAccumulator } from './accumulator.js';
import { countResult, type CountState } from './results.js';
import { withSummedFields } from './summed-fields.js';

export function countEvents(def: IndicatorDefinition, type: EventType): IndicatorAccumulator<CountState> {
  return withSummedFields(
    {
      name: def.name,
      eventTypes: [type],
      create: () => ({ n: 0 }),
      add(state, event) {
        // The engine already routes by eventTypes; the check keeps the accumulator correct when
        // used on its own (tests, replays).
        if (event.type === type) state.n++;
      },
      merge(into, from) {
        into.n += from.n;
      },
      result: (state) => countResult(state.n),
    },
    ['n'],
  );
}
