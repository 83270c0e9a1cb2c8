/**
 * Insights against the real servers: the shipped scenarios (an overloaded voice queue beside an
 * idle chat queue; payment failures during a survey campaign) through the shipped pipelines give
 * real diversion suggestions and driver reports; the ClickHouse sink stores them (written twice, as
 * a replay would: FINAL still holds each id once) and the cx.insights publisher sends them, and
 * both read back equal to what was raised. ClickHouse 18.16 reads the details with visitParamExtract*.
 */
import { Subject, VirtualTimeScheduler } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Insight } from '../../../src/analytics/insights/insight.js';
import { pipelineInsights } from '../../../src/analytics/insights/pipeline-insights.js';
import { loadPipelineFile } from '../../../src/config/pipeline-loader.js';
import type { CxEvent } from '../../../src/events/types.js';
import { createClickHouseSink } from '../../../src/sinks/clickhouse/clickhouse-sink.js';
import { createKafkaInsightPublisher } from '../../../src/sinks/kafka/insight-publisher.js';
import { createKafkaPublisher } from '../../../src/sinks/kafka/kafka-publisher.js';
import { loadScenarioFile } from '../../../src/sources/simulator/scenario.js';
import { createScenarioSimulator } from '../../../src/sources/simulator/scripted-simulator.js';
import type { IndicatorValue } from '../../../src/windows/indicator-value.js';
import { pipelineIndicators } from '../../../src/windows/pipeline-indicators.js';
import { createTestDatabase } from '../helpers/clickhouse.js';
import { createTestKafka, createTestTopic } from '../helpers/kafka.js';
import { uniqueName } from '../helpers/names.js';
import { clickhouseUrl, kafkaBrokers } from '../helpers/services.js';
import { replayInEventTime } from '../../support/event-time.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => {});
});

const START = Math.floor((Date.now() - 3 * 3_600_000) / 60_000) * 60_000;

/** A scenario through one pipeline, as a live consumer sees it (see the unit scenario test). */
async function insightsOf(pipelineFile: string, scenarioFile: string, minutes: number): Promise<Insight[]> {
  const pipeline = loadPipelineFile(pipelineFile);
  const scenario = await loadScenarioFile(scenarioFile);
  const simulator = createScenarioSimulator({
    seed: 1,
    startTs: START,
    rate: 30,
    seasonality: false,
    scenario,
  });
  const clock = new VirtualTimeScheduler();
  clock.frame = START;
  const events$ = new Subject<CxEvent[]>();
  const values$ = new Subject<IndicatorValue[]>();
  const out: Insight[] = [];
  pipelineInsights([pipeline], events$, values$).subscribe((batch) => out.push(...batch));
  events$.pipe(pipelineIndicators(pipeline, { scheduler: clock })).subscribe((v) => values$.next(v));
  replayInEventTime(simulator, clock, (batch) => events$.next(batch), {
    from: START,
    to: START + minutes * 60_000,
  });
  return out;
}

