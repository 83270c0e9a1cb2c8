/**
 * The `channelDiversion:` and `driverAnalysis:` pipeline sections: the shipped pipelines load with
 * the documented defaults, and every mistake is reported with file, line and key.
 */
import { describe, expect, it } from 'vitest';
import { formatIssue } from '../../../src/config/located-yaml.js';
import { checkPipelineYaml, loadPipelineFile } from '../../../src/config/pipeline-loader.js';

const FILE = 'pipelines/test.yaml';

const DIVERSION_BASE = `name: diversion
source:
  eventTypes: [contact.queued, contact.answered, contact.abandoned, contact.ended, agent.state]
keyBy: [queue, channel]
windows:
  - { size: 5m, hop: 10s }
indicators:
  - id: contacts_offered
  - id: aht_seconds
  - id: agents_available
  - id: service_level
channelDiversion:
`;

const DRIVER_BASE = `name: drivers
source:
  eventTypes: [touchpoint.event, survey.response]
windows:
  - { size: 30m, hop: 2m }
indicators:
  - id: touchpoint_failure_rate
driverAnalysis:
`;

function issuesOf(text: string): string[] {
  const { definition, issues } = checkPipelineYaml(text, FILE);
  expect(definition).toBeUndefined();
  return issues.map(formatIssue);
}

describe('channelDiversion section', () => {
  it('fills in the documented defaults', () => {
    const { definition, issues } = checkPipelineYaml(
      `${DIVERSION_BASE}  window: 5m/10s\n  pairs: [{ from: billing/voice, to: billing/chat }]\n`,
      FILE,
    );
    expect(issues).toEqual([]);
    expect(definition!.channelDiversion).toEqual({
      window: '5m/10s',
      model: 'erlang-a',
      horizonMs: 300_000,
      trend: false,
      serviceLevel: 'service_level',
      arrivals: 'contacts_offered',
      aht: 'aht_seconds',
      agents: 'agents_available',
      pairs: [{ from: 'billing/voice', to: 'billing/chat' }],
      maxShare: 0.5,
      stepPerHour: 1,
      margin: 0.05,
      forCount: 18,
      resolveAfter: 6,
    });
  });

  it('is what the shipped pipeline asks for', () => {
    const p = loadPipelineFile('pipelines/channel-diversion.yaml');
    expect(p.channelDiversion).toMatchObject({ window: '5m/10s', plannedAhtMs: 330_000, stepPerHour: 5 });
    expect(p.channelDiversion!.pairs.map((x) => `${x.from}>${x.to}`)).toEqual([
      'billing/voice>billing/chat',
      'tech-support/voice>tech-support/chat',
    ]);
    expect(loadPipelineFile('pipelines/contact-center.yaml').channelDiversion).toBeUndefined();
  });

  it('names file, line and key of an unknown window, a missing input, a self pair and a typo', () => {
    expect(
      issuesOf(`${DIVERSION_BASE.replace('  - id: aht_seconds\n', '')}  window: 5m
  agents: service_level
  pairs:
    - { from: billing/voice, to: billing/voice }
  maxShar: 0.4
`),
    ).toEqual([
      'pipelines/test.yaml:11:1: channelDiversion: needs the aht_seconds indicator ("aht_seconds") in this pipeline',
      'pipelines/test.yaml:12:11: channelDiversion.window: no window named "5m" (windows: 5m/10s)',
      'pipelines/test.yaml:13:11: channelDiversion.agents: "service_level" must be a agents_available indicator, it is service_level',
      'pipelines/test.yaml:15:34: channelDiversion.pairs[0].to: must differ from `from`',
      'pipelines/test.yaml:16:3: channelDiversion.maxShar: unknown key (did you mean "maxShare"?)',
    ]);
  });

  it('needs pairs and a queue key', () => {
    expect(
      issuesOf(DIVERSION_BASE.replace('keyBy: [queue, channel]', 'keyBy: [channel]') + '  window: 5m/10s\n'),
    ).toEqual([
      'pipelines/test.yaml:12:1: channelDiversion: pairs name queues: keyBy must include queue',
      'pipelines/test.yaml:13:3: channelDiversion.pairs: is required',
    ]);
  });
});

describe('driverAnalysis section', () => {
  it('fills in the documented defaults, with the window as size and period', () => {
    const { definition, issues } = checkPipelineYaml(`${DRIVER_BASE}  window: 30m/2m\n`, FILE);
    expect(issues).toEqual([]);
    expect(definition!.driverAnalysis).toEqual({
      window: '30m/2m',
      windowMs: 1_800_000,
      everyMs: 120_000,
      scores: ['csat', 'nps'],
      lookbackMs: 1_800_000,
      failedOutcomes: ['failure'],
      minAnswers: 30,
      minFailures: 5,
      confidence: 0.95,
      minImpact: 0.02,
      top: 10,
      maxCustomers: 200_000,
      maxTouchpoints: 256,
      touchpointsPerCustomer: 16,
    });
    expect(loadPipelineFile('pipelines/driver-analysis.yaml').driverAnalysis).toMatchObject({
      windowMs: 1_800_000,
      everyMs: 120_000,
    });
  });

  it('names file, line and key of a bad score, a bad confidence, an unknown window and missing event types', () => {
    expect(
      issuesOf(`${DRIVER_BASE.replace('[touchpoint.event, survey.response]', '[survey.response]')}  window: 1h
  scores: [csat, happiness]
  confidence: 1.5
`),
    ).toEqual([
      'pipelines/test.yaml:3:15: source.eventTypes: driverAnalysis reads touchpoint.event: list it in source.eventTypes',
      'pipelines/test.yaml:9:11: driverAnalysis.window: no window named "1h" (windows: 30m/2m)',
      'pipelines/test.yaml:10:18: driverAnalysis.scores[1]: must be one of csat, nps, ces, got "happiness"',
      'pipelines/test.yaml:11:15: driverAnalysis.confidence: must be < 1, got 1.5',
    ]);
  });
});
