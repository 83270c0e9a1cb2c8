/**
 * The real-time driver: turns the pure simulator into an Observable of event batches, paced so that
 * `speed` simulated milliseconds pass per real millisecond.
 *
 * Time comes from the RxJS scheduler only, so tests drive it in virtual time. The simulated clock is
 * derived from the scheduler's clock at each tick (not from a tick count), so a tick that runs late
 * — a blocked event loop — catches up in one larger batch instead of drifting.
 */
import { asyncScheduler, defer, interval, map, takeWhile, type Observable, type SchedulerLike } from 'rxjs';
import type { CxEvent } from '../../events/types.js';
import type { Simulator, SimulatorOptions } from './simulator.js';
import { createScenarioSimulator } from './scripted-simulator.js';

export interface DriverOptions {
  /** Simulated ms per real ms. Default 1. */
  speed?: number;
  /** Real ms between batches. Default 100. */
  tickMs?: number;
  /** Simulated ms to produce before completing. Default: never complete. */
  durationMs?: number;
  /** Default asyncScheduler; tests pass a TestScheduler or VirtualTimeScheduler. */
  scheduler?: SchedulerLike;
  /** Called with the simulator when a subscription starts (e.g. to read its labels). */
  onStart?: (simulator: Simulator) => void;
}

/**
 * One simulator per subscription: two subscribers see two identical, independent streams.
 * Emits one batch per tick, possibly empty (an empty batch still says "simulated time moved on");
 * the batch of the last tick may end early at `durationMs`.
 */
export function simulatedEvents(options: SimulatorOptions & DriverOptions = {}): Observable<CxEvent[]> {
  const speed = options.speed ?? 1;
  const tickMs = options.tickMs ?? 100;
  const scheduler = options.scheduler ?? asyncScheduler;
  if (!(speed > 0)) throw new RangeError(`speed must be > 0, got ${speed}`);
  if (!(tickMs > 0)) throw new RangeError(`tickMs must be > 0, got ${tickMs}`);
  return defer(() => {
    const startTs = options.startTs ?? Math.floor(scheduler.now() / 1000) * 1000;
    const simulator = createScenarioSimulator({ ...options, startTs });
    options.onStart?.(simulator);
    const endTs = options.durationMs === undefined ? Number.POSITIVE_INFINITY : startTs + options.durationMs;
    const realStart = scheduler.now();
    return interval(tickMs, scheduler).pipe(
      map(() => {
        const simNow = Math.min(endTs, startTs + (scheduler.now() - realStart) * speed);
        return simulator.nextBatch(simNow);
      }),
      takeWhile(() => simulator.now < endTs, true),
    );
  });
}
