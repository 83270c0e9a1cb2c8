/**
 * buildApp runs the `tagRankings:` section of a pipeline on the source's events: rankings reach the
 * live feed (GET /api/tag-rankings) as they come and the history as they close.
 */
import { Subject } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp, type CxPulseApp } from '../../../../src/app.js';
import type { TagRanking } from '../../../../src/analytics/tags/tag-ranking.js';
import { DEFAULT_CONFIG } from '../../../../src/config/app-config.js';
import { loadPipelineFile } from '../../../../src/config/pipeline-loader.js';
import type { CxEvent } from '../../../../src/events/types.js';
import { createMetrics, type Metrics } from '../../../../src/observability/metrics.js';
import { createMemoryDeadLetterSink } from '../../../../src/sinks/kafka/dead-letter-sink.js';
import { createInProcessSource } from '../../../../src/sources/in-process-source.js';
import { MINUTE, post, survey } from './fixtures.js';

let app: CxPulseApp | undefined;
let metrics: Metrics | undefined;
afterEach(async () => {
  await app?.stop();
  metrics?.close();
  app = undefined;
});

describe('buildApp with a tagRankings: pipeline', () => {
  it('shows the rankings live and stores the final ones', async () => {
    const events = new Subject<CxEvent[]>();
    metrics = createMetrics({ defaultMetrics: false });
    const stored: TagRanking[] = [];
    app = await buildApp({
      config: structuredClone(DEFAULT_CONFIG),
      pipelines: [loadPipelineFile('pipelines/tag-rankings.yaml')],
      source: createInProcessSource(events),
      sourceName: 'test',
      deadLetters: createMemoryDeadLetterSink(),
      metrics,
      history: {
        writeEvents: async () => {},
        writeValues: async () => {},
        writeAlerts: async () => {},
        writeTagRankings: async (rankings) => void stored.push(...rankings),
      },
    });
    const emitted: TagRanking[] = [];
    app.tagRankings$.subscribe((batch) => emitted.push(...batch));
    await app.start();
    const t = Math.floor(Date.now() / (15 * MINUTE)) * 15 * MINUTE - 2 * 60 * MINUTE;
    events.next([
      survey(t + 1_000, { csat: 1, comment: 'The points mall items are rubbish' }),
      post(t + 2_000, -0.8, { tags: ['points-mall-items', 'complaint'] }),
      post(t + 3_000, -0.8, { tags: ['app'] }),
      survey(t + 4_000, { csat: 5, tags: ['friendly-agent'] }),
    ]);
    // An hour later: the 15m/1m windows holding the first answers and their hour are final.
    events.next([post(t + 61 * MINUTE, 0)]);
    await new Promise((r) => setTimeout(r, 50));

    const finals = stored.filter((r) => r.window === '1h' && r.polarity === 'negative');
    expect(finals).toHaveLength(1);
    expect(finals[0]!.entries.map((e) => [e.tag, e.count, e.share])).toEqual([
      ['points-mall-items', 2, 2 / 3],
      ['app', 1, 1 / 3],
    ]);
    expect(stored.length).toBeGreaterThan(0);
    expect(stored).toEqual(emitted.filter((r) => r.kind === 'final'));

    const api = await app.server.inject('/api/tag-rankings?window=1h&polarity=positive&kind=final');
    expect((api.json() as { rankings: TagRanking[] }).rankings[0]!.entries[0]!.tag).toBe('friendly-agent');
  });
});
