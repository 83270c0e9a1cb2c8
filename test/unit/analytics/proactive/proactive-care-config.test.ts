/** The `proactiveCare:` section of a pipeline file: defaults, and errors that name file, line and key. */
import { describe, expect, it } from 'vitest';
import { formatIssue } from '../../../../src/config/located-yaml.js';
import { checkPipelineYaml, loadPipelineFile } from '../../../../src/config/pipeline-loader.js';

const FILE = 'pipelines/test.yaml';
const BASE = `name: care
source:
  eventTypes: [account.usage]
windows:
  - size: 1h
indicators:
  - id: usage_amount
proactiveCare:
`;

function check(section: string, base = BASE) {
  return checkPipelineYaml(base + section, FILE);
}

function issuesOf(section: string, base = BASE): string[] {
  const { definition, issues } = check(section, base);
  expect(definition).toBeUndefined();
  return issues.map(formatIssue);
}

describe('proactiveCare section', () => {
  it('fills in the documented defaults', () => {
    const { definition, issues } = check(`  entity: accountId
  value: used
  limit: remaining
`);
    expect(issues).toEqual([]);
    expect(definition!.proactiveCare).toEqual({
      entityField: 'accountId',
      valueField: 'used',
      limitField: 'remaining',
      bucketMs: 86_400_000,
      horizonMs: 7 * 86_400_000,
      margin: 0.1,
      minHistory: 3,
      smoothing: { level: 0.4, trend: 0.1 },
      expireAfterMs: 30 * 86_400_000,
      maxSeries: 2_000_000,
    });
  });

  it('is what the shipped pipeline asks for, and absent from pipelines that do not declare it', () => {
    const shipped = loadPipelineFile('pipelines/proactive-care.yaml');
    expect(shipped.source.eventTypes).toEqual(['account.usage']);
    expect(shipped.proactiveCare).toMatchObject({
      entityField: 'accountId',
      seriesField: 'metric',
      valueField: 'used',
      limitField: 'remaining',
      horizonMs: 7 * 86_400_000,
    });
    expect(loadPipelineFile('pipelines/contact-center.yaml').proactiveCare).toBeUndefined();
  });

  it('names file, line and key of a missing field, a misspelt key and a bad value', () => {
    expect(
      issuesOf(`  entity: accountId
  value: used
  horizn: 7d
  margin: -1
  smoothing: { level: 0 }
`),
    ).toEqual([
      'pipelines/test.yaml:9:3: proactiveCare.limit: is required',
      'pipelines/test.yaml:11:3: proactiveCare.horizn: unknown key (did you mean "horizon"?)',
      'pipelines/test.yaml:12:11: proactiveCare.margin: must be >= 0, got -1',
      'pipelines/test.yaml:13:23: proactiveCare.smoothing.level: must be > 0, got 0',
    ]);
  });

  it('refuses fields the events read do not have, or have with another type', () => {
    expect(
      issuesOf(`  entity: acountId
  series: used
  value: metric
  limit: remaining
`),
    ).toEqual([
      'pipelines/test.yaml:9:11: proactiveCare.entity: no event type the pipeline reads (account.usage) has a field "acountId"',
      'pipelines/test.yaml:10:11: proactiveCare.series: "used" must be a string field, it is number',
      'pipelines/test.yaml:11:10: proactiveCare.value: "metric" must be a number field, it is string',
    ]);
  });

  it('checks the fields against every event type when the pipeline reads them all', () => {
    const all = BASE.replace('source:\n  eventTypes: [account.usage]\n', '');
    expect(check(`  entity: customerId\n  value: used\n  limit: remaining\n`, all).issues).toEqual([]);
    expect(issuesOf(`  entity: customerId\n  value: waitMs\n  limit: waitMs\n`, all)).toEqual([
      'pipelines/test.yaml:9:10: proactiveCare.limit: must be another field than value',
    ]);
  });

  it('wants the horizon and the expiry in whole buckets', () => {
    expect(
      issuesOf(`  entity: accountId
  value: used
  limit: remaining
  bucket: 1d
  horizon: 36h
  expireAfter: 5000d
`),
    ).toEqual([
      'pipelines/test.yaml:13:12: proactiveCare.horizon: horizon (36h) must be a whole number of buckets (bucket 1d)',
      'pipelines/test.yaml:14:16: proactiveCare.expireAfter: expireAfter (5000d) must be at most 1000 buckets (bucket 1d)',
    ]);
    expect(
      issuesOf(`  entity: accountId
  value: used
  limit: remaining
  bucket: 10d
`),
    ).toEqual([
      'pipelines/test.yaml:12:11: proactiveCare.bucket: horizon (7d) must be a whole number of buckets (bucket 10d)',
    ]);
    expect(issuesOf(`  entity: accountId\n  value: used\n  limit: remaining\n  bucket: 0s\n`)).toEqual([
      'pipelines/test.yaml:12:11: proactiveCare.bucket: must be longer than 0',
    ]);
  });
});
