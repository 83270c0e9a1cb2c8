/**
 * buildApp runs the `driverAnalysis:` and `channelDiversion:` sections and hands every insight to
 * the history, to every insight sink (the cx.insights publisher in `cxpulse run`), to the
 * wallboard's feed and to GET /api/insights.
 */
import { Subject } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp, type CxPulseApp } from '../../../../src/app.js';
import type { Insight, InsightSink } from '../../../../src/analytics/insights/insight.js';
import { DEFAULT_CONFIG } from '../../../../src/config/app-config.js';
import { loadPipelineFile } from '../../../../src/config/pipeline-loader.js';
import type { CxEvent } from '../../../../src/events/types.js';
import { createMetrics, type Metrics } from '../../../../src/observability/metrics.js';
import { createMemoryDeadLetterSink } from '../../../../src/sinks/kafka/dead-letter-sink.js';
import { createInProcessSource } from '../../../../src/sources/in-process-source.js';

let app: CxPulseApp | undefined;
let metrics: Metrics | undefined;
afterEach(async () => {
  await app?.stop();
  metrics?.close();
  app = undefined;
});

describe('buildApp with insight pipelines', () => {
  it('publishes the driver reports to the sinks, the history and the API', async () => {
    const events = new Subject<CxEvent[]>();
    metrics = createMetrics({ defaultMetrics: false });
    const published: Insight[] = [];
    const stored: Insight[] = [];
    let closed = false;
    const sink: InsightSink = {
      name: 'test',
      publish: async (insights) => void published.push(...insights),
      close: async () => void (closed = true),
    };
    app = await buildApp({
      config: structuredClone(DEFAULT_CONFIG),
      pipelines: ['pipelines/driver-analysis.yaml', 'pipelines/channel-diversion.yaml'].map(loadPipelineFile),
      source: createInProcessSource(events),
      sourceName: 'test',
      deadLetters: createMemoryDeadLetterSink(),
      metrics,
      insightSinks: [sink],
      history: {
        writeEvents: async () => {},
        writeValues: async () => {},
        writeAlerts: async () => {},
        writeInsights: async (insights) => void stored.push(...insights),
      },
    });
    const streamed: Insight[] = [];
    app.insights$.subscribe((batch) => streamed.push(...batch));
    await app.start();
    const t0 = Math.floor(Date.now() / 120_000) * 120_000 - 10 * 120_000;
    const answer = (ts: number): CxEvent => ({ id: `s${ts}`, type: 'survey.response', ts, csat: 4 });
    // Event time crosses two 2-minute boundaries after the first answer: two reports per score.
    for (const ts of [t0 + 1000, t0 + 150_000, t0 + 270_000]) events.next([answer(ts)]);
    await new Promise((r) => setTimeout(r, 50));
    expect(published.map((i) => `${i.kind}/${i.key}@${(i.windowEnd - t0) / 120_000}`)).toEqual([
      'driver-analysis/csat@1',
      'driver-analysis/nps@1',
      'driver-analysis/csat@2',
      'driver-analysis/nps@2',
    ]);
    expect(stored).toEqual(published);
    expect(streamed).toEqual(published);
    const api = (await app.server.inject('/api/insights')).json() as { insights: Insight[] };
    // The feed keeps the latest report per score.
    expect(api.insights.map((i) => `${i.key}@${(i.windowEnd - t0) / 120_000}`).sort()).toEqual([
      'csat@2',
      'nps@2',
    ]);
    await app.stop();
    app = undefined;
    expect(closed).toBe(true);
  });
});
