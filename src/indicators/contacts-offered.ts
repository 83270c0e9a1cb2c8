/** contacts_offered — contact.queued events in the window. A window with none reports 0, not null: zero is a real count. */
import type { IndicatorDefinition } from '../config/pipeline-definition.js';
import type { IndicatorAccumulator } from './accumulator.js';
import { countEvents } from './count-events.js';

export function contactsOffered(def: IndicatorDefinition): IndicatorAccumulator<number[]> {
  return countEvents(def, 'contact.queued');
}
