/** The `tagRankings:` section of a pipeline file: defaults, and errors naming file, line and key. */
import { describe, expect, it } from 'vitest';
import { formatIssue } from '../../../../src/config/located-yaml.js';
import { checkPipelineYaml, loadPipelineFile } from '../../../../src/config/pipeline-loader.js';

const FILE = 'pipelines/test.yaml';
const BASE = `name: tags
source:
  eventTypes: [survey.response, feedback.social]
windows:
  - size: 15m
    hop: 1m
  - size: 1h
indicators:
  - id: csat
tagRankings:
`;

function check(section: string, base = BASE) {
  return checkPipelineYaml(base + section, FILE);
}

function issuesOf(section: string, base = BASE): string[] {
  const { definition, issues } = check(section, base);
  expect(definition).toBeUndefined();
  return issues.map(formatIssue);
}

describe('tagRankings section', () => {
  it('fills in the documented defaults: every window, no key, 64 counters, top 10', () => {
    const { definition, issues } = check('  keywords: { long-wait: [on hold] }\n');
    expect(issues).toEqual([]);
    expect(definition!.tagRankings).toEqual({
      windows: ['15m/1m', '1h'],
      keyBy: [],
      capacity: 64,
      top: 10,
      maxKeys: 1_000,
      negative: { csatAtMost: 2, npsAtMost: 6, cesAtMost: 2, sentimentAtMost: -0.3 },
      positive: { csatAtLeast: 4, npsAtLeast: 9, cesAtLeast: 6, sentimentAtLeast: 0.3 },
      keywords: { 'long-wait': ['on hold'] },
      keywordsApplyTo: 'untagged',
      ignoreTags: [],
    });
  });

  it('takes partial bounds over the defaults and lower-cases ignored tags', () => {
    const { definition } = check(`  negative: { csatAtMost: 1 }
  ignoreTags: [Complaint]
  windows: [1h]
`);
    expect(definition!.tagRankings!.negative.csatAtMost).toBe(1);
    expect(definition!.tagRankings!.negative.npsAtMost).toBe(6);
    expect(definition!.tagRankings!.ignoreTags).toEqual(['complaint']);
    expect(definition!.tagRankings!.windows).toEqual(['1h']);
  });

  it('is absent from pipelines that do not declare it', () => {
    expect(loadPipelineFile('pipelines/voice-of-customer.yaml').tagRankings).toBeUndefined();
  });

  it('names file, line and key of an unknown key, an unknown window and a bad scope', () => {
    expect(
      issuesOf(`  capacty: 10
  windows: [15m/1m, 5m]
  keywordsApplyTo: tagged
`),
    ).toEqual([
      'pipelines/test.yaml:11:3: tagRankings.capacty: unknown key (did you mean "capacity"?)',
      'pipelines/test.yaml:12:21: tagRankings.windows[1]: no window named "5m" (windows: 15m/1m, 1h)',
      'pipelines/test.yaml:13:20: tagRankings.keywordsApplyTo: must be one of untagged, all, got "tagged" (did you mean "untagged"?)',
    ]);
  });

  it('refuses top above capacity, crossed bounds and a phrase without a word', () => {
    expect(
      issuesOf(`  capacity: 8
  top: 9
  positive: { csatAtLeast: 2 }
  keywords:
    odd: ["!!!", fine]
`),
    ).toEqual([
      'pipelines/test.yaml:12:8: tagRankings.top: must not be above capacity (8), got 9',
      'pipelines/test.yaml:13:28: tagRankings.positive.csatAtLeast: csat: the negative bound (2) must be below the positive one (2)',
      'pipelines/test.yaml:15:11: tagRankings.keywords.odd[0]: "!!!" has no word (letters or digits) to match',
    ]);
  });

  it('refuses a source that reads neither answers nor posts', () => {
    const base = BASE.replace('[survey.response, feedback.social]', '[contact.queued]');
    expect(issuesOf('  top: 3\n', base)).toEqual([
      'pipelines/test.yaml:3:15: source.eventTypes: tagRankings reads survey.response and feedback.social: list at least one of them',
    ]);
  });

  it('ships pipelines/tag-rankings.yaml: the 15m/1m and 1h windows, keyword rules, mood tags ignored', () => {
    const p = loadPipelineFile('pipelines/tag-rankings.yaml');
    expect(p.source.eventTypes).toEqual(['survey.response', 'feedback.social']);
    expect(p.tagRankings!.windows).toEqual(['15m/1m', '1h']);
    expect(p.tagRankings!.keywords['points-mall-items']).toContain('points mall');
    expect(p.tagRankings!.ignoreTags).toEqual(['complaint', 'praise']);
  });
});
