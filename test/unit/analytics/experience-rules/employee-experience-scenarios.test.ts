/**
 * Employee experience through the shipped pipeline (pipelines/employee-experience.yaml): the team
 * left with half its agents in scenarios/overloaded-team.yaml raises team-overload naming the team,
 * and the same traffic without the incident (the healthy twin) raises nothing. Nothing the pipeline
 * emits carries an agent id.
 */
import { describe, expect, it } from 'vitest';
import { TEAMS } from '../../../../src/sources/simulator/model.js';
import { MINUTE, START, firings, runScenario } from './scenario-alerts.js';

const PIPELINE = 'pipelines/employee-experience.yaml';
const RUN = { pipelineFiles: [PIPELINE], seed: 7, rate: 10, spanMs: 2 * 60 * MINUTE };
/** The simulator's agent ids are `<team>-<4 digits>`. */
const AGENT_ID = /[a-z-]+-\d{4}/;

describe('employee-experience scenarios', () => {
  it('raise team-overload for the team short of agents, and for no other team', async () => {
    const run = await runScenario({ ...RUN, scenarioFile: 'scenarios/overloaded-team.yaml' });
    expect(run.labels).toEqual([
      {
        scenario: 'overloaded-team',
        kind: 'understaffing',
        target: 'tech-support/voice',
        startTs: START + 10 * MINUTE,
        endTs: START + 100 * MINUTE,
      },
    ]);
    // The queue's only team: the one whose agents the incident sends away.
    expect(TEAMS.filter((t) => t.queues.includes('tech-support/voice')).map((t) => t.name)).toEqual([
      'tech-voice',
    ]);
    const fired = firings(run, 'employee-experience');
    expect(fired.map((t) => `${t.alert.rule}|${t.alert.keyId}`)).toEqual(['team-overload|team=tech-voice']);
    const alert = fired[0]!.alert;
    expect(alert.labels).toMatchObject({ team: 'tech-voice', indicator: 'overload_streak_share' });
    expect(alert.annotations.summary).toMatch(/team=tech-voice/);
    expect(alert.value!).toBeGreaterThanOrEqual(0.5);
    // Sustained by definition: at least 30 minutes of unbroken work, then 15 minutes of finals.
    expect(fired[0]!.at).toBeGreaterThan(START + 40 * MINUTE);
    expect(fired[0]!.at).toBeLessThan(START + 100 * MINUTE);
    expect(JSON.stringify(run.values)).not.toMatch(AGENT_ID);
    expect(JSON.stringify(run.transitions)).not.toMatch(AGENT_ID);
  }, 60_000);

  it('raise nothing on the same traffic without the incident', async () => {
    const run = await runScenario(RUN);
    expect(firings(run, 'employee-experience')).toEqual([]);
    // Not vacuous: every team was measured, and some of them at a busy occupancy.
    const occupancy = run.values.filter(
      (v) => v.indicator === 'time_weighted_occupancy' && v.window === '15m/1m' && v.value !== null,
    );
    expect(new Set(occupancy.map((v) => v.key.team)).size).toBeGreaterThanOrEqual(7);
    expect(occupancy.some((v) => v.value! > 0.9)).toBe(true);
  }, 60_000);
});
