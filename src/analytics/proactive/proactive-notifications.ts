/**
 * The usage forecaster as an RxJS operator: event batches in, notification batches out (only
 * non-empty ones). One forecaster per subscription, in the closure; batch in, plain loop inside, so
 * it costs what the forecaster costs. Event time only: nothing here reads a clock.
 */
import type { OperatorFunction } from 'rxjs';
import type { CxEvent } from '../../events/types.js';
import { batchEngineOperator } from '../batch-engine-operator.js';
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
  return batchEngineOperator(
    () => new UsageForecaster(options),
    (forecaster) => (events: readonly CxEvent[], out: ProactiveNotification[]) =>
      forecaster.processBatch(events, out),
    options.onForecaster,
    options.eventTypes,
  );
}
