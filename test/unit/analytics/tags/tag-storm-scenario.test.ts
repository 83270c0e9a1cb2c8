/**
 * scenarios/tag-storm.yaml through pipelines/tag-rankings.yaml: `points-mall-items` becomes the
 * top negative tag of every 15m/1m window inside the storm, with a share that matches the exact
 * share of the simulated answers; scenarios/tag-storm-healthy.yaml (the same burst, happy) never
 * puts it near the top of the negative ranking. The simulated traffic under both is unchanged.
 */
import { Subject, VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { TagClassifier } from '../../../../src/analytics/tags/tag-classifier.js';
import type { TagRanking } from '../../../../src/analytics/tags/tag-ranking.js';
import { tagRankings } from '../../../../src/analytics/tags/tag-rankings-operator.js';
import { loadPipelineFile } from '../../../../src/config/pipeline-loader.js';
import type { PipelineDefinition } from '../../../../src/config/pipeline-definition.js';
import type { CxEvent } from '../../../../src/events/types.js';
import { loadScenarioFile, parseScenario } from '../../../../src/sources/simulator/scenario.js';
import { createScenarioSimulator } from '../../../../src/sources/simulator/scripted-simulator.js';
import { MINUTE } from './fixtures.js';

const START = Date.UTC(2026, 0, 5, 9);
const RUN_MS = 50 * MINUTE;
const TAG = 'points-mall-items';
/** The storm of both scenario files: minutes 5 to 35. */
const STORM_FROM = START + 5 * MINUTE;
const STORM_TO = START + 35 * MINUTE;
const pipeline = loadPipelineFile('pipelines/tag-rankings.yaml');

async function simulate(scenarioFile?: string): Promise<CxEvent[]> {
  const scenario = scenarioFile ? await loadScenarioFile(scenarioFile) : undefined;
  return createScenarioSimulator({
    seed: 11,
    startTs: START,
    rate: 60,
    seasonality: false,
    ...(scenario ? { scenario } : {}),
  }).nextBatch(START + RUN_MS);
}

/** Final rankings of the pipeline over the events, in Kafka-sized batches, in virtual time. */
function rank(events: readonly CxEvent[], p: PipelineDefinition = pipeline): TagRanking[] {
  const events$ = new Subject<CxEvent[]>();
  const out: TagRanking[] = [];
  events$
    .pipe(tagRankings({ pipeline: p, scheduler: new VirtualTimeScheduler() }))
    .subscribe((batch) => out.push(...batch.filter((r) => r.kind === 'final')));
  for (let i = 0; i < events.length; i += 500) events$.next(events.slice(i, i + 500));
  events$.complete();
  return out;
}

function negative15m(rankings: TagRanking[]): TagRanking[] {
  return rankings.filter((r) => r.window === '15m/1m' && r.polarity === 'negative');
}

const inside = (r: TagRanking) => r.windowStart >= STORM_FROM && r.windowEnd <= STORM_TO;

/** Exact share of the tag among the window's negative answers, by the pipeline's own rules. */
function exactShare(events: readonly CxEvent[], r: TagRanking): number {
  const classifier = new TagClassifier(pipeline.tagRankings!);
  let answers = 0;
  let tagged = 0;
  for (const e of events) {
    if (e.ts < r.windowStart || e.ts >= r.windowEnd || classifier.polarity(e) !== 0) continue;
    answers++;
    if (classifier.tagsOf(e).has(TAG)) tagged++;
  }
  return tagged / answers;
}

describe('the tag storm scenario', () => {
  it('is labelled, and lays its answers over unchanged traffic', async () => {
    const scenario = await loadScenarioFile('scenarios/tag-storm.yaml');
    const simulator = createScenarioSimulator({
      seed: 11,
      startTs: START,
      rate: 60,
      seasonality: false,
      scenario,
    });
    expect(simulator.labels()).toEqual([
      {
        scenario: 'tag-storm',
        kind: 'tag-storm',
        target: `plan-selector/${TAG}`,
        startTs: STORM_FROM,
        endTs: STORM_TO,
      },
    ]);
    const stormy = simulator.nextBatch(START + RUN_MS);
    const calm = await simulate();
    const storm = stormy.filter((e) => /-t0\./.test(e.id));
    // 40 a minute for 30 minutes, Poisson.
    expect(storm.length).toBeGreaterThan(1_050);
    expect(storm.length).toBeLessThan(1_350);
    expect(storm.every((e) => e.ts >= STORM_FROM && e.ts < STORM_TO)).toBe(true);
    expect(stormy.filter((e) => !/-t0\./.test(e.id))).toEqual(calm);
  });

  it('refuses a storm on an unknown topic or with an unknown mood, naming the key', () => {
    const storm = {
      kind: 'tag-storm',
      from: '1m',
      topic: 'login',
      tag: 'x',
      text: 'y',
      mood: 'negative',
      perMinute: 5,
    };
    expect(parseScenario({ name: 's', incidents: [storm] }, 's.yaml').incidents[0]).toMatchObject({
      kind: 'tag-storm',
      fromMs: MINUTE,
    });
    expect(() => parseScenario({ name: 's', incidents: [{ ...storm, topic: 'moon' }] }, 's.yaml')).toThrow(
      /s\.yaml: incidents\[0\]\.topic must be one of/,
    );
    expect(() => parseScenario({ name: 's', incidents: [{ ...storm, mood: 'meh' }] }, 's.yaml')).toThrow(
      /incidents\[0\]\.mood/,
    );
  });

  it('makes points-mall-items the top negative tag inside the storm, with the exact share', async () => {
    const events = await simulate('scenarios/tag-storm.yaml');
    const windows = negative15m(rank(events)).filter(inside);
    expect(windows.length).toBe(16); // starts at minutes 5..20
    for (const r of windows) {
      const top = r.entries[0]!;
      expect(top.tag, new Date(r.windowStart).toISOString()).toBe(TAG);
      expect(top.share).toBeGreaterThan(0.4);
      expect(top.share).toBeLessThan(0.75);
      const exact = exactShare(events, r);
      expect(exact).toBeLessThanOrEqual(top.share + 1e-12);
      expect(exact).toBeGreaterThanOrEqual(top.share - top.shareError - 1e-12);
    }
    // Before and well after it, another tag leads.
    const outside = negative15m(rank(events)).filter(
      (r) => r.windowEnd <= STORM_FROM || r.windowStart >= STORM_TO,
    );
    expect(outside.length).toBeGreaterThan(0);
    for (const r of outside) expect(r.entries[0]?.tag).not.toBe(TAG);
  });

  it('finds the storm with a summary smaller than the tags it sees, within the reported error', async () => {
    const events = await simulate('scenarios/tag-storm.yaml');
    const small = structuredClone(pipeline);
    small.tagRankings!.capacity = 6;
    small.tagRankings!.top = 3;
    const windows = negative15m(rank(events, small)).filter(inside);
    expect(windows.some((r) => r.floor > 0)).toBe(true);
    for (const r of windows) {
      expect(r.entries[0]!.tag).toBe(TAG);
      const exact = exactShare(events, r);
      expect(exact).toBeLessThanOrEqual(r.entries[0]!.share + 1e-12);
      expect(exact).toBeGreaterThanOrEqual(r.entries[0]!.share - r.entries[0]!.shareError - 1e-12);
      expect(r.floor * r.capacity).toBeLessThanOrEqual(r.tagOccurrences);
    }
  });

  it('in its healthy twin leaves points-mall-items a minor negative tag and tops the positive ranking', async () => {
    const events = await simulate('scenarios/tag-storm-healthy.yaml');
    const rankings = rank(events);
    const negatives = negative15m(rankings);
    expect(negatives.length).toBeGreaterThan(40);
    for (const r of negatives) {
      const entry = r.entries.find((e) => e.tag === TAG);
      expect(r.entries[0]?.tag).not.toBe(TAG);
      expect(entry?.share ?? 0).toBeLessThan(0.15);
    }
    const positives = rankings
      .filter((r) => r.window === '15m/1m' && r.polarity === 'positive')
      .filter(inside);
    for (const r of positives) expect(r.entries[0]!.tag).toBe(TAG);
  });
});
