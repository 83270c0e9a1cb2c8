/**
 * Playing a simulator through pipelines in event time, as the incident benchmark does
 * (bench/incidents.bench.ts): one VirtualTimeScheduler moved in step with the simulated clock.
 */
import type { VirtualTimeScheduler } from 'rxjs';
import type { CxEvent } from '../../src/events/types.js';

export interface EventTimeSpan {
  from: number;
  to: number;
  /** Simulated time per delivered batch; default 1 s. */
  stepMs?: number;
  /** Asked before every step: a pipeline that errored stops the replay. */
  stopped?: () => boolean;
}

/**
 * Every step the clock is advanced to the step's end first (live-gauge ticks, idle watermarks and
 * rule checks due by then run), then the step's events are delivered, as a live consumer sees them
 * just after they happened. The staffing rule needs this: its agents come from the live gauges.
 */
export function replayInEventTime(
  simulator: { nextBatch(untilTs: number): CxEvent[] },
  clock: VirtualTimeScheduler,
  deliver: (batch: CxEvent[]) => void,
  { from, to, stepMs = 1000, stopped }: EventTimeSpan,
): void {
  for (let t = from + stepMs; t <= to && !(stopped?.() ?? false); t += stepMs) {
    const batch = simulator.nextBatch(t);
    clock.maxFrames = t;
    clock.flush();
    clock.frame = t;
    if (batch.length > 0) deliver(batch);
  }
}
