import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/config-error.js';
import { formatIssue } from '../../../src/config/located-yaml.js';
import { loadPipelines, parsePipelineYaml } from '../../../src/config/pipeline-loader.js';

const JOURNEYS = `name: journeys
keyBy: [journey]
windows: [{ size: 15m, hop: 1m }]
indicators:
  - id: journey_completion_rate
    target: { direction: higher-is-better, warn: 0.75, breach: 0.6 }
  - id: csat
alerts:
`;

const RULE = `  - name: watermelon
    type: watermelon
    window: 15m/1m
    journey:
      - { indicator: journey_completion_rate, minSamples: 100 }
    touchpoints:
      pipeline: touchpoints
      indicators: [touchpoint_failure_rate]
`;

const TOUCHPOINTS = `name: touchpoints
keyBy: [journey, touchpoint]
windows: [{ size: 15m, hop: 1m }, { size: 5m, hop: 10s }]
indicators:
  - id: touchpoint_failure_rate
    target: { direction: lower-is-better, warn: 0.02, breach: 0.05 }
  - id: touchpoint_latency_ms
`;

function issues(text: string): string[] {
  try {
    parsePipelineYaml(text, 'j.yaml');
  } catch (error) {
    return (error as ConfigError).issues.map(formatIssue);
  }
  return [];
}

/** Both files in a directory, through loadPipelines (the cross-file checks). */
function loadIssues(journeys: string, touchpoints = TOUCHPOINTS): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'cxpulse-watermelon-'));
  writeFileSync(join(dir, 'journeys.yaml'), journeys);
  writeFileSync(join(dir, 'touchpoints.yaml'), touchpoints);
  try {
    loadPipelines(dir);
  } catch (error) {
    return (error as ConfigError).issues.map((i) => formatIssue({ ...i, file: 'journeys.yaml' }));
  }
  return [];
}

describe('watermelon rules in pipeline YAML', () => {
  it('load with the touchpoint window defaulting to the rule window', () => {
    expect(issues(JOURNEYS + RULE)).toEqual([]);
    expect(parsePipelineYaml(JOURNEYS + RULE, 'j.yaml').alerts).toEqual([
      {
        name: 'watermelon',
        type: 'watermelon',
        severity: 'warning',
        forCount: 1,
        resolveAfter: 1,
        window: '15m/1m',
        journey: [{ indicator: 'journey_completion_rate', minSamples: 100 }],
        touchpoints: { pipeline: 'touchpoints', window: '15m/1m', indicators: ['touchpoint_failure_rate'] },
      },
    ]);
    expect(loadIssues(JOURNEYS + RULE)).toEqual([]);
  });

  it('name the field of a missing part, a field of another type, an unknown or target-less indicator', () => {
    expect(issues(`${JOURNEYS}  - { name: w, type: watermelon, window: 15m/1m, above: 1 }\n`)).toEqual([
      'j.yaml:9:5: alerts[0]: a watermelon rule needs "journey"',
      'j.yaml:9:5: alerts[0]: a watermelon rule needs "touchpoints"',
      'j.yaml:9:50: alerts[0].above: does not apply to a watermelon rule',
    ]);
    expect(
      issues(
        JOURNEYS +
          RULE.replace(
            '      - { indicator: journey_completion_rate, minSamples: 100 }',
            '      - { indicator: completion }\n      - { indicator: csat }',
          ),
      ),
    ).toEqual([
      'j.yaml:13:22: alerts[0].journey[0].indicator: no indicator named "completion" in this pipeline',
      'j.yaml:14:22: alerts[0].journey[1].indicator: indicator "csat" has no target',
    ]);
    expect(issues(JOURNEYS.replace('keyBy: [journey]', 'keyBy: [touchpoint]') + RULE)).toEqual([
      'j.yaml:10:11: alerts[0].type: a watermelon rule needs journey in keyBy',
    ]);
    expect(issues(JOURNEYS + RULE.replace('      pipeline: touchpoints\n', ''))).toEqual([
      'j.yaml:15:7: alerts[0].touchpoints.pipeline: is required',
    ]);
  });

  it('check the touchpoint pipeline across files: loaded, keyed by journey, same window, indicators with targets', () => {
    expect(loadIssues(JOURNEYS + RULE.replace('pipeline: touchpoints', 'pipeline: digital'))).toEqual([
      'journeys.yaml:15:17: alerts[0].touchpoints.pipeline: no pipeline named "digital" is loaded',
    ]);
    expect(loadIssues(JOURNEYS + RULE, TOUCHPOINTS.replace('[journey, touchpoint]', '[touchpoint]'))).toEqual(
      [
        'journeys.yaml:15:17: alerts[0].touchpoints.pipeline: "touchpoints" must be keyed by journey and a touchpoint dimension, its keyBy is [touchpoint]',
      ],
    );
    expect(
      loadIssues(
        JOURNEYS +
          RULE.replace(
            '      indicators: [touchpoint_failure_rate]',
            '      window: 5m/10s\n      indicators: [touchpoint_failure_rate, touchpoint_latency_ms, nps]',
          ),
      ),
    ).toEqual([
      'journeys.yaml:16:15: alerts[0].touchpoints.window: must have the size and hop of window "15m/1m" so their windows end together',
      'journeys.yaml:17:45: alerts[0].touchpoints.indicators[1]: indicator "touchpoint_latency_ms" of "touchpoints" has no target',
      'journeys.yaml:17:68: alerts[0].touchpoints.indicators[2]: no indicator named "nps" in pipeline "touchpoints"',
    ]);
    expect(
      loadIssues(
        JOURNEYS + RULE.replace('indicators: [touchpoint', 'window: 1h\n      indicators: [touchpoint'),
      ),
    ).toEqual([
      'journeys.yaml:16:15: alerts[0].touchpoints.window: "touchpoints" has no window named "1h" (windows: 15m/1m, 5m/10s)',
    ]);
  });
});
