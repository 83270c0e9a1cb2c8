import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/config-error.js';
import { loadPipelines, parsePipelineYaml } from '../../../src/config/pipeline-loader.js';
import { formatIssue } from '../../../src/config/located-yaml.js';

const BASE = `name: p
keyBy: [queue]
windows: [{ size: 1m }]
indicators:
  - id: service_level
    target: { direction: higher-is-better, warn: 0.8, breach: 0.7 }
  - id: csat
alerts:
`;

function issues(alerts: string): string[] {
  try {
    parsePipelineYaml(BASE + alerts, 'p.yaml');
  } catch (error) {
    return (error as ConfigError).issues.map(formatIssue);
  }
  return [];
}

describe('alerts: in pipeline YAML', () => {
  it('loads the shipped rules with their defaults', () => {
    const byName = new Map(loadPipelines('pipelines').map((p) => [p.name, p]));
    expect(byName.get('contact-center')!.alerts!.map((r) => `${r.name}:${r.type}`)).toEqual([
      'staffing-forecast:erlang-c',
      'service-level-breach:threshold',
      'asa-anomaly:anomaly',
    ]);
    expect(byName.get('contact-center')!.alerts![0]).toMatchObject({
      horizonMs: 300_000,
      arrivals: 'contacts_offered',
      serviceLevel: 'service_level',
      trend: false,
      model: 'erlang-a',
      plannedAhtMs: 330_000,
      minSamples: 20,
    });
    expect(byName.get('contact-center')!.alerts![0]).not.toHaveProperty('patienceMs');
    expect(byName.get('digital-journeys')!.alerts!.map((r) => r.type)).toEqual([
      'threshold',
      'anomaly',
      'anomaly',
    ]);
    expect(byName.get('digital-journeys')!.alerts![0]).toMatchObject({ window: '5m/10s', minSamples: 200 });
    expect(byName.get('digital-journeys')!.alerts![1]).toMatchObject({ minDeviation: 0.05, minZ: 5 });
    expect(byName.get('digital-journeys')!.alerts![2]).toMatchObject({
      minRelativeDeviation: 1,
      minDeviation: 1000,
    });
    expect(byName.get('voice-of-customer')!.alerts!.map((r) => `${r.name}:${r.type}`)).toEqual([
      'negative-surge:threshold',
      'negative-feedback:threshold',
    ]);
    expect(byName.get('journey-outcomes')!.alerts).toEqual([
      {
        name: 'watermelon-journey',
        type: 'watermelon',
        severity: 'critical',
        forCount: 3,
        resolveAfter: 3,
        window: '15m/1m',
        journey: [
          { indicator: 'journey_completion_rate', minSamples: 100 },
          { indicator: 'journey_duration_seconds', minSamples: 50 },
          { indicator: 'journey_csat', minSamples: 20 },
        ],
        touchpoints: {
          pipeline: 'digital-journeys',
          window: '15m/1m',
          indicators: ['touchpoint_failure_rate', 'touchpoint_latency_ms'],
        },
      },
    ]);
  });

  it('names file, line and field of a reference to an unknown indicator or window', () => {
    expect(issues(`  - { name: a, type: threshold, indicator: nps, window: 5m, above: 1 }\n`)).toEqual([
      'p.yaml:9:44: alerts[0].indicator: no indicator named "nps" in this pipeline',
      'p.yaml:9:57: alerts[0].window: no window named "5m" (windows: 1m)',
    ]);
  });

  it('rejects fields of another rule type, a missing condition, breach of a target-less indicator and an unknown detector', () => {
    expect(
      issues(`  - name: a
    type: threshold
    indicator: csat
    window: 1m
    breach: target
    detector: ewma
  - name: b
    type: anomaly
    indicator: csat
    window: 1m
    detector: prophet
  - name: c
    type: threshold
    indicator: csat
    window: 1m
`),
    ).toEqual([
      'p.yaml:13:13: alerts[0].breach: indicator "csat" has no target',
      'p.yaml:14:5: alerts[0].detector: does not apply to a threshold rule',
      'p.yaml:19:15: alerts[1].detector: must be one of seasonal, ewma, cusum, ensemble, got "prophet"',
      'p.yaml:20:5: alerts[2]: a threshold rule needs exactly one of above, below or breach: target',
    ]);
  });

  it('takes minZ on an anomaly rule only, as a number of standard errors ≥ 0', () => {
    expect(issues(`  - { name: a, type: anomaly, indicator: csat, window: 1m, minZ: 5 }\n`)).toEqual([]);
    const out = issues(`  - { name: a, type: anomaly, indicator: csat, window: 1m, minZ: -1 }
  - { name: b, type: threshold, indicator: csat, window: 1m, above: 1, minZ: 5 }
`);
    expect(out).toHaveLength(2);
    expect(out[0]).toMatch(/^p\.yaml:\d+:\d+: alerts\[0\]\.minZ: /);
    expect(out[1]).toMatch(/^p\.yaml:\d+:\d+: alerts\[1\]\.minZ: does not apply to a threshold rule/);
  });

  it('checks hysteresis order and the inputs of an erlang-c rule', () => {
    expect(
      issues(`  - { name: a, type: threshold, indicator: csat, window: 1m, below: 0.5, resolve: { at: 0.4 } }
  - { name: b, type: erlang-c, window: 1m }
`),
    ).toEqual([
      'p.yaml:9:89: alerts[0].resolve.at: must not be below "below" (0.5), got 0.4',
      'p.yaml:10:5: alerts[1]: needs the contacts_offered indicator ("contacts_offered") in this pipeline',
      'p.yaml:10:5: alerts[1]: needs the aht_seconds indicator ("aht_seconds") in this pipeline',
      'p.yaml:10:5: alerts[1]: needs the agents_available indicator ("agents_available") in this pipeline',
      'p.yaml:10:5: alerts[1]: model erlang-a needs "patience", or contacts_abandoned and contacts_in_queue indicators to estimate it (or model: erlang-c)',
    ]);
  });

  it('takes a fixed patience for erlang-a, and refuses one for erlang-c', () => {
    expect(
      issues(`  - { name: b, type: erlang-c, window: 1m, model: erlang-c, patience: 2m }
`),
    ).toContain('p.yaml:9:61: alerts[0].patience: does not apply to model: erlang-c');
    expect(
      issues(`  - { name: b, type: erlang-c, window: 1m, patience: 2m }
`).filter((m) => m.includes('patience')),
    ).toEqual([]);
  });
});
