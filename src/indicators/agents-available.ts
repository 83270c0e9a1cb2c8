/**
 * agents_available is a live gauge (see LiveContactState.agentsAvailable): agents available now
 * depend on agent.state events from before the window. As a windowed indicator it yields null.
 */
import type { IndicatorDefinition } from '../config/pipeline-definition.js';
import type { IndicatorAccumulator } from './accumulator.js';
import { gaugeOnly } from './contacts-in-queue.js';

export function agentsAvailable(def: IndicatorDefinition): IndicatorAccumulator<null> {
  return gaugeOnly(def);
}
