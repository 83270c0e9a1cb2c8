/**
 * The at-risk tracker as an RxJS operator: event batches in, work-order batches out (only non-empty
 * ones). One tracker per subscription, in the closure; batch in, plain loop inside, so it costs what
 * the tracker costs. Event time only: nothing here reads a clock, so it needs no scheduler.
 */
import type { OperatorFunction } from 'rxjs';
import type { CxEvent } from '../../events/types.js';
import { batchEngineOperator } from '../batch-engine-operator.js';
import { AtRiskTracker, type AtRiskTrackerOptions } from './at-risk-tracker.js';
import type { WorkOrder } from './work-order.js';

export interface AtRiskWorkOrdersOptions extends AtRiskTrackerOptions {
  /** Event types the pipeline reads (its `source.eventTypes`); absent: all. */
  eventTypes?: readonly string[];
  /** Receives each subscription's tracker (stats, size). */
  onTracker?: (tracker: AtRiskTracker) => void;
}

export function atRiskWorkOrders(
  options: AtRiskWorkOrdersOptions,
): OperatorFunction<readonly CxEvent[], WorkOrder[]> {
  return batchEngineOperator(
    () => new AtRiskTracker(options),
    (tracker) => (events: readonly CxEvent[], out: WorkOrder[]) => tracker.processBatch(events, out),
    options.onTracker,
    options.eventTypes,
  );
}
