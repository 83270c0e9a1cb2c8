/**
 * Public-opinion early warning through the shipped pipeline (pipelines/public-opinion.yaml): the
 * viral complaint of scenarios/opinion-surge.yaml raises opinion-surge for its topic within minutes,
 * and the same traffic without it (the healthy twin) raises nothing.
 */
import { describe, expect, it } from 'vitest';
import { MINUTE, START, firings, runScenario } from './scenario-alerts.js';

const PIPELINE = 'pipelines/public-opinion.yaml';
// The benchmark's low rate: about 3 posts a minute per topic, where a volume floor on a share
// cannot judge a 2-minute window at all.
const RUN = { pipelineFiles: [PIPELINE], seed: 7, rate: 10, spanMs: 80 * MINUTE };

describe('public-opinion scenarios', () => {
  it('raise opinion-surge for the topic of a viral complaint, within three minutes of its start', async () => {
    const run = await runScenario({ ...RUN, scenarioFile: 'scenarios/opinion-surge.yaml' });
    expect(run.labels).toEqual([
      {
        scenario: 'opinion-surge',
        kind: 'social-surge',
        target: 'line-test',
        startTs: START + 30 * MINUTE,
        endTs: START + 50 * MINUTE,
      },
    ]);
    const fired = firings(run, 'public-opinion');
    expect(fired.length).toBeGreaterThan(0);
    for (const t of fired) {
      expect(t.alert.rule).toBe('opinion-surge');
      expect(t.alert.labels).toMatchObject({ touchpoint: 'line-test', indicator: 'opinion_pressure' });
      expect(t.at).toBeGreaterThanOrEqual(START + 30 * MINUTE);
      expect(t.at).toBeLessThanOrEqual(START + 52 * MINUTE);
    }
    expect(fired[0]!.at - (START + 30 * MINUTE)).toBeLessThanOrEqual(3 * MINUTE);
    expect(fired[0]!.alert.annotations.summary).toMatch(/opinion_pressure .* on touchpoint=line-test/);
    // The value that fired is far above what the topic's own past leads to expect.
    expect(fired[0]!.alert.value!).toBeGreaterThan(2 * Number(fired[0]!.alert.annotations.expected));
  }, 60_000);

  it('raise nothing on the same traffic without the surge', async () => {
    const run = await runScenario(RUN);
    expect(run.labels).toEqual([]);
    expect(firings(run, 'public-opinion')).toEqual([]);
    // Not vacuous: the rule judged every topic all along.
    const judged = run.values.filter((v) => v.indicator === 'opinion_pressure' && v.window === '2m/15s');
    expect(new Set(judged.map((v) => v.key.touchpoint)).size).toBe(8);
    expect(judged.some((v) => v.value! > 0)).toBe(true);
  }, 60_000);
});
