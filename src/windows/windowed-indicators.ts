/**
 * windowedIndicators — batches of events in, batches of indicator values out (at most
 * maxValuesPerEmit per array: a batch that closes many windows emits several arrays, in order).
 *
 * The operator takes whole batches (a Kafka batch, a tick's worth) and runs a plain loop over them
 * in WindowEngine: per-event RxJS dispatch would cost more than the aggregation itself.
 * It owns processing time, always through the scheduler (so marble tests run in virtual time):
 * - early firings on a grid of earlyFiringIntervalMs anchored at subscription, scheduled only while
 *   something changed (no timer spins on an idle pipeline);
 * - idle advance: after idleTimeoutMs without any event, the watermark becomes
 *   watermarkAtLastEvent + (now − lastEventAt), re-evaluated every min(idleTimeoutMs, paneMs)
 *   while state is still held.
 * Semantics in full: docs/windows.md.
 */
import {
  Observable,
  asyncScheduler,
  type OperatorFunction,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';
import type { PipelineDefinition } from '../config/pipeline-definition.js';
import type { CxEvent } from '../events/types.js';
import type { IndicatorAccumulator } from '../indicators/accumulator.js';
import type { IndicatorValue, RejectedEvent } from './indicator-value.js';
import { checkChunkLimit, DEFAULT_MAX_VALUES_PER_EMIT, ValueChunker } from './value-chunker.js';
import { WindowEngine } from './window-engine.js';

export interface WindowedIndicatorsOptions {
  pipeline: PipelineDefinition;
  /** One per `pipeline.indicators` entry, same order; the engine applies each definition's filter. */
  accumulators: IndicatorAccumulator[];
  /** Processing-time clock and timers. Default: asyncScheduler. */
  scheduler?: SchedulerLike;
  /** Called for every event the engine cannot place (too late, or over the key limit). */
  onRejected?: (rejected: RejectedEvent) => void;
  /** Receives the engine once per subscription (for metrics: counters, live keys). */
  onEngine?: (engine: WindowEngine) => void;
  /**
   * Most values in one emitted array (default 4 096). A batch or tick that produces more emits several
   * arrays, in order, as the engine produces them, so that no large array of values is ever held:
   * see value-chunker.ts and docs/windows.md (Memory).
   */
  maxValuesPerEmit?: number;
}

export function windowedIndicators(
  options: WindowedIndicatorsOptions,
): OperatorFunction<CxEvent[], IndicatorValue[]> {
  const { pipeline, accumulators } = options;
  const scheduler = options.scheduler ?? asyncScheduler;
  const earlyEvery = pipeline.earlyFiringIntervalMs;
  const idleTimeout = pipeline.idleTimeoutMs;
  const maxValuesPerEmit = checkChunkLimit(options.maxValuesPerEmit ?? DEFAULT_MAX_VALUES_PER_EMIT);

  return (source) =>
    new Observable<IndicatorValue[]>((subscriber) => {
      // Built per subscription: state never leaks between subscribers.
      const engine = new WindowEngine(pipeline, accumulators, options.onRejected);
      options.onEngine?.(engine);
      const idleTick = Math.min(idleTimeout, engine.layout.paneMs);
      const startedAt = scheduler.now();
      let earlyTimer: Subscription | undefined;
      let idleTimer: Subscription | undefined;
      let lastEventAt = NaN;
      let watermarkAtLastEvent = -Infinity;
      let stopped = false;

      // One sink per subscription; each engine call is followed by flush(), so a batch's or tick's
      // values are all emitted before the next one starts.
      const out = new ValueChunker(maxValuesPerEmit, (chunk) => subscriber.next(chunk));
      const stopTimers = (): void => {
        stopped = true;
        earlyTimer?.unsubscribe();
        idleTimer?.unsubscribe();
        earlyTimer = undefined;
        idleTimer = undefined;
      };
      // Errors thrown by accumulators or downstream must reach the subscriber, not rxjs' unhandled-error hook.
      const guarded = (body: () => void): void => {
        try {
          body();
        } catch (err) {
          stopTimers();
          subscriber.error(err);
        }
      };

      const scheduleEarly = (): void => {
        if (stopped || earlyTimer !== undefined || !(earlyEvery > 0) || !engine.hasChanges) return;
        const now = scheduler.now();
        const next = startedAt + (Math.floor((now - startedAt) / earlyEvery) + 1) * earlyEvery;
        earlyTimer = scheduler.schedule(() => {
          earlyTimer = undefined;
          guarded(() => {
            engine.fireEarly(out);
            out.flush();
          });
        }, next - now);
      };

      const scheduleIdle = (delay: number): void => {
        if (stopped || idleTimer !== undefined || !(idleTimeout > 0)) return;
        idleTimer = scheduler.schedule(() => {
          idleTimer = undefined;
          guarded(() => {
            const now = scheduler.now();
            const quietFor = now - lastEventAt;
            if (quietFor < idleTimeout) {
              // Events came since this timer was set: look again when the quiet period could end.
              scheduleIdle(idleTimeout - quietFor);
              return;
            }
            engine.advanceTo(watermarkAtLastEvent + quietFor, out);
            out.flush();
            if (engine.livePaneCount > 0) scheduleIdle(idleTick);
          });
        }, delay);
      };

      const subscription = source.subscribe({
        next: (batch) =>
          guarded(() => {
            if (batch.length === 0) return;
            engine.processBatch(batch, out);
            lastEventAt = scheduler.now();
            watermarkAtLastEvent = engine.watermark;
            out.flush();
            scheduleEarly();
            if (engine.watermark > -Infinity) scheduleIdle(idleTimeout);
          }),
        error: (err: unknown) => {
          stopTimers();
          subscriber.error(err);
        },
        complete: () => {
          stopTimers();
          guarded(() => {
            engine.flush(out);
            out.flush();
            subscriber.complete();
          });
        },
      });

      return () => {
        stopTimers();
        subscription.unsubscribe();
      };
    });
}