describe('insights: scenarios → ClickHouse insights and the cx.insights topic', () => {
  it('stores and publishes diversion suggestions and driver reports, once per id across a replay', async () => {
    const insights = [
      ...(await insightsOf(
        'pipelines/channel-diversion.yaml',
        'scenarios/voice-overload-idle-chat.yaml',
        45,
      )),
      ...(await insightsOf(
        'pipelines/driver-analysis.yaml',
        'scenarios/payment-failures-drive-csat.yaml',
        20,
      )),
    ];
    expect(insights.filter((i) => i.kind === 'channel-diversion').map((i) => i.state)).toEqual([
      'suggested',
      'resolved',
    ]);
    expect(insights.filter((i) => i.kind === 'driver-analysis').length).toBe(20);

    const db = await createTestDatabase();
    cleanups.push(() => db.drop());
    const sink = createClickHouseSink({
      url: clickhouseUrl(),
      database: db.database,
      secret: 'insights-integration',
      batch: { maxRows: 1000, maxAgeMs: 100 },
      onWarning: () => {},
    });
    await sink.migrate();
    await sink.writeInsights(insights);
    await sink.writeInsights(insights);
    await sink.close();

    const query = async <T>(sql: string) =>
      (await (await db.client.query({ query: sql, format: 'JSONEachRow' })).json()) as T[];
    const rows = await query<{
      id: string;
      kind: string;
      insight_key: string;
      state: string;
      ts_ms: string;
      window_start_ms: string;
      window_end_ms: string;
      summary: string;
      subject: string;
      value: number | null;
      details: string;
    }>(
      `SELECT id, kind, insight_key, state, toString(ts_ms) AS ts_ms, toString(window_start_ms) AS window_start_ms,
              toString(window_end_ms) AS window_end_ms, summary, subject, value, details
       FROM insights FINAL ORDER BY ts_ms, kind, insight_key, state`,
    );
    expect(rows).toHaveLength(new Set(insights.map((i) => i.id)).size);
    expect(rows).toHaveLength(insights.length);
    const byId = new Map(insights.map((i) => [i.id, i]));
    for (const row of rows) {
      const i = byId.get(row.id)!;
      expect(row).toMatchObject({
        kind: i.kind,
        insight_key: i.key,
        state: i.state,
        ts_ms: String(i.ts),
        window_start_ms: String(i.windowStart),
        window_end_ms: String(i.windowEnd),
        summary: i.summary,
        subject: i.subject,
      });
      expect(row.value === null ? null : Number(row.value)).toBe(i.value);
      expect(JSON.parse(row.details)).toEqual(i.details);
    }
    // What the Grafana panels read from the details on 18.16.
    const suggestion = insights.find((i) => i.kind === 'channel-diversion' && i.state === 'suggested')!;
    const [extracted] = await query<{ moved: number; before: number; after: number; from: string }>(
      `SELECT visitParamExtractFloat(details, 'contactsPerHour') AS moved,
              visitParamExtractFloat(details, 'fromServiceLevelNow') AS before,
              visitParamExtractFloat(details, 'fromServiceLevelAfter') AS after,
              visitParamExtractString(details, 'fromQueue') AS from
       FROM insights FINAL WHERE id = '${suggestion.id}'`,
    );
    if (suggestion.kind !== 'channel-diversion') throw new Error('unreachable');
    expect(Number(extracted!.moved)).toBe(suggestion.details.contactsPerHour);
    expect(Number(extracted!.before)).toBeCloseTo(suggestion.details.fromServiceLevelNow, 12);
    expect(Number(extracted!.after)).toBeCloseTo(suggestion.details.fromServiceLevelAfter, 12);
    expect(extracted!.from).toBe('billing/voice');

    // The topic: every insight under its id, twice for a replay; a consumer keeps one per key.
    const kafka = createTestKafka();
    const topic = await createTestTopic(kafka, { numPartitions: 1, prefix: 'insights' });
    const publisher = await createKafkaPublisher({ brokers: kafkaBrokers(), clientId: 'insights' });
    const insightSink = createKafkaInsightPublisher(publisher, { topic, closePublisher: true });
    await insightSink.publish(insights);
    await insightSink.publish(insights);
    await insightSink.close();
    const consumer = kafka.consumer({ groupId: uniqueName('reader') });
    await consumer.connect();
    cleanups.push(() => consumer.disconnect());
    await consumer.subscribe({ topic, fromBeginning: true });
    const got: Array<{ key: string; kind: string; insight: Insight }> = [];
    await consumer.run({
      eachMessage: async ({ message }) => {
        got.push({
          key: message.key!.toString(),
          kind: message.headers!['cxpulse-kind']!.toString(),
          insight: JSON.parse(message.value!.toString()) as Insight,
        });
      },
    });
    for (let i = 0; i < 200 && got.length < 2 * insights.length; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(got).toHaveLength(2 * insights.length);
    expect(got.map((g) => g.key)).toEqual([...insights, ...insights].map((i) => i.id));
    expect(got.slice(0, insights.length).map((g) => g.insight)).toEqual(insights);
    expect(got.map((g) => g.kind)).toEqual([...insights, ...insights].map((i) => i.kind));
  }, 120_000);
});
