/**
 * buildApp runs the `proactiveCare:` section of a pipeline on the source's events and hands each
 * notification to the history, to every notification sink (the cx.notifications publisher in
 * `cxpulse run`) and to the live feed (/api/proactive-notifications).
 */
import { Subject } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp, type CxPulseApp } from '../../../../src/app.js';
import type {
  ProactiveNotification,
  ProactiveNotificationSink,
} from '../../../../src/analytics/proactive/proactive-notification.js';
import { DEFAULT_CONFIG } from '../../../../src/config/app-config.js';
import { loadPipelineFile } from '../../../../src/config/pipeline-loader.js';
import type { CxEvent } from '../../../../src/events/types.js';
import { createMetrics, type Metrics } from '../../../../src/observability/metrics.js';
import { createPseudonymiser } from '../../../../src/sinks/clickhouse/pseudonymiser.js';
import { createMemoryDeadLetterSink } from '../../../../src/sinks/kafka/dead-letter-sink.js';
import { createInProcessSource } from '../../../../src/sources/in-process-source.js';
import { DAY, steadyAccount } from './fixtures.js';

let app: CxPulseApp | undefined;
let metrics: Metrics | undefined;
afterEach(async () => {
  await app?.stop();
  metrics?.close();
  app = undefined;
});

describe('buildApp with a proactiveCare: pipeline', () => {
  it('raises one notification, pseudonymised with the configured secret, to the sinks, the history and the feed', async () => {
    const events = new Subject<CxEvent[]>();
    metrics = createMetrics({ defaultMetrics: false });
    const config = structuredClone(DEFAULT_CONFIG);
    config.clickhouse.pseudonymSecret = 'shared-secret';
    const published: ProactiveNotification[] = [];
    const stored: ProactiveNotification[] = [];
    let closed = false;
    const sink: ProactiveNotificationSink = {
      name: 'test',
      publish: async (notifications) => void published.push(...notifications),
      close: async () => void (closed = true),
    };
    app = await buildApp({
      config,
      pipelines: [loadPipelineFile('pipelines/proactive-care.yaml')],
      source: createInProcessSource(events),
      sourceName: 'test',
      deadLetters: createMemoryDeadLetterSink(),
      metrics,
      proactiveNotificationSinks: [sink],
      history: {
        writeEvents: async () => {},
        writeValues: async () => {},
        writeAlerts: async () => {},
        writeProactiveNotifications: async (notifications) => void stored.push(...notifications),
      },
    });
    await app.start();
    // Six days of 240 a day from 1500, ending now: the first report of day 4 is the one.
    const from = Math.floor((Date.now() - 6 * DAY) / DAY) * DAY;
    const account = steadyAccount('acc-app', from, 6, 240, 1500).filter((e) => e.ts < Date.now());
    for (let i = 0; i < account.length; i += 24) events.next(account.slice(i, i + 24));
    await new Promise((r) => setTimeout(r, 50));
    const entity = createPseudonymiser('shared-secret')('acc-app');
    expect(published.map((n) => [n.entity, n.series, n.ts])).toEqual([
      [entity, 'data-mb', from + 4 * DAY + 1_800_000],
    ]);
    expect(stored).toEqual(published);
    const listed = (await app.server.inject('/api/proactive-notifications')).json() as {
      notifications: ProactiveNotification[];
    };
    expect(listed.notifications.map((n) => n.id)).toEqual(published.map((n) => n.id));
    await app.stop();
    app = undefined;
    expect(closed).toBe(true);
  });
});
