/**
 * Everything alerting needs, wired once: the engine operator, the store it records into (which is
 * also the server's AlertStore port) and one bounded queue per notifier. The app pipes its values
 * through `operator` and subscribes; nothing in there awaits a notifier.
 *
 *   const alerting = createAlerting({ pipelines, notifiers: [alertmanager, webhook] });
 *   values$.pipe(alerting.operator).subscribe();
 *   buildApp({ ..., alerts: alerting.store });
 *   ...
 *   await alerting.close();
 */
import { asyncScheduler, tap, type OperatorFunction, type SchedulerLike } from 'rxjs';
import type { PipelineDefinition } from '../config/pipeline-definition.js';
import type { RetryPolicy } from '../errors/retry-policy.js';
import type { IndicatorValue } from '../windows/indicator-value.js';
import type { AlertTransition } from './alert.js';
import { alertEngine, type FlappingOptions } from './alert-engine.js';
import { MemoryAlertStore } from './alert-store.js';
import { NotificationQueue, type AlertNotifier } from './notifier.js';

export interface AlertingOptions {
  pipelines: readonly PipelineDefinition[];
  scheduler?: SchedulerLike;
  notifiers?: readonly AlertNotifier[];
  /** Default: a new MemoryAlertStore on the scheduler's clock. */
  store?: MemoryAlertStore;
  flapping?: Partial<FlappingOptions>;
  checkEveryMs?: number;
  /** Per notifier queue bound (default 1000) and retry policy (default the shared one). */
  queueCapacity?: number;
  retry?: RetryPolicy;
}

export interface Alerting {
  operator: OperatorFunction<IndicatorValue[], AlertTransition[]>;
  store: MemoryAlertStore;
  queues: NotificationQueue[];
  /** Waits until every queue is empty (tests). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export function createAlerting(options: AlertingOptions): Alerting {
  const scheduler = options.scheduler ?? asyncScheduler;
  const store = options.store ?? new MemoryAlertStore({ now: () => scheduler.now() });
  const queues = (options.notifiers ?? []).map(
    (n) =>
      new NotificationQueue(n, {
        ...(options.queueCapacity !== undefined ? { capacity: options.queueCapacity } : {}),
        ...(options.retry ? { retry: options.retry } : {}),
      }),
  );
  const engine = alertEngine({
    pipelines: options.pipelines,
    scheduler,
    store,
    ...(options.flapping ? { flapping: options.flapping } : {}),
    ...(options.checkEveryMs !== undefined ? { checkEveryMs: options.checkEveryMs } : {}),
  });
  return {
    operator: (source) =>
      source.pipe(
        engine,
        tap((transitions) => {
          for (const queue of queues) queue.enqueue(transitions);
        }),
      ),
    store,
    queues,
    async idle() {
      await Promise.all(queues.map((q) => q.idle()));
    },
    async close() {
      await Promise.all(queues.map((q) => q.close()));
    },
  };
}
