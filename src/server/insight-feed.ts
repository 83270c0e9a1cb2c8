/**
 * The recent insights for the live side (the WebSocket `insight` message, the snapshot,
 * `GET /api/insights`). Bounded: the wallboard shows what holds now, ClickHouse `insights` keeps
 * the history. A periodic report (state `report`, the driver analysis) replaces the previous one
 * of the same pipeline, kind and key, so a report every two minutes never pushes a diversion
 * suggestion out; suggestions and their resolutions are kept as they come, newest first.
 */
import type { Insight } from '../analytics/insights/insight.js';

/** Insights carry no personal data (no customer ids): the wire form is the insight itself. */
export type WireInsight = Insight;

export const DEFAULT_RECENT_INSIGHTS = 50;

export class InsightFeed {
  /** Newest `ts` first. */
  private insights: WireInsight[] = [];
  private readonly listeners = new Set<(insight: WireInsight) => void>();

  constructor(readonly limit = DEFAULT_RECENT_INSIGHTS) {}

  /**
   * Adds insights as they are raised. The same id again (a replay) replaces the kept one; a report
   * replaces the earlier report of its series. Listeners hear every added insight, in order.
   */
  add(insights: readonly Insight[]): void {
    for (const insight of insights) {
      const wire = structuredClone(insight);
      this.insights = this.insights.filter(
        (i) =>
          i.id !== wire.id &&
          !(
            wire.state === 'report' &&
            i.state === 'report' &&
            i.pipeline === wire.pipeline &&
            i.kind === wire.kind &&
            i.key === wire.key &&
            i.ts <= wire.ts
          ),
      );
      let at = 0;
      while (at < this.insights.length && this.insights[at]!.ts > wire.ts) at++;
      this.insights.splice(at, 0, wire);
      if (this.insights.length > this.limit) this.insights.length = this.limit;
      for (const l of this.listeners) l(wire);
    }
  }

  /** The kept insights, newest first, optionally of one kind and state. */
  recent(filter: { kind?: string; state?: string } = {}): WireInsight[] {
    return this.insights.filter(
      (i) =>
        (filter.kind === undefined || i.kind === filter.kind) &&
        (filter.state === undefined || i.state === filter.state),
    );
  }

  onAdd(listener: (insight: WireInsight) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
