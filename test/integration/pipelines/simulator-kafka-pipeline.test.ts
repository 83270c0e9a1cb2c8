/**
 * Simulator → real Kafka → Kafka source → ingest → pipeline gives exactly the values a brute-force
 * reference computes over the same events. Partitions interleave, so events reach the pipeline out of
 * event-time order; the lateness and correction horizon are set so that nothing is too late, and the
 * highest version of each window (final or last correction) must match the reference.
 */
import { Subject, type Subscription } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePipelineYaml } from '../../../src/config/pipeline-loader.js';
import type { ContactEvent, CxEvent } from '../../../src/events/types.js';
import { createKafkaPublisher } from '../../../src/sinks/kafka/kafka-publisher.js';
import { createMemoryDeadLetterSink } from '../../../src/sinks/kafka/dead-letter-sink.js';
import { ingest } from '../../../src/sources/ingest.js';
import { createKafkaSource } from '../../../src/sources/kafka/kafka-source.js';
import { partitionKey } from '../../../src/sources/simulator/event-publisher.js';
import { createSimulator } from '../../../src/sources/simulator/simulator.js';
import type { IndicatorValue } from '../../../src/windows/indicator-value.js';
import { pipelineIndicators } from '../../../src/windows/pipeline-indicators.js';
import { createTestKafka, createTestTopic } from '../helpers/kafka.js';
import { uniqueName } from '../helpers/names.js';
import { kafkaBrokers } from '../helpers/services.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => {});
});

const pipeline = parsePipelineYaml(
  `name: reference-check
source: { topics: [cx.events] }
keyBy: [queue, channel]
windows: [{ size: 1m }, { size: 5m, hop: 1m }]
lateness: 10m
correctionHorizon: 1h
idleTimeout: 1h
indicators:
  - id: contacts_offered
  - id: contacts_answered
  - id: contacts_abandoned
  - id: asa_seconds
  - id: service_level
    params: { serviceLevelThresholdMs: 20000 }
`,
  'reference-check.yaml',
);

interface Reference {
  offered: number;
  answered: number;
  abandoned: number;
  longAbandoned: number;
  waitSum: number;
  withinThreshold: number;
}

/** The formulas of docs/indicators.md, computed directly over every event of a window. */
function reference(events: CxEvent[], sizeMs: number, hopMs: number): Map<string, Reference> {
  const out = new Map<string, Reference>();
  for (const e of events) {
    if (!e.type.startsWith('contact.')) continue;
    const c = e as ContactEvent;
    const lastStart = Math.floor(c.ts / hopMs) * hopMs;
    for (let start = lastStart; start > c.ts - sizeMs; start -= hopMs) {
      const id = `channel=${c.channel},queue=${c.queue}|${start}`;
      const r = out.get(id) ?? {
        offered: 0,
        answered: 0,
        abandoned: 0,
        longAbandoned: 0,
        waitSum: 0,
        withinThreshold: 0,
      };
      if (c.type === 'contact.queued') r.offered++;
      if (c.type === 'contact.answered') {
        r.answered++;
        r.waitSum += c.waitMs ?? 0;
        if ((c.waitMs ?? 0) <= 20_000) r.withinThreshold++;
      }
      if (c.type === 'contact.abandoned') {
        r.abandoned++;
        if (c.waitMs === undefined || c.waitMs >= 5000) r.longAbandoned++;
      }
      out.set(id, r);
    }
  }
  return out;
}

describe('simulator → Kafka → pipeline', () => {
  it('gives exactly the brute-force reference values for every key and window', async () => {
    const startTs = Math.floor((Date.now() - 30 * 60_000) / 60_000) * 60_000;
    const simulator = createSimulator({
      seed: 7,
      startTs,
      rate: 150,
      seasonality: false,
      staffingFactor: 0.7,
    });
    const events = simulator.nextBatch(startTs + 12 * 60_000);
    expect(events.filter((e) => e.type === 'contact.abandoned').length).toBeGreaterThan(0);

    const kafka = createTestKafka();
    const topic = await createTestTopic(kafka, { numPartitions: 3, prefix: 'events' });
    const publisher = await createKafkaPublisher({ brokers: kafkaBrokers(), clientId: 'sim' });
    cleanups.push(() => publisher.close());
    for (let i = 0; i < events.length; i += 5000) {
      await publisher.publish(
        topic,
        events.slice(i, i + 5000).map((e) => ({ key: partitionKey(e), value: JSON.stringify(e) })),
      );
    }

    const source = createKafkaSource({
      brokers: kafkaBrokers(),
      clientId: 'pipeline',
      groupId: uniqueName('group'),
      topics: [topic],
      maxInFlightBatches: 4,
      fromBeginning: true,
    });
    cleanups.push(() => source.stop());
    const deadLetters = createMemoryDeadLetterSink();
    const decoded = new Subject<CxEvent[]>();
    const values: IndicatorValue[] = [];
    const rejected: unknown[] = [];
    let received = 0;
    const done = new Promise<void>((resolve, reject) => {
      const subs: Subscription[] = [];
      subs.push(
        decoded.pipe(pipelineIndicators(pipeline, { onRejected: (r) => rejected.push(r) })).subscribe({
          next: (batch) => values.push(...batch),
          error: reject,
          complete: () => resolve(),
        }),
      );
      subs.push(
        source.batches$.pipe(ingest({ sourceName: 'kafka', limits: {}, deadLetters })).subscribe((batch) => {
          decoded.next(batch.events);
          batch.ack();
          received += batch.events.length;
          if (received >= events.length) decoded.complete();
        }),
      );
      cleanups.push(async () => subs.forEach((s) => s.unsubscribe()));
    });
    await source.start();
    await done;

    expect(deadLetters.recent()).toEqual([]);
    expect(rejected).toEqual([]);
    expect(received).toBe(events.length);

    const highest = new Map<string, IndicatorValue>();
    for (const v of values) {
      if (v.kind === 'early') continue;
      const id = `${v.indicator}|${v.window}|${v.keyId}|${v.windowStart}`;
      const current = highest.get(id);
      if (!current || current.version < v.version) highest.set(id, v);
    }
    let compared = 0;
    for (const window of pipeline.windows) {
      const expected = reference(events, window.sizeMs, window.hopMs);
      for (const [id, r] of expected) {
        const [keyId, start] = id.split('|') as [string, string];
        const get = (indicator: string) => highest.get(`${indicator}|${window.name}|${keyId}|${start}`);
        expect(get('contacts_offered')?.value ?? 0, `${window.name} ${id} offered`).toBe(r.offered);
        expect(get('contacts_answered')?.value ?? 0, `${window.name} ${id} answered`).toBe(r.answered);
        expect(get('contacts_abandoned')?.value ?? 0, `${window.name} ${id} abandoned`).toBe(r.abandoned);
        if (r.answered > 0) {
          expect(get('asa_seconds')?.value, `${window.name} ${id} asa`).toBeCloseTo(
            r.waitSum / r.answered / 1000,
            9,
          );
        }
        const slDenominator = r.answered + r.longAbandoned;
        if (slDenominator > 0) {
          expect(get('service_level')?.value, `${window.name} ${id} service level`).toBeCloseTo(
            r.withinThreshold / slDenominator,
            12,
          );
        }
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(50);
  });
});
