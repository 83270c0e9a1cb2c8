/**
 * One connected WebSocket client and its conflation state.
 *
 * While the socket keeps up (nothing pending, `bufferedAmount` under the high-water mark) a
 * broadcast frame, serialised once for every client with the same subscription, goes out as is.
 * Once a client falls behind, its values land in `pendingValues`, one entry per series (pipeline,
 * indicator, window, key): a newer value replaces the older one, so a slow client costs at most one
 * value per series — never a growing queue — and gets the latest of each when it drains. Alerts
 * pend one per id, work orders one per id up to the feed's bound. Other
 * clients never wait for it: nothing here blocks or awaits.
 */
import type { Alert } from '../alert-store.js';
import type { Principal } from '../auth.js';
import { DEFAULT_RECENT_WORK_ORDERS, type WireWorkOrder } from '../work-order-feed.js';
import {
  DEFAULT_RECENT_PROACTIVE_NOTIFICATIONS,
  type WireProactiveNotification,
} from '../proactive-notification-feed.js';
import { DEFAULT_RECENT_INSIGHTS, type WireInsight } from '../insight-feed.js';
import { rankingSeriesId } from '../../analytics/tags/tag-ranking.js';
import type { WireTagRanking } from '../tag-ranking-feed.js';
import { seriesId } from '../indicator-view.js';
import type { ServerMessage, WireValue } from './protocol.js';
import type { SubscriptionMatcher } from './subscription-matcher.js';

/** What a session needs of a `ws` WebSocket (a fake in unit tests). */
export interface PeerSocket {
  readonly bufferedAmount: number;
  readonly readyState: number;
  send(data: Buffer | string, options?: { binary?: boolean }): void;
}

/** Shared frames are Buffers (built once); they still go out as text frames, which browsers hand over as strings. */
const TEXT = { binary: false } as const;

const OPEN = 1;

export interface SessionLimits {
  /** Bytes buffered on the socket above which the client counts as slow and values are conflated. */
  highWaterBytes: number;
  /** Series a slow client may have pending; beyond it the client is dropped. */
  maxPendingSeries: number;
  /** Values per `indicators` frame when draining a pending map. */
  flushChunk: number;
}

export type DeliveryResult = 'sent' | 'pending' | 'overflow' | 'closed';

export class ClientSession {
  readonly pendingValues = new Map<string, WireValue>();
  readonly pendingAlerts = new Map<string, Alert>();
  /** Insertion order = raise order; capped like the feed, so a slow client holds at most that many. */
  readonly pendingWorkOrders = new Map<string, WireWorkOrder>();
  /** Like work orders: raise order, capped like the feed. */
  readonly pendingProactiveNotifications = new Map<string, WireProactiveNotification>();
  /** Like work orders: raise order, capped like the insight feed. */
  readonly pendingInsights = new Map<string, WireInsight>();
  /** One per ranking series, the newest: conflated like values. */
  readonly pendingTagRankings = new Map<string, WireTagRanking>();
  /** Cleared by the heartbeat's ping, set by the pong: still false at the next beat means dead. */
  alive = true;

  constructor(
    readonly socket: PeerSocket,
    readonly principal: Principal,
    public matcher: SubscriptionMatcher,
    private readonly limits: SessionLimits,
  ) {}

  get pendingCount(): number {
    return (
      this.pendingValues.size +
      this.pendingAlerts.size +
      this.pendingWorkOrders.size +
      this.pendingProactiveNotifications.size +
      this.pendingInsights.size +
      this.pendingTagRankings.size
    );
  }

  private get keepsUp(): boolean {
    return this.pendingCount === 0 && this.socket.bufferedAmount < this.limits.highWaterBytes;
  }

  /** `frame()` builds (or returns the already built) shared frame of `values`. */
  deliverValues(values: readonly WireValue[], frame: () => Buffer): DeliveryResult {
    const result = this.deliver(frame, () => {
      for (const v of values) this.pendingValues.set(seriesId(v), v);
    });
    return result === 'pending' && this.pendingValues.size > this.limits.maxPendingSeries
      ? 'overflow'
      : result;
  }

  deliverAlert(alert: Alert, frame: () => Buffer): DeliveryResult {
    return this.deliver(frame, () => this.pendingAlerts.set(alert.id, alert));
  }

