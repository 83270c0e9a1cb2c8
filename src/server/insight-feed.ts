/**
 * The recent insights for the live side (the WebSocket `insight` message, the snapshot,
 * `GET /api/insights`). Bounded: the wallboard shows what holds now, ClickHouse `insights` keeps
 * the history. A periodic report (state `report`, the driver analysis) replaces the previous one
 * of the same pipeline, kind and key, so a report every two minutes never pushes a diversion
 * suggestion out; suggestions and their resolutions are kept as they come, newest first.
 */
import type { Insight } from '../analytics/insights/insight.js';
import { RecentFeed } from './recent-feed.js';

/** Insights carry no personal data (no customer ids): the wire form is the insight itself. */
export type WireInsight = Insight;

export const DEFAULT_RECENT_INSIGHTS = 50;

/** The same id again (a replay), or a later report of the same series. */
function replaces(kept: WireInsight, added: WireInsight): boolean {
  return (
    kept.id === added.id ||
    (added.state === 'report' &&
      kept.state === 'report' &&
      kept.pipeline === added.pipeline &&
      kept.kind === added.kind &&
      kept.key === added.key &&
      kept.ts <= added.ts)
  );
}

export class InsightFeed extends RecentFeed<Insight, WireInsight> {
  constructor(limit = DEFAULT_RECENT_INSIGHTS) {
    super(limit, (insight) => structuredClone(insight), replaces);
  }

  /** The kept insights, newest first, optionally of one kind and state. */
  override recent(filter: { kind?: string; state?: string } = {}): WireInsight[] {
    return super
      .recent()
      .filter(
        (i) =>
          (filter.kind === undefined || i.kind === filter.kind) &&
          (filter.state === undefined || i.state === filter.state),
      );
  }
}
