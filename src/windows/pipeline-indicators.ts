/**
 * One pipeline definition, end to end in the middle stage: event-type selection → enrichment trackers
 * (repeat contacts, journey durations, agent state spans; event-time state that spans windows) → the
 * window engine, plus the live gauges (contacts in queue, oldest wait, agents available, occupancy)
 * that are state of the contact lifecycle rather than windowed sums.
 *
 * No I/O and no wall clock: processing time comes from the scheduler, so it runs in virtual time.
 */
import {
  Observable,
  asyncScheduler,
  Subject,
  merge,
  takeUntil,
  tap,
  type OperatorFunction,
  type SchedulerLike,
} from 'rxjs';
import type { IndicatorId, PipelineDefinition } from '../config/pipeline-definition.js';
import type { CxEvent } from '../events/types.js';
import { AgentStateTracker } from '../indicators/agent-state-tracker.js';
import { EnrichmentMarks } from '../indicators/enrichment-marks.js';
import { JourneyTracker } from '../indicators/journey-tracker.js';
import { LiveContactState } from '../indicators/live-contact-state.js';
import { createAccumulator, indicatorMetadata } from '../indicators/registry.js';
import { RepeatContactTracker } from '../indicators/repeat-contact-tracker.js';
import type { IndicatorValue, RejectedEvent } from './indicator-value.js';
import type { WindowEngine } from './window-engine.js';
import { windowedIndicators } from './windowed-indicators.js';

export interface PipelineIndicatorsOptions {
  scheduler?: SchedulerLike;
  onRejected?: (rejected: RejectedEvent) => void;
  /** Receives the window engine of each subscription (its watermark says which windows are final). */
  onEngine?: (engine: WindowEngine) => void;
}

/** Window name of live gauge values: they describe "now", not an interval. */
export const LIVE_WINDOW = 'live';

const GAUGES = new Set<IndicatorId>([
  'contacts_in_queue',
  'oldest_wait_seconds',
  'agents_available',
  'occupancy',
]);

export function pipelineIndicators(
  pipeline: PipelineDefinition,
  options: PipelineIndicatorsOptions = {},
): OperatorFunction<CxEvent[], IndicatorValue[]> {
  const scheduler = options.scheduler ?? asyncScheduler;
  const wantedTypes = pipeline.source.eventTypes ? new Set<string>(pipeline.source.eventTypes) : null;
  const enrichments = new Set(pipeline.indicators.map((d) => indicatorMetadata(d.id).enrichment));
  const gauges = pipeline.indicators.filter((d) => GAUGES.has(d.id));
  const sortedDims = [...pipeline.keyBy].sort();
  const repeatParams = pipeline.indicators.find((d) => d.id === 'repeat_contact_rate')?.params;
  const agentSpansDef = pipeline.indicators.find(
    (d) => indicatorMetadata(d.id).enrichment === 'agent-state-tracker',
  );

  return (source) =>
    new Observable<IndicatorValue[]>((subscriber) => {
      // Per subscription, like every operator's state.
      const marks = new EnrichmentMarks();
      const accumulators = pipeline.indicators.map((d) => createAccumulator(d, { marks }));
      const repeats = enrichments.has('repeat-contact-tracker')
        ? new RepeatContactTracker({
            marks,
            ...(typeof repeatParams?.lookbackMs === 'number' ? { lookbackMs: repeatParams.lookbackMs } : {}),
          })
        : null;
      const journeys = enrichments.has('journey-tracker') ? new JourneyTracker({ marks }) : null;
      const agentSpans = agentSpansDef
        ? new AgentStateTracker(AgentStateTracker.optionsFrom(agentSpansDef, marks))
        : null;
      const live = gauges.length > 0 ? new LiveContactState() : null;
      const channelOfQueue = new Map<string, string>();
      let latestEventTs = -Infinity;
      // The gauge ticker never completes by itself: it ends when the windowed stream does.
      const windowedDone = new Subject<void>();

      const prepared = new Observable<CxEvent[]>((inner) =>
        source.subscribe({
          next: (batch) => {
            const events = wantedTypes ? batch.filter((e) => wantedTypes.has(e.type)) : batch;
            if (events.length === 0) return;
            repeats?.markRepeats(events);
            journeys?.track(events);
            agentSpans?.track(events);
            if (live) {
              live.applyAll(events);
              for (const e of events) {
                if (e.ts > latestEventTs) latestEventTs = e.ts;
                if (e.type.startsWith('contact.') && 'queue' in e && 'channel' in e && e.channel) {
                  channelOfQueue.set(e.queue as string, e.channel as string);
                }
              }
            }
            inner.next(events);
          },
          error: (error) => inner.error(error),
          complete: () => inner.complete(),
        }),
      );

      const windowed = prepared.pipe(
        windowedIndicators({
          pipeline,
          accumulators,
          scheduler,
          ...(options.onRejected ? { onRejected: options.onRejected } : {}),
          ...(options.onEngine ? { onEngine: options.onEngine } : {}),
        }),
        tap({ complete: () => windowedDone.next(), error: () => windowedDone.next() }),
      );

      const streams: Observable<IndicatorValue[]>[] = [];
      if (live) {
        const readGauges = (): IndicatorValue[] => {
          if (latestEventTs === -Infinity) return [];
          const out: IndicatorValue[] = [];
          for (const queue of live.queues()) {
            const channel = channelOfQueue.get(queue);
            // A queue known only from agents' skills has no channel yet: its gauges would make a key
            // of their own (`channel=-`) that no windowed value shares.
            if (channel === undefined && pipeline.keyBy.includes('channel')) continue;
            const key: Record<string, string> = {};
            for (const dim of pipeline.keyBy)
              key[dim] = dim === 'queue' ? queue : dim === 'channel' ? (channel ?? '-') : '-';
            // Same text form as the window engine's keys, so a tile finds gauges and windowed values together.
            const keyId = sortedDims.map((d) => `${d}=${key[d]}`).join(',');
            for (const def of gauges) {
              const value =
                def.id === 'contacts_in_queue'
                  ? live.contactsInQueue(queue, latestEventTs)
                  : def.id === 'oldest_wait_seconds'
                    ? live.oldestWaitSeconds(queue, latestEventTs)
                    : def.id === 'agents_available'
                      ? live.agentsAvailable(queue)
                      : live.occupancy(queue);
              out.push({
                pipeline: pipeline.name,
                indicator: def.name,
                window: LIVE_WINDOW,
                key,
                keyId,
                windowStart: latestEventTs,
                windowEnd: latestEventTs,
                kind: 'early',
                version: 0,
                value,
              });
            }
          }
          return out;
        };
        const ticker = new Observable<IndicatorValue[]>((gaugeSubscriber) =>
          scheduler.schedule(function tick() {
            const values = readGauges();
            if (values.length > 0) gaugeSubscriber.next(values);
            this.schedule(undefined, pipeline.earlyFiringIntervalMs);
          }, pipeline.earlyFiringIntervalMs),
        );
        streams.push(ticker.pipe(takeUntil(windowedDone)));
      }
      // The ticker subscribes first, so a source that completes synchronously (a replay) still stops it.
      streams.push(windowed);
      return merge(...streams).subscribe(subscriber);
    });
}
