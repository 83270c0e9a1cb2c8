/**
 * The incidents the insight scenarios need: `overstaffing` gives a queue's team more agents than
 * its plan (an idle chat queue), `survey-campaign` asks more journeys for a score. Both are
 * labelled like every incident and validated with the file and key named.
 */
import { describe, expect, it } from 'vitest';
import type { CxEvent } from '../../../../src/events/types.js';
import { parseScenario, scenarioLabels, type Scenario } from '../../../../src/sources/simulator/scenario.js';
import { createSimulator } from '../../../../src/sources/simulator/simulator.js';

const START = Date.UTC(2026, 0, 5, 9);

function run(scenario: Scenario | undefined, minutes: number): CxEvent[] {
  const sim = createSimulator({
    seed: 3,
    startTs: START,
    rate: 30,
    seasonality: false,
    ...(scenario ? { scenario } : {}),
  });
  return sim.nextBatch(START + minutes * 60_000);
}

const agentsOf = (events: CxEvent[], team: string) =>
  new Set(events.flatMap((e) => (e.type === 'agent.state' && e.team === team ? [e.agentId] : []))).size;

describe('overstaffing', () => {
  it('staffs the queue’s team above its plan and leaves the others alone', () => {
    const scenario = parseScenario(
      {
        name: 'x',
        incidents: [{ kind: 'overstaffing', queues: ['billing/chat'], extraFraction: 0.6, from: 0 }],
      },
      'x.yaml',
    );
    const plain = run(undefined, 10);
    const extra = run(scenario, 10);
    const ratio = agentsOf(extra, 'billing-chat') / agentsOf(plain, 'billing-chat');
    expect(ratio).toBeGreaterThan(1.5);
    expect(ratio).toBeLessThan(1.7);
    expect(agentsOf(extra, 'billing-voice')).toBe(agentsOf(plain, 'billing-voice'));
    expect(scenarioLabels(scenario, START)).toEqual([
      { scenario: 'x', kind: 'overstaffing', target: 'billing/chat', startTs: START, endTs: null },
    ]);
  });
});

describe('survey-campaign', () => {
  it('asks about five times as many journeys for a score at 10 % as the usual 2 %', () => {
    const scenario = parseScenario(
      { name: 'x', incidents: [{ kind: 'survey-campaign', journeyProbability: 0.1, from: 0 }] },
      'x.yaml',
    );
    const journeyAnswers = (events: CxEvent[]) =>
      events.filter((e) => e.type === 'survey.response' && e.journey !== undefined).length;
    const plain = journeyAnswers(run(undefined, 20));
    const campaign = journeyAnswers(run(scenario, 20));
    expect(plain).toBeGreaterThan(20);
    expect(campaign / plain).toBeGreaterThan(3.5);
    expect(campaign / plain).toBeLessThan(6.5);
  });

  it('names the file and key of a bad value', () => {
    expect(() =>
      parseScenario(
        { name: 'x', incidents: [{ kind: 'survey-campaign', journeyProbability: 0.9, from: 0 }] },
        'scenarios/x.yaml',
      ),
    ).toThrow(/scenarios\/x\.yaml: incidents\[0\]\.journeyProbability/);
    expect(() =>
      parseScenario(
        { name: 'x', incidents: [{ kind: 'overstaffing', queues: ['nowhere'], extraFraction: 1, from: 0 }] },
        'scenarios/x.yaml',
      ),
    ).toThrow(/incidents\[0\]\.queues\[0\]/);
  });
});
