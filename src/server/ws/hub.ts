/**
 * The WebSocket hub: accepts upgrades on /ws (auth, client limit), sends each client a snapshot,
 * fans indicator batches and alert changes out to the clients whose subscription matches, and
 * beats a heartbeat that drops dead peers.
 *
 * Fan-out serialises a frame once per subscription group per broadcast (clients with equal filters
 * share the bytes); slow clients conflate instead of queueing (see ClientSession).
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { IndicatorValue } from '../../windows/indicator-value.js';
import type { LatestValues } from '../../sinks/memory/latest-values.js';
import type { Alert, AlertStore } from '../alert-store.js';
import { mayAct, type Authenticator } from '../auth.js';
import { toWireValue } from '../indicator-view.js';
import type { TargetResolver } from '../target-status.js';
import { WorkOrderFeed, type WireWorkOrder } from '../work-order-feed.js';
import { ProactiveNotificationFeed, type WireProactiveNotification } from '../proactive-notification-feed.js';
import { InsightFeed, type WireInsight } from '../insight-feed.js';
import { TagRankingFeed, type WireTagRanking } from '../tag-ranking-feed.js';
import { ClientSession, type SessionLimits } from './client-session.js';
import { parseClientMessage, type CatalogPipeline, type ServerMessage, type WireValue } from './protocol.js';
import { compileSubscription, filterFromQuery, type SubscriptionMatcher } from './subscription-matcher.js';

export interface HubLimits extends SessionLimits {
  maxClients: number;
  /** Largest client message accepted; a larger one closes the connection with 1009. */
  maxPayloadBytes: number;
  heartbeatMs: number;
  /** How often sessions with pending values are offered a flush. */
  flushIntervalMs: number;
}

export const DEFAULT_HUB_LIMITS: HubLimits = {
  maxClients: 1000,
  maxPayloadBytes: 64 * 1024,
  heartbeatMs: 30_000,
  flushIntervalMs: 100,
  highWaterBytes: 1024 * 1024,
  maxPendingSeries: 100_000,
  flushChunk: 1000,
};

/** Clients written to per event-loop turn during a broadcast. */
const FANOUT_SLICE = 250;

export interface HubOptions {
  path?: string;
  latest: LatestValues;
  alerts: AlertStore;
  targets: TargetResolver;
  catalog: CatalogPipeline[];
  authenticator: Authenticator;
  /** Recent at-risk work orders; absent: none (a server without an `atRisk:` pipeline). */
  workOrders?: WorkOrderFeed;
  /** Recent proactive notifications; absent: none (a server without a `proactiveCare:` pipeline). */
  proactiveNotifications?: ProactiveNotificationFeed;
  /** Recent insights; absent: none (a server without a diversion or driver analysis pipeline). */
  insights?: InsightFeed;
  /** Current tag rankings; absent: none (a server without a `tagRankings:` pipeline). */
  tagRankings?: TagRankingFeed;
  limits?: Partial<HubLimits>;
  log: FastifyBaseLogger;
}

interface Group {
  matcher: SubscriptionMatcher;
  sessions: Set<ClientSession>;
}

export class WebSocketHub {
  private readonly wss: WebSocketServer;
  private readonly limits: HubLimits;
  private readonly sessions = new Map<WebSocket, ClientSession>();
  private readonly groups = new Map<string, Group>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly stopAlerts: () => void;
  private readonly stopWorkOrders: () => void;
  private readonly workOrders: WorkOrderFeed;
  private readonly stopProactiveNotifications: () => void;
  private readonly proactiveNotifications: ProactiveNotificationFeed;
  private readonly stopInsights: () => void;
  private readonly insights: InsightFeed;
  private readonly stopTagRankings: () => void;
  private readonly tagRankings: TagRankingFeed;
  private readonly path: string;
  private attachedTo: Server | null = null;

  constructor(private readonly options: HubOptions) {
    this.limits = { ...DEFAULT_HUB_LIMITS, ...options.limits };
    this.path = options.path ?? '/ws';
    this.wss = new WebSocketServer({ noServer: true, maxPayload: this.limits.maxPayloadBytes });
    this.stopAlerts = options.alerts.onChange((alert) => this.broadcastAlert(alert));
    this.workOrders = options.workOrders ?? new WorkOrderFeed();
    this.stopWorkOrders = this.workOrders.onAdd((order) => this.broadcastWorkOrder(order));
    this.proactiveNotifications = options.proactiveNotifications ?? new ProactiveNotificationFeed();
    this.stopProactiveNotifications = this.proactiveNotifications.onAdd((n) =>
      this.broadcastProactiveNotification(n),
    );
    this.insights = options.insights ?? new InsightFeed();
    this.stopInsights = this.insights.onAdd((insight) => this.broadcastInsight(insight));
    this.tagRankings = options.tagRankings ?? new TagRankingFeed();
    this.stopTagRankings = this.tagRankings.onAdd((rankings) => this.broadcastTagRankings(rankings));
    this.timers.push(
      setInterval(() => this.beat(), this.limits.heartbeatMs).unref(),
      setInterval(() => this.flushAll(), this.limits.flushIntervalMs).unref(),
    );
  }

