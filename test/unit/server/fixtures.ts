/** Shared fixtures of the server tests: a pipeline with targets, values, and a listening live server. */
import Fastify, { type FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import { Subject } from 'rxjs';
import { DEFAULT_CONFIG, type AppConfig } from '../../../src/config/app-config.js';
import { parsePipelineYaml } from '../../../src/config/pipeline-loader.js';
import type { PipelineDefinition } from '../../../src/config/pipeline-definition.js';
import { InMemoryAlertStore, type Alert } from '../../../src/server/alert-store.js';
import { registerLiveServer, type LiveServerOptions } from '../../../src/server/live-server.js';
import type { WebSocketHub } from '../../../src/server/ws/hub.js';
import type { ServerMessage } from '../../../src/server/ws/protocol.js';
import { WorkOrderFeed } from '../../../src/server/work-order-feed.js';
import type { WorkOrder } from '../../../src/analytics/at-risk/work-order.js';
import { LatestValues } from '../../../src/sinks/memory/latest-values.js';
import type { IndicatorValue } from '../../../src/windows/indicator-value.js';

export const contactCenter = parsePipelineYaml(
  `name: contact-center
source: { topics: [cx.events] }
keyBy: [queue, channel]
windows: [{ size: 1m }, { size: 5m, hop: 10s }]
indicators:
  - id: service_level
    target: { direction: higher-is-better, warn: 0.8, breach: 0.7 }
    targetsByKey:
      queue=vip/voice: { direction: higher-is-better, warn: 0.9, breach: 0.85 }
  - id: asa_seconds
    target: { direction: lower-is-better, warn: 30, breach: 60 }
  - id: contacts_offered
`,
  'contact-center.yaml',
);

export const T0 = Date.UTC(2025, 0, 6, 9, 0, 0);

export function value(
  queue: string,
  indicator: string,
  v: number | null,
  extra: Partial<IndicatorValue> = {},
): IndicatorValue {
  const channel = queue.split('/')[1] ?? '-';
  return {
    pipeline: 'contact-center',
    indicator,
    window: '1m',
    key: { queue, channel },
    keyId: `channel=${channel},queue=${queue}`,
    windowStart: T0,
    windowEnd: T0 + 60_000,
    kind: 'early',
    version: 0,
    value: v,
    ...extra,
  };
}

export function alert(id: string, extra: Partial<Alert> = {}): Alert {
  return {
    id,
    rule: 'service-level-breach',
    severity: 'critical',
    state: 'firing',
    pipeline: 'contact-center',
    indicator: 'service_level',
    window: '5m/10s',
    key: { queue: 'billing/voice', channel: 'voice' },
    keyId: 'channel=voice,queue=billing/voice',
    summary: 'Service level 62% on billing/voice (target 80%)',
    value: 0.62,
    threshold: 0.7,
    startedAt: T0,
    ...extra,
  };
}

export function workOrder(n: number, extra: Partial<WorkOrder> = {}): WorkOrder {
  return {
    id: `wo-${String(n).padStart(32, '0')}`,
    ts: T0 + n * 60_000,
    pipeline: 'at-risk',
    customer: `pseudonym-${n}`,
    segment: 'vip',
    cause: 'abandons',
    causes: ['abandons', 'longWaits'],
    threshold: 3,
    evidence: { abandons: 3, failedTouchpoints: 0, negativeAnswers: 0, longWaits: 3, repeatContacts: 2 },
    touchpoint: 'vip/voice',
    ownerTeam: 'vip-care',
    lookbackMs: 86_400_000,
    periodStartMs: Date.UTC(2025, 0, 6),
    ...extra,
  };
}

export interface LiveFixture {
  server: FastifyInstance;
  latest: LatestValues;
  values$: Subject<IndicatorValue[]>;
  alerts: InMemoryAlertStore;
  workOrders: WorkOrderFeed;
  hub: WebSocketHub;
  /** ws://127.0.0.1:PORT once listening. */
  wsUrl: string;
}

export async function liveServer(
  options: { tokens?: string[]; websocket?: Partial<AppConfig['websocket']>; listen?: boolean } = {},
): Promise<LiveFixture> {
  const config = structuredClone(DEFAULT_CONFIG);
  config.auth.tokens = options.tokens ?? [];
  config.websocket = { ...config.websocket, ...options.websocket };
  const server = Fastify({ logger: false });
  const latest = new LatestValues();
  const values$ = new Subject<IndicatorValue[]>();
  values$.subscribe((batch) => latest.update(batch));
  const alerts = new InMemoryAlertStore();
  const workOrders = new WorkOrderFeed();
  const hub = await registerLiveServer(server, {
    config,
    pipelines: [contactCenter],
    latest,
    values$,
    alerts,
    workOrders,
  });
  let wsUrl = '';
  if (options.listen !== false) {
    const address = await server.listen({ host: '127.0.0.1', port: 0 });
    wsUrl = address.replace('http://', 'ws://') + '/ws';
  } else {
    await server.ready();
  }
  return { server, latest, values$, alerts, workOrders, hub, wsUrl };
}

/** The feeds a live server can carry besides values and alerts. */
export type LiveFeeds = Partial<
  Pick<LiveServerOptions, 'workOrders' | 'insights' | 'proactiveNotifications' | 'tagRankings'>
>;

/** A listening live server with no values, no alerts and only the given feeds. */
export async function feedServer(
  feeds: LiveFeeds,
  options: { tokens?: string[]; highWaterBytes?: number; pipelines?: readonly PipelineDefinition[] } = {},
): Promise<{ server: FastifyInstance; hub: WebSocketHub; wsUrl: string }> {
  const config = structuredClone(DEFAULT_CONFIG);
  config.auth.tokens = options.tokens ?? [];
  if (options.highWaterBytes !== undefined) config.websocket.highWaterBytes = options.highWaterBytes;
  const server = Fastify({ logger: false });
  const hub = await registerLiveServer(server, {
    config,
    pipelines: options.pipelines ?? [],
    latest: new LatestValues(),
    values$: new Subject<IndicatorValue[]>(),
    alerts: new InMemoryAlertStore(),
    ...feeds,
  });
  const address = await server.listen({ host: '127.0.0.1', port: 0 });
  return { server, hub, wsUrl: address.replace('http://', 'ws://') + '/ws' };
}

/**
 * A ws client that records every message and waits (2 s at most) for one of a type, from message
 * `after` on. The socket goes into `sockets`, for the test file to terminate after each test.
 */
export async function recordingClient(url: string, sockets: WebSocket[]) {
  const ws = new WebSocket(url);
  sockets.push(ws);
  const messages: ServerMessage[] = [];
  ws.on('message', (data) => messages.push(JSON.parse(data.toString()) as ServerMessage));
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const next = async <T extends ServerMessage['type']>(type: T, after = 0) => {
    for (let i = 0; i < 200; i++) {
      const found = messages.slice(after).find((m) => m.type === type);
      if (found) return found as Extract<ServerMessage, { type: T }>;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`no ${type} message`);
  };
  return { ws, messages, next };
}
