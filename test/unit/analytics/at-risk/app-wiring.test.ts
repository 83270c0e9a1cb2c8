/**
 * buildApp runs the `atRisk:` section of a pipeline on the source's events and hands each work order
 * to the history and to every work-order sink (the cx.workorders publisher in `cxpulse run`).
 */
import { Subject } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp, type CxPulseApp } from '../../../../src/app.js';
import type { WorkOrder, WorkOrderSink } from '../../../../src/analytics/at-risk/work-order.js';
import { DEFAULT_CONFIG } from '../../../../src/config/app-config.js';
import { loadPipelineFile } from '../../../../src/config/pipeline-loader.js';
import type { CxEvent } from '../../../../src/events/types.js';
import { createMetrics, type Metrics } from '../../../../src/observability/metrics.js';
import { createMemoryDeadLetterSink } from '../../../../src/sinks/kafka/dead-letter-sink.js';
import { createPseudonymiser } from '../../../../src/sinks/clickhouse/pseudonymiser.js';
import { createInProcessSource } from '../../../../src/sources/in-process-source.js';
import { contactEvent } from './fixtures.js';

let app: CxPulseApp | undefined;
let metrics: Metrics | undefined;
afterEach(async () => {
  await app?.stop();
  metrics?.close();
  app = undefined;
});

describe('buildApp with an atRisk: pipeline', () => {
  it('publishes one work order, pseudonymised with the configured secret, to the sinks and the history', async () => {
    const events = new Subject<CxEvent[]>();
    metrics = createMetrics({ defaultMetrics: false });
    const config = structuredClone(DEFAULT_CONFIG);
    config.clickhouse.pseudonymSecret = 'shared-secret';
    const published: WorkOrder[] = [];
    const stored: WorkOrder[] = [];
    let closed = false;
    const sink: WorkOrderSink = {
      name: 'test',
      publish: async (orders) => void published.push(...orders),
      close: async () => void (closed = true),
    };
    app = await buildApp({
      config,
      pipelines: [loadPipelineFile('pipelines/at-risk.yaml')],
      source: createInProcessSource(events),
      sourceName: 'test',
      deadLetters: createMemoryDeadLetterSink(),
      metrics,
      workOrderSinks: [sink],
      history: {
        writeEvents: async () => {},
        writeValues: async () => {},
        writeAlerts: async () => {},
        writeWorkOrders: async (orders) => void stored.push(...orders),
      },
    });
    await app.start();
    const now = Date.now();
    for (let i = 0; i < 3; i++) {
      events.next([
        contactEvent('contact.abandoned', 'cu-app', now - 3_000_000 + i * 600_000, { waitMs: 300_000 }),
      ]);
    }
    await new Promise((r) => setTimeout(r, 50));
    const customer = createPseudonymiser('shared-secret')('cu-app');
    expect(published.map((w) => [w.customer, w.cause, w.ownerTeam, w.segment])).toEqual([
      [customer, 'abandons', 'vip-care', 'vip'],
    ]);
    expect(stored).toEqual(published);
    await app.stop();
    app = undefined;
    expect(closed).toBe(true);
  });
});