  get clientCount(): number {
    return this.sessions.size;
  }

  /** The session of a connected client, in the order they connected (for tests and metrics). */
  clients(): ClientSession[] {
    return [...this.sessions.values()];
  }

  attach(server: Server): void {
    this.attachedTo = server;
    server.on('upgrade', this.onUpgrade);
  }

  private readonly onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const reject = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== this.path) return reject(404, 'Not Found');
    const principal = this.options.authenticator.authenticate(request);
    if (principal === null) return reject(401, 'Unauthorized');
    if (this.sessions.size >= this.limits.maxClients) return reject(503, 'Service Unavailable');
    const query: Record<string, string[]> = {};
    for (const [name, value] of url.searchParams) (query[name] ??= []).push(value);
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      const session = new ClientSession(
        ws,
        principal,
        compileSubscription(filterFromQuery(query)),
        this.limits,
      );
      this.sessions.set(ws, session);
      this.join(session);
      ws.on('pong', () => {
        session.alive = true;
      });
      ws.on('message', (data, isBinary) => this.onMessage(session, data, isBinary));
      ws.on('close', () => this.remove(ws));
      ws.on('error', (err) => {
        this.options.log.debug({ err }, 'websocket client error');
        this.remove(ws);
      });
      this.sendSnapshot(session);
    });
  };

  private onMessage(session: ClientSession, data: RawData, isBinary: boolean): void {
    if (isBinary) {
      session.sendNow({ type: 'error', code: 'bad-message', message: 'binary messages are not accepted' });
      return;
    }
    const parsed = parseClientMessage(data.toString());
    if (!parsed.ok) return session.sendNow(parsed.error);
    const message = parsed.message;
    if (message.type === 'subscribe') {
      this.leave(session);
      session.matcher = compileSubscription(message.filter);
      this.join(session);
      this.sendSnapshot(session);
      return;
    }
    if (!mayAct(session.principal, 'operator')) {
      return session.sendNow({
        type: 'error',
        code: 'forbidden',
        message: 'acknowledging needs the operator role',
      });
    }
    // The store's change listener broadcasts the acknowledged alert to everyone, this client included.
    const acked = this.options.alerts.acknowledge(message.alertId, session.principal.name);
    if (!acked) session.sendNow({ type: 'error', code: 'not-found', message: `no alert ${message.alertId}` });
  }

  private sendSnapshot(session: ClientSession): void {
    session.clearPending();
    const values: WireValue[] = [];
    for (const v of this.options.latest.all()) {
      if (session.matcher.matches(v)) values.push(toWireValue(v, this.options.targets));
    }
    session.sendNow({
      type: 'snapshot',
      serverTime: Date.now(),
      role: session.principal.role,
      subscription: session.matcher.filter,
      pipelines: this.options.catalog,
      values,
      alerts: this.options.alerts.list().filter((a) => a.state === 'firing'),
      workOrders: this.workOrders.recent(),
      proactiveNotifications: this.proactiveNotifications.recent(),
      insights: this.insights.recent(),
      tagRankings: this.tagRankings.list(),
    });
  }

  /**
   * One batch of values from the pipelines, to every client whose subscription matches. Frames are
   * built here, once per subscription group; the socket writes go out in slices of
   * `FANOUT_SLICE` clients, yielding to the event loop in between, so a broadcast to thousands of
   * clients never blocks a health probe or the next batch for long. Order per client is kept: the
   * outbox is one FIFO.
   */
  broadcast(batch: readonly IndicatorValue[]): void {
    if (this.sessions.size === 0 || batch.length === 0) return;
    const wire = batch.map((v) => toWireValue(v, this.options.targets));
    for (const group of this.groups.values()) {
      const selected = wire.filter((_, i) => group.matcher.matches(batch[i]!));
      if (selected.length === 0) continue;
      let frame: Buffer | null = null;
      const build = () => (frame ??= encode({ type: 'indicators', values: selected }));
      for (const session of group.sessions) {
        this.outbox.push({ session, matcher: session.matcher, values: selected, build });
      }
    }
    this.drainOutbox();
  }

  private readonly outbox: {
    session: ClientSession;
    /** The subscription the values were selected for: a client that has re-subscribed since skips them. */
    matcher: SubscriptionMatcher;
    values: WireValue[];
    build: () => Buffer;
  }[] = [];
  private outboxHead = 0;
  private drainScheduled = false;

  private drainOutbox(): void {
    // Bounded: when the outbox holds more than a few broadcasts' worth, finish it now (back-pressure
    // on the pipeline) rather than let it grow.
    const limit =
      this.outbox.length - this.outboxHead > 8 * Math.max(1, this.sessions.size) ? Infinity : FANOUT_SLICE;
    let done = 0;
    while (this.outboxHead < this.outbox.length && done < limit) {
      const { session, matcher, values, build } = this.outbox[this.outboxHead++]!;
      done++;
      if (session.matcher !== matcher || !this.sessions.has(session.socket as WebSocket)) continue;
      if (session.deliverValues(values, build) === 'overflow') this.drop(session, 'too many pending values');
    }
    if (this.outboxHead >= this.outbox.length) {
      this.outbox.length = 0;
      this.outboxHead = 0;
      return;
    }
    if (!this.drainScheduled) {
      this.drainScheduled = true;
      setImmediate(() => {
        this.drainScheduled = false;
        this.drainOutbox();
      });
    }
  }

  private broadcastAlert(alert: Alert): void {
    let frame: Buffer | null = null;
    const build = () => (frame ??= encode({ type: 'alert', alert }));
    for (const session of this.sessions.values()) session.deliverAlert(alert, build);
  }

  private broadcastWorkOrder(workOrder: WireWorkOrder): void {
    let frame: Buffer | null = null;
    const build = () => (frame ??= encode({ type: 'workOrder', workOrder }));
    for (const session of this.sessions.values()) session.deliverWorkOrder(workOrder, build);
  }

  private broadcastTagRankings(rankings: WireTagRanking[]): void {
    let frame: Buffer | null = null;
    const build = () => (frame ??= encode({ type: 'tagRanking', rankings }));
    for (const session of this.sessions.values()) session.deliverTagRankings(rankings, build);
  }

  private broadcastInsight(insight: WireInsight): void {
    let frame: Buffer | null = null;
    const build = () => (frame ??= encode({ type: 'insight', insight }));
    for (const session of this.sessions.values()) session.deliverInsight(insight, build);
  }

  private broadcastProactiveNotification(notification: WireProactiveNotification): void {
    let frame: Buffer | null = null;
    const build = () => (frame ??= encode({ type: 'proactiveNotification', notification }));
    for (const session of this.sessions.values()) session.deliverProactiveNotification(notification, build);
  }

  private flushAll(): void {
    for (const session of this.sessions.values()) if (session.pendingCount > 0) session.flush();
  }

  private beat(): void {
    for (const [ws, session] of this.sessions) {
      if (!session.alive) {
        this.drop(session, 'no pong within a heartbeat');
        continue;
      }
      session.alive = false;
      ws.ping();
    }
  }

  private drop(session: ClientSession, reason: string): void {
    this.options.log.info({ reason, pending: session.pendingCount }, 'dropping websocket client');
    const ws = session.socket as WebSocket;
    this.remove(ws);
    ws.terminate();
  }

  private join(session: ClientSession): void {
    const id = session.matcher.canonical;
    let group = this.groups.get(id);
    if (!group) {
      group = { matcher: session.matcher, sessions: new Set() };
      this.groups.set(id, group);
    }
    group.sessions.add(session);
  }

  private leave(session: ClientSession): void {
    const id = session.matcher.canonical;
    const group = this.groups.get(id);
    group?.sessions.delete(session);
    if (group && group.sessions.size === 0) this.groups.delete(id);
  }

  private remove(ws: WebSocket): void {
    const session = this.sessions.get(ws);
    if (!session) return;
    this.sessions.delete(ws);
    this.leave(session);
    session.clearPending();
  }

  /** Terminates every client and stops the timers; the HTTP server's close is the caller's. */
  close(): void {
    this.outbox.length = 0;
    this.outboxHead = 0;
    for (const t of this.timers) clearInterval(t);
    this.stopAlerts();
    this.stopWorkOrders();
    this.stopProactiveNotifications();
    this.stopInsights();
    this.stopTagRankings();
    this.attachedTo?.off('upgrade', this.onUpgrade);
    for (const ws of [...this.sessions.keys()]) {
      this.remove(ws);
      ws.terminate();
    }
    this.wss.close();
  }
}

function encode(message: ServerMessage): Buffer {
  return Buffer.from(JSON.stringify(message));
}
