/**
 * Enrichment run before the window engine, in event-time order: remembers each agent's last state
 * and since when, and attaches to every agent.state event the span it ends — the state the agent
 * was in until then, for how long, and how long the agent had already been working without a break
 * when that span began (see enrichment-marks.ts, AgentSpan). Time-weighted occupancy, after-contact
 * work and overload streaks are sums over these spans, so they merge across panes like counts.
 *
 * Work is `busy` or `wrap`; a run of work ends at `available` or `away`. A span is attributed to
 * the window of the event that ends it, whole: a 4-minute call that ends 1 minute into a window
 * counts in that window. Over windows much longer than a contact this evens out; the docs say so.
 *
 * Nothing here is about an individual as output: agent ids stay inside the tracker (one entry per
 * agent seen within `maxSpanMs`), and the indicators built on the spans are keyed by team or queue.
 *
 * Bounds: a span longer than `maxSpanMs` (default 4 h: a missed logout, a feed gap) is not attached
 * (`stats.tooLong`), and an agent silent for longer is forgotten (`stats.expired`); at most
 * `maxAgents` (default 100 000) agents, the least recently seen evicted first. An event older than
 * the agent's last one (out of order) is skipped, neither ending a span nor changing the state
 * (`stats.outOfOrder`).
 */
import type { IndicatorDefinition } from '../config/pipeline-definition.js';
import type { AgentStateName, CxEvent } from '../events/types.js';
import { defaultMarks, type AgentSpan, type EnrichmentMarks } from './enrichment-marks.js';
import { numberParam } from './params.js';

export const DEFAULT_MAX_SPAN_MS = 4 * 60 * 60 * 1000;
export const DEFAULT_MAX_AGENTS = 100_000;

export interface AgentStateTrackerOptions {
  /** Longer spans are not attached; agents silent for longer are forgotten. Default 4 h. */
  maxSpanMs?: number;
  /** Cap on agents remembered. Default 100 000. */
  maxAgents?: number;
  marks?: EnrichmentMarks;
}

export interface AgentStateTrackerStats {
  tooLong: number;
  outOfOrder: number;
  expired: number;
  evictedForCapacity: number;
}

interface AgentRecord {
  state: AgentStateName;
  since: number;
  /** Start of the current run of work; NaN when the agent is not working. */
  workingSince: number;
}

export function isWork(state: AgentStateName): boolean {
  return state === 'busy' || state === 'wrap';
}

export class AgentStateTracker {
  readonly maxSpanMs: number;
  readonly maxAgents: number;
  readonly marks: EnrichmentMarks;
  readonly stats: AgentStateTrackerStats = { tooLong: 0, outOfOrder: 0, expired: 0, evictedForCapacity: 0 };
  /** In order of last event (re-inserted on every update), so expiry reads from the front. */
  private readonly agents = new Map<string, AgentRecord>();
  private latestTs = -Infinity;

  constructor(options: AgentStateTrackerOptions = {}) {
    this.maxSpanMs = options.maxSpanMs ?? DEFAULT_MAX_SPAN_MS;
    this.maxAgents = options.maxAgents ?? DEFAULT_MAX_AGENTS;
    this.marks = options.marks ?? defaultMarks;
  }

  /** Options from an indicator definition's params (maxSpanMs, maxAgents). */
  static optionsFrom(def: IndicatorDefinition, marks?: EnrichmentMarks): AgentStateTrackerOptions {
    return {
      maxSpanMs: numberParam(def, 'maxSpanMs', DEFAULT_MAX_SPAN_MS),
      maxAgents: numberParam(def, 'maxAgents', DEFAULT_MAX_AGENTS),
      ...(marks ? { marks } : {}),
    };
  }

  get size(): number {
    return this.agents.size;
  }

  /** Tracks a batch (in order), then forgets agents silent for longer than maxSpanMs. */
  track(events: readonly CxEvent[]): void {
    for (let i = 0; i < events.length; i++) this.observe(events[i]!);
    this.expire();
  }

  /** Looks at one event; returns the span attached to it, if any. */
  observe(event: CxEvent): AgentSpan | undefined {
    if (event.type !== 'agent.state') return undefined;
    const { agentId, ts, state } = event;
    if (ts > this.latestTs) this.latestTs = ts;
    const last = this.agents.get(agentId);
    if (last !== undefined && ts < last.since) {
      this.stats.outOfOrder++;
      return undefined;
    }
    let span: AgentSpan | undefined;
    if (last !== undefined) {
      const ms = ts - last.since;
      if (ms <= this.maxSpanMs) {
        span = {
          state: last.state,
          ms,
          workedBeforeMs: isWork(last.state) ? last.since - last.workingSince : 0,
        };
        this.marks.agentSpans.set(event, span);
      } else {
        this.stats.tooLong++;
      }
      this.agents.delete(agentId);
    }
    // A run of work goes on through busy → wrap → busy; a gap too long to trust starts a new one.
    const continues = last !== undefined && span !== undefined && isWork(last.state) && isWork(state);
    this.agents.set(agentId, {
      state,
      since: ts,
      workingSince: !isWork(state) ? NaN : continues ? last.workingSince : ts,
    });
    if (this.agents.size > this.maxAgents) this.evictOldest();
    return span;
  }

  spanOf(event: CxEvent): AgentSpan | undefined {
    return this.marks.agentSpans.get(event);
  }

  expire(): void {
    const horizon = this.latestTs - this.maxSpanMs;
    for (const [agentId, record] of this.agents) {
      if (record.since >= horizon) break;
      this.agents.delete(agentId);
      this.stats.expired++;
    }
  }

  private evictOldest(): void {
    const oldest = this.agents.keys().next();
    if (oldest.done) return;
    this.agents.delete(oldest.value);
    this.stats.evictedForCapacity++;
  }
}
