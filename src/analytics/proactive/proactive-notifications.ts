/**
 * The usage forecaster as an RxJS operator: event batches in, notification batches out (only
 * non-empty ones). One forecaster per subscription, in the closure; batch in, plain loop inside, so
 * it costs what the forecaster costs. Event time only: nothing here reads a clock.
 */
import { Observable, type OperatorFunction } from 'rxjs';
import type { CxEvent } from '../../events/types.js';
import type { ProactiveNotification } from './proactive-notification.js';
import { UsageForecaster, type UsageForecasterOptions } from './usage-forecaster.js';

export interface ProactiveNotificationsOptions extends UsageForecasterOptions {
  /** Event types the pipeline reads (its `source.eventTypes`); absent: all. */
  eventTypes?: readonly string[];
  /** Receives each subscription's forecaster (stats, size). */
  onForecaster?: (forecaster: UsageForecaster) => void;
}

export function proactiveNotifications(
  options: ProactiveNotificationsOptions,
): OperatorFunction<readonly CxEvent[], ProactiveNotification[]> {
  const wanted = options.eventTypes ? new Set<string>(options.eventTypes) : null;
  return (source) =>
    new Observable<ProactiveNotification[]>((subscriber) => {
      const forecaster = new UsageForecaster(options);
      options.onForecaster?.(forecaster);
      return source.subscribe({
        next: (batch) => {
          const events = wanted ? batch.filter((e) => wanted.has(e.type)) : batch;
          const out: ProactiveNotification[] = [];
          try {
            forecaster.processBatch(events, out);
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
