/**
 * The at-risk tracker as an RxJS operator: event batches in, work-order batches out (only non-empty
 * ones). One tracker per subscription, in the closure; batch in, plain loop inside, so it costs what
 * the tracker costs. Event time only: nothing here reads a clock, so it needs no scheduler.
 */
import { Observable, type OperatorFunction } from 'rxjs';
import type { CxEvent } from '../../events/types.js';
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
  const wanted = options.eventTypes ? new Set<string>(options.eventTypes) : null;
  return (source) =>
    new Observable<WorkOrder[]>((subscriber) => {
      const tracker = new AtRiskTracker(options);
      options.onTracker?.(tracker);
      return source.subscribe({
        next: (batch) => {
          const events = wanted ? batch.filter((e) => wanted.has(e.type)) : batch;
          const out: WorkOrder[] = [];
          try {
            tracker.processBatch(events, out);
          } catch (error) {
            subscriber.error(error);
            return;
          }
          if (out.length > 0) subscriber.next(out);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
    });
}
