/** contacts_abandoned — contact.abandoned events in the window, short abandons included. A window with none reports 0, not null: zero is a real count. */
import type { IndicatorDefinition } from '../config/pipeline-definition.js';
import type { IndicatorAccumulator } from './accumulator.js';
import { countEvents } from './count-events.js';

export function contactsAbandoned(def: IndicatorDefinition): IndicatorAccumulator<number[]> {
  return countEvents(def, 'contact.abandoned');
}
