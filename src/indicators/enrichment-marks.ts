/**
 * Where the enrichment trackers (repeat contacts, journey durations, agent state spans) leave their
 * findings for the accumulators. The event contract stays untouched: facts that need history across
 * windows are computed once, in event-time order, before the window engine, and remembered beside
 * the event object (WeakSet/WeakMap, so nothing outlives the event).
 *
 * One `defaultMarks` serves the common case. Two pipelines that run trackers with different
 * parameters over the same event objects must each use their own marks (pass `{ marks }` to the
 * tracker and to `createAccumulator`), or the second tracker's findings would mix with the first's.
 */
import type { AgentStateName, CxEvent } from '../events/types.js';

/** The time an agent spent in one state, ended by the agent.state event it is attached to. */
export interface AgentSpan {
  /** The state the agent was in until this event. */
  state: AgentStateName;
  /** How long: this event's ts − the agent's previous event's ts. */
  ms: number;
  /**
   * Unbroken work (busy or wrap, no available or away between) before the span started, ms: 0 for
   * a span that is not work or that starts a run of work.
   */
  workedBeforeMs: number;
}

export class EnrichmentMarks {
  /** contact.queued events whose customer had another contact within the lookback. */
  readonly repeats = new WeakSet<CxEvent>();
  /** Last-stage touchpoint events → end-to-end journey duration in ms. */
  readonly journeyDurations = new WeakMap<CxEvent, number>();
  /** agent.state events → the span of the agent's previous state that they end. */
  readonly agentSpans = new WeakMap<CxEvent, AgentSpan>();
}

export const defaultMarks = new EnrichmentMarks();

/** Optional second argument of every indicator factory. */
export interface IndicatorContext {
  marks?: EnrichmentMarks;
}