  deliverWorkOrder(workOrder: WireWorkOrder, frame: () => Buffer): DeliveryResult {
    return this.deliver(frame, () =>
      holdLatest(this.pendingWorkOrders, workOrder.id, workOrder, DEFAULT_RECENT_WORK_ORDERS),
    );
  }

  deliverTagRankings(rankings: readonly WireTagRanking[], frame: () => Buffer): DeliveryResult {
    return this.deliver(frame, () => {
      for (const r of rankings) this.pendingTagRankings.set(rankingSeriesId(r), r);
    });
  }

  deliverInsight(insight: WireInsight, frame: () => Buffer): DeliveryResult {
    return this.deliver(frame, () =>
      holdLatest(this.pendingInsights, insight.id, insight, DEFAULT_RECENT_INSIGHTS),
    );
  }

  deliverProactiveNotification(notification: WireProactiveNotification, frame: () => Buffer): DeliveryResult {
    return this.deliver(frame, () =>
      holdLatest(
        this.pendingProactiveNotifications,
        notification.id,
        notification,
        DEFAULT_RECENT_PROACTIVE_NOTIFICATIONS,
      ),
    );
  }

  /** Sends now while the client keeps up; else `hold` queues the item for the drain. */
  private deliver(frame: () => Buffer, hold: () => void): DeliveryResult {
    if (this.socket.readyState !== OPEN) return 'closed';
    if (this.keepsUp) {
      this.socket.send(frame(), TEXT);
      return 'sent';
    }
    hold();
    return 'pending';
  }

  /** Sends a message now, whatever the backlog: snapshots and errors, which are rare and bounded. */
  sendNow(message: ServerMessage): void {
    if (this.socket.readyState === OPEN) this.socket.send(JSON.stringify(message));
  }

  /** A snapshot supersedes everything pending. */
  clearPending(): void {
    this.pendingValues.clear();
    this.pendingAlerts.clear();
    this.pendingWorkOrders.clear();
    this.pendingProactiveNotifications.clear();
    this.pendingInsights.clear();
    this.pendingTagRankings.clear();
  }

  /** Drains pending values and alerts while the socket stays under its high-water mark. */
  flush(): void {
    if (this.socket.readyState !== OPEN) return;
    for (const [id, alert] of this.pendingAlerts) {
      if (this.socket.bufferedAmount >= this.limits.highWaterBytes) return;
      this.pendingAlerts.delete(id);
      this.socket.send(JSON.stringify({ type: 'alert', alert }));
    }
    for (const [id, workOrder] of this.pendingWorkOrders) {
      if (this.socket.bufferedAmount >= this.limits.highWaterBytes) return;
      this.pendingWorkOrders.delete(id);
      this.socket.send(JSON.stringify({ type: 'workOrder', workOrder }));
    }
    for (const [id, notification] of this.pendingProactiveNotifications) {
      if (this.socket.bufferedAmount >= this.limits.highWaterBytes) return;
      this.pendingProactiveNotifications.delete(id);
      this.socket.send(JSON.stringify({ type: 'proactiveNotification', notification }));
    }
    if (this.pendingTagRankings.size > 0 && this.socket.bufferedAmount < this.limits.highWaterBytes) {
      const rankings = [...this.pendingTagRankings.values()];
      this.pendingTagRankings.clear();
      this.socket.send(JSON.stringify({ type: 'tagRanking', rankings }));
    }
    for (const [id, insight] of this.pendingInsights) {
      if (this.socket.bufferedAmount >= this.limits.highWaterBytes) return;
      this.pendingInsights.delete(id);
      this.socket.send(JSON.stringify({ type: 'insight', insight }));
    }
    while (this.pendingValues.size > 0 && this.socket.bufferedAmount < this.limits.highWaterBytes) {
      const chunk: WireValue[] = [];
      for (const [id, v] of this.pendingValues) {
        chunk.push(v);
        this.pendingValues.delete(id);
        if (chunk.length >= this.limits.flushChunk) break;
      }
      this.socket.send(JSON.stringify({ type: 'indicators', values: chunk }));
    }
  }
}

/**
 * Keeps the latest of each id, in the order last raised, at most `limit`: a client that catches up
 * sees what the feed's panel would show, not every intermediate raise.
 */
function holdLatest<T>(pending: Map<string, T>, id: string, item: T, limit: number): void {
  pending.delete(id);
  pending.set(id, item);
  if (pending.size > limit) pending.delete(pending.keys().next().value!);
}
