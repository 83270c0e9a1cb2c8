/**
 * Registers the live side of the server on a fastify instance: the REST API, the WebSocket hub and
 * the wallboard page, sharing one authenticator, one target resolver and one work-order feed.
 */
import type { FastifyInstance } from 'fastify';
import type { Observable } from 'rxjs';
import type { AppConfig } from '../config/app-config.js';
import type { PipelineDefinition } from '../config/pipeline-definition.js';
import type { LatestValues } from '../sinks/memory/latest-values.js';
import type { IndicatorValue } from '../windows/indicator-value.js';
import type { AlertStore } from './alert-store.js';
import { apiPlugin } from './api.js';
import { createAuthenticator } from './auth.js';
import { catalogOf } from './indicator-view.js';
import { TargetResolver } from './target-status.js';
import { WorkOrderFeed } from './work-order-feed.js';
import { ProactiveNotificationFeed } from './proactive-notification-feed.js';
import { proactiveNotificationApiPlugin } from './proactive-notification-api.js';
import { InsightFeed } from './insight-feed.js';
import { insightsApiPlugin } from './insights-api.js';
import { TagRankingFeed } from './tag-ranking-feed.js';
import { tagRankingApiPlugin } from './tag-ranking-api.js';
import { WebSocketHub } from './ws/hub.js';
import { websocketPlugin } from './ws/websocket-plugin.js';
import { wallboardPlugin } from './wallboard/wallboard-plugin.js';

export interface LiveServerOptions {
  config: AppConfig;
  pipelines: readonly PipelineDefinition[];
  latest: LatestValues;
  values$: Observable<IndicatorValue[]>;
  alerts: AlertStore;
  /** Recent at-risk work orders (the app adds them as they are raised); absent: an empty feed. */
  workOrders?: WorkOrderFeed;
  /** Recent proactive notifications (the app adds them as they are raised); absent: an empty feed. */
  proactiveNotifications?: ProactiveNotificationFeed;
  /** Recent insights (the app adds them as they are raised); absent: an empty feed. */
  insights?: InsightFeed;
  /** Current tag rankings (the app adds them as the pipelines emit them); absent: an empty feed. */
  tagRankings?: TagRankingFeed;
}

export async function registerLiveServer(
  server: FastifyInstance,
  options: LiveServerOptions,
): Promise<WebSocketHub> {
  const { config } = options;
  const authenticator = createAuthenticator(config.auth.tokens);
  if (!authenticator.enabled) {
    server.log.warn(
      'auth.tokens is empty: the API, the WebSocket and alert acknowledgement are open to anyone who can reach the server',
    );
  }
  const targets = new TargetResolver(options.pipelines);
  const workOrders = options.workOrders ?? new WorkOrderFeed();
  const proactiveNotifications = options.proactiveNotifications ?? new ProactiveNotificationFeed();
  const insights = options.insights ?? new InsightFeed();
  const tagRankings = options.tagRankings ?? new TagRankingFeed();
  const hub = new WebSocketHub({
    latest: options.latest,
    alerts: options.alerts,
    targets,
    catalog: catalogOf(options.pipelines),
    authenticator,
    workOrders,
    tagRankings,
    proactiveNotifications,
    insights,
    limits: config.websocket,
    log: server.log,
  });
  await server.register(apiPlugin, {
    latest: options.latest,
    alerts: options.alerts,
    targets,
    authenticator,
    workOrders,
  });
  await server.register(tagRankingApiPlugin, { authenticator, rankings: tagRankings });
  await server.register(insightsApiPlugin, { authenticator, insights });
  await server.register(proactiveNotificationApiPlugin, {
    authenticator,
    notifications: proactiveNotifications,
  });
  await server.register(websocketPlugin, { hub, values$: options.values$ });
  await server.register(wallboardPlugin);
  return hub;
}
