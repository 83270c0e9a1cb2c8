/**
 * tagRankings — batches of events in, batches of tag rankings out (only non-empty ones): the
 * tag-ranking engine (tag-ranking-engine.ts) plus processing time, always through the scheduler so
 * marble tests run in virtual time, with the indicator engine's rules (docs/windows.md):
 * - early rankings on a grid of `earlyFiringIntervalMs` anchored at subscription, scheduled only
 *   while some key changed;
 * - idle advance: after `idleTimeoutMs` without events the watermark becomes
 *   watermarkAtLastEvent + (now − lastEventAt), re-evaluated every min(idleTimeoutMs, paneMs) while
 *   panes are held, so windows close overnight;
 * - completion: every window with answers becomes final, then the output completes.
 */
import {
  asyncScheduler,
  Observable,
  type OperatorFunction,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';
import type { PipelineDefinition } from '../../config/pipeline-definition.js';
import { CxPulseError } from '../../errors/codes.js';
import type { CxEvent } from '../../events/types.js';
import { TagRankingEngine } from './tag-ranking-engine.js';
import type { TagRanking } from './tag-ranking.js';

export interface TagRankingsOptions {
  /** A pipeline with a `tagRankings:` section; its windows, lateness, early firing and idle timeout apply. */
  pipeline: PipelineDefinition;
  scheduler?: SchedulerLike;
  /** Receives each subscription's engine (stats, watermark). */
  onEngine?: (engine: TagRankingEngine) => void;
}

export function tagRankings(options: TagRankingsOptions): OperatorFunction<readonly CxEvent[], TagRanking[]> {
  const { pipeline } = options;
  const rules = pipeline.tagRankings;
  if (rules === undefined) {
    throw new CxPulseError(
      'CXP_ERR_PIPELINE_INVALID',
      `pipeline ${pipeline.name} has no tagRankings section`,
    );
  }
  const windows = pipeline.windows.filter((w) => rules.windows.includes(w.name));
  const wanted = pipeline.source.eventTypes ? new Set<string>(pipeline.source.eventTypes) : null;
  const scheduler = options.scheduler ?? asyncScheduler;
  const earlyEvery = pipeline.earlyFiringIntervalMs;
  const idleTimeout = pipeline.idleTimeoutMs;

  return (source) =>
    new Observable<TagRanking[]>((subscriber) => {
      const engine = new TagRankingEngine({
        pipeline: pipeline.name,
        windows,
        allowedLatenessMs: pipeline.allowedLatenessMs,
        rules,
      });
      options.onEngine?.(engine);
      const idleTick = Math.min(idleTimeout, engine.layout.paneMs);
      const startedAt = scheduler.now();
      let earlyTimer: Subscription | undefined;
      let idleTimer: Subscription | undefined;
      let lastEventAt = NaN;
      let watermarkAtLastEvent = -Infinity;
      let stopped = false;

      const stopTimers = (): void => {
        stopped = true;
        earlyTimer?.unsubscribe();
        idleTimer?.unsubscribe();
        earlyTimer = undefined;
        idleTimer = undefined;
      };
      // Whatever the engine or a downstream subscriber throws goes to the subscriber's error.
      const guarded = (body: (out: TagRanking[]) => void): void => {
        const out: TagRanking[] = [];
        try {
          body(out);
          if (out.length > 0) subscriber.next(out);
        } catch (error) {
          stopTimers();
          subscriber.error(error);
        }
      };

      const scheduleEarly = (): void => {
        if (stopped || earlyTimer !== undefined || !(earlyEvery > 0) || !engine.hasChanges) return;
        const now = scheduler.now();
        const next = startedAt + (Math.floor((now - startedAt) / earlyEvery) + 1) * earlyEvery;
        earlyTimer = scheduler.schedule(() => {
          earlyTimer = undefined;
          guarded((out) => engine.fireEarly(out));
        }, next - now);
      };

      const scheduleIdle = (delay: number): void => {
        if (stopped || idleTimer !== undefined || !(idleTimeout > 0)) return;
        idleTimer = scheduler.schedule(() => {
          idleTimer = undefined;
          guarded((out) => {
            const quietFor = scheduler.now() - lastEventAt;
            if (quietFor < idleTimeout) {
              scheduleIdle(idleTimeout - quietFor);
              return;
            }
            engine.advanceTo(watermarkAtLastEvent + quietFor, out);
            if (engine.livePaneCount > 0) scheduleIdle(idleTick);
          });
        }, delay);
      };

      const subscription = source.subscribe({
        next: (batch) => {
          const events = wanted ? batch.filter((e) => wanted.has(e.type)) : batch;
          if (events.length === 0) return;
          guarded((out) => engine.processBatch(events, out));
          if (stopped) return;
          lastEventAt = scheduler.now();
          watermarkAtLastEvent = engine.watermark;
          scheduleEarly();
          if (engine.watermark > -Infinity) scheduleIdle(idleTimeout);
        },
        error: (error: unknown) => {
          stopTimers();
          subscriber.error(error);
        },
        complete: () => {
          stopTimers();
          guarded((out) => engine.flush(out));
          subscriber.complete();
        },
      });

      return () => {
        stopTimers();
        subscription.unsubscribe();
      };
    });
}
