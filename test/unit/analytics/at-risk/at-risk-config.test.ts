/** The `atRisk:` section of a pipeline file: defaults, and errors that name file, line and key. */
import { describe, expect, it } from 'vitest';
import { AT_RISK_CAUSES } from '../../../../src/config/pipeline-definition.js';
import { formatIssue } from '../../../../src/config/located-yaml.js';
import { checkPipelineYaml, loadPipelineFile } from '../../../../src/config/pipeline-loader.js';

const FILE = 'pipelines/test.yaml';
const BASE = `name: risky
windows:
  - size: 1m
indicators:
  - id: csat
atRisk:
`;

function check(section: string) {
  return checkPipelineYaml(BASE + section, FILE);
}

function issuesOf(section: string): string[] {
  const { definition, issues } = check(section);
  expect(definition).toBeUndefined();
  return issues.map(formatIssue);
}

describe('atRisk section', () => {
  it('fills in the documented defaults', () => {
    const { definition, issues } = check(`  thresholds:
    default: { abandons: 4 }
    vip: { abandons: 2 }
  owners: { default: care }
`);
    expect(issues).toEqual([]);
    expect(definition!.atRisk).toEqual({
      lookbackMs: 86_400_000,
      buckets: 6,
      dedupWindowMs: 86_400_000,
      longWaitMs: 120_000,
      negative: { csatAtMost: 2, npsAtMost: 4, sentimentAtMost: -0.5 },
      thresholds: { default: { abandons: 4 }, vip: { abandons: 2 } },
      owners: { default: 'care' },
      maxCustomers: 2_000_000,
    });
  });

  it('is absent from pipelines that do not declare it', () => {
    expect(check('').definition).toBeUndefined();
    expect(loadPipelineFile('pipelines/contact-center.yaml').atRisk).toBeUndefined();
  });

  it('names file, line and key of a misspelt cause, a missing default and a bad duration', () => {
    expect(
      issuesOf(`  lookback: one day
  thresholds:
    vip: { abandon: 2 }
  owners: { vip/voice: vip-care }
`),
    ).toEqual([
      'pipelines/test.yaml:7:13: atRisk.lookback: must be a duration such as 500ms, 30s, 5m, 1h or 1d, got "one day"',
      'pipelines/test.yaml:9:5: atRisk.thresholds.default: is required',
      'pipelines/test.yaml:9:12: atRisk.thresholds.vip.abandon: unknown key (did you mean "abandons"?)',
      'pipelines/test.yaml:10:11: atRisk.owners.default: is required',
    ]);
  });

  it('refuses buckets that do not divide the lookback, and a zero threshold', () => {
    expect(
      issuesOf(`  lookback: 1h
  buckets: 7
  thresholds: { default: { abandons: 0 } }
  owners: { default: care }
`),
    ).toEqual([
      'pipelines/test.yaml:8:12: atRisk.buckets: must divide the lookback (1h) into whole milliseconds, got 7 buckets',
      'pipelines/test.yaml:9:38: atRisk.thresholds.default.abandons: must be >= 1, got 0',
    ]);
  });

  it('ships pipelines/at-risk.yaml with stricter VIP thresholds and a default owner', () => {
    const atRisk = loadPipelineFile('pipelines/at-risk.yaml').atRisk!;
    for (const cause of AT_RISK_CAUSES) {
      expect(atRisk.thresholds.vip![cause], cause).toBeLessThan(atRisk.thresholds.default[cause]!);
    }
    expect(atRisk.owners.default).toBeTruthy();
  });
});
