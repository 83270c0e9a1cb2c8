import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/config-error.js';
import { formatIssue } from '../../../src/config/located-yaml.js';
import {
  checkPipelineYaml,
  loadPipelineFile,
  loadPipelines,
  parsePipelineYaml,
} from '../../../src/config/pipeline-loader.js';
import { CxPulseError } from '../../../src/errors/codes.js';

const FILE = 'pipelines/test.yaml';

/** Formatted issues of a pipeline text; fails the test if the text is valid. */
function issuesOf(text: string): string[] {
  const { definition, issues } = checkPipelineYaml(text, FILE);
  expect(definition).toBeUndefined();
  return issues.map(formatIssue);
}

const MINIMAL = `name: minimal
windows:
  - size: 1m
indicators:
  - id: csat
`;

describe('shipped pipelines', () => {
  it('all load from the pipelines directory', () => {
    const pipelines = loadPipelines('pipelines');
    expect(pipelines.map((p) => p.name).sort()).toEqual([
      'at-risk',
      'channel-diversion',
      'contact-center',
      'digital-journeys',
      'driver-analysis',
      'employee-experience',
      'journey-funnels',
      'journey-outcomes',
      'proactive-care',
      'public-opinion',
      'tag-rankings',
      'voice-of-customer',
    ]);
    for (const p of pipelines) expect(p.file).toMatch(/^pipelines\/[a-z-]+\.yaml$/);
  });

  it('contact-center computes every contact indicator over the three windows', () => {
    const p = loadPipelineFile('pipelines/contact-center.yaml');
    expect(p.keyBy).toEqual(['queue', 'channel']);
    expect(p.windows).toEqual([
      { name: '1m', sizeMs: 60_000, hopMs: 60_000 },
      { name: '5m/10s', sizeMs: 300_000, hopMs: 10_000 },
      { name: '15m/1m', sizeMs: 900_000, hopMs: 60_000 },
    ]);
    const ids = new Set(p.indicators.map((i) => i.id));
    for (const id of [
      'contacts_offered',
      'contacts_answered',
      'contacts_abandoned',
      'abandonment_rate',
      'service_level',
      'asa_seconds',
      'aht_seconds',
      'transfer_rate',
      'repeat_contact_rate',
      'contacts_in_queue',
      'oldest_wait_seconds',
      'agents_available',
      'occupancy',
      'csat',
      'nps',
      'experience_index',
    ] as const) {
      expect(ids, id).toContain(id);
    }
    const vip = p.indicators.find((i) => i.name === 'service_level_vip');
    expect(vip?.filter).toEqual({ field: 'segment', eq: 'vip' });
    expect(p.keyIdleEvictMs).toBe(7_200_000);
    expect(p.maxKeys).toBe(5000);
  });
});

describe('docs/pipelines.md', () => {
  it('shows an example that loads', () => {
    const doc = readFileSync('docs/pipelines.md', 'utf8');
    const example = /## Example\s+```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(example).toBeDefined();
    const p = parsePipelineYaml(example!, 'docs/pipelines.md');
    expect(p.windows.map((w) => w.name)).toEqual(['1m', '5m/10s', 'quarter']);
  });
});

describe('parsePipelineYaml', () => {
  it('applies the documented defaults', () => {
    const p = parsePipelineYaml(MINIMAL, FILE);
    expect(p).toEqual({
      name: 'minimal',
      file: FILE,
      source: { topics: ['cx.events'] },
      keyBy: [],
      windows: [{ name: '1m', sizeMs: 60_000, hopMs: 60_000 }],
      allowedLatenessMs: 30_000,
      correctionHorizonMs: 3_600_000,
      idleTimeoutMs: 10_000,
      earlyFiringIntervalMs: 1_000,
      keyIdleEvictMs: 3_600_000,
      maxKeys: 10_000,
      indicators: [{ id: 'csat', name: 'csat', params: {}, targetsByKey: {} }],
    });
  });

  it('names a hopping window size/hop and keeps explicit names, quantiles, params and targets', () => {
    const p = parsePipelineYaml(
      `name: p
keyBy: [journey]
windows: [{ size: 5m, hop: 10s }, { name: short, size: 500ms }, { size: 1d, hop: 1d }]
keyIdleEvict: 2d
indicators:
  - id: touchpoint_latency_ms
    name: latency
    quantiles: [0.5, 0.99]
    params: { maxJourneyMs: 10, byQueue: { a: 1 }, scale: csat, flag: true }
    target: { direction: lower-is-better, warn: 1, breach: 2 }
    targetsByKey: { journey=payment: { direction: lower-is-better, warn: 3, breach: 4 } }
`,
      FILE,
    );
    expect(p.windows).toEqual([
      { name: '5m/10s', sizeMs: 300_000, hopMs: 10_000 },
      { name: 'short', sizeMs: 500, hopMs: 500 },
      { name: '1d', sizeMs: 86_400_000, hopMs: 86_400_000 },
    ]);
    expect(p.indicators[0]).toEqual({
      id: 'touchpoint_latency_ms',
      name: 'latency',
      quantiles: [0.5, 0.99],
      params: { maxJourneyMs: 10, byQueue: { a: 1 }, scale: 'csat', flag: true },
      target: { direction: 'lower-is-better', warn: 1, breach: 2 },
      targetsByKey: { 'journey=payment': { direction: 'lower-is-better', warn: 3, breach: 4 } },
    });
  });

  it('throws a ConfigError with code CXP_ERR_PIPELINE_INVALID and every issue', () => {
    const text =
      MINIMAL.replace('id: csat', 'id: csatt').replace('size: 1m', 'size: 1m\n    hop: 2m') +
      'lateness: soon\n';
    let caught: unknown;
    try {
      parsePipelineYaml(text, FILE);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect(caught).toBeInstanceOf(CxPulseError);
    const error = caught as ConfigError;
    expect(error.code).toBe('CXP_ERR_PIPELINE_INVALID');
    expect(error.retriable).toBe(false);
    expect(error.issues.map((i) => i.path)).toEqual(['windows[0].hop', 'indicators[0].id', 'lateness']);
    const lines = error.message.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(
      'pipelines/test.yaml:4:10: windows[0].hop: must not be longer than size (1m), got "2m"',
    );
    expect(lines[1]).toMatch(
      /^pipelines\/test\.yaml:6:9: indicators\[0\]\.id: must be one of contacts_offered, /,
    );
    expect(lines[1]).toContain('got "csatt" (did you mean "csat"?)');
    expect(lines[2]).toBe(
      'pipelines/test.yaml:7:11: lateness: must be a duration such as 500ms, 30s, 5m, 1h or 1d, got "soon"',
    );
  });
});

describe('pipeline errors name file:line:column and field', () => {
  it('an unknown indicator id', () => {
    const issues = issuesOf(MINIMAL.replace('id: csat', 'id: happiness'));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(
      /^pipelines\/test\.yaml:5:9: indicators\[0\]\.id: must be one of contacts_offered, .*experience_index(, [a-z_]+)*, got "happiness"$/,
    );
  });

  it('a bad duration, and a bare number where a duration is wanted', () => {
    expect(issuesOf(MINIMAL.replace('size: 1m', 'size: 1 minute'))).toEqual([
      'pipelines/test.yaml:3:11: windows[0].size: must be a duration such as 500ms, 30s, 5m, 1h or 1d, got "1 minute"',
    ]);
    expect(issuesOf(`${MINIMAL}idleTimeout: 10\n`)).toEqual([
      'pipelines/test.yaml:6:14: idleTimeout: must be a duration such as 500ms, 30s, 5m, 1h or 1d, got 10',
    ]);
  });

  it('an unknown key, pointing at the key and suggesting the intended one', () => {
    expect(issuesOf(`${MINIMAL}correctionHorizn: 1h\n`)).toEqual([
      'pipelines/test.yaml:6:1: correctionHorizn: unknown key (did you mean "correctionHorizon"?)',
    ]);
    expect(issuesOf(MINIMAL.replace('  - id: csat', '  - id: csat\n    treshold: 3'))).toEqual([
      'pipelines/test.yaml:6:5: indicators[0].treshold: unknown key',
    ]);
  });

  it('a bad filter, reported for the branch the author wrote', () => {
    const text = `${MINIMAL}    filter:
      all:
        - { field: segment, equals: vip }
        - { field: waitMs }
        - { any: [] }
        - { field: reach, gte: many }
`;
    expect(issuesOf(text)).toEqual([
      'pipelines/test.yaml:8:29: indicators[0].filter.all[0].equals: unknown key',
      'pipelines/test.yaml:9:11: indicators[0].filter.all[1]: needs a comparison: one of eq, ne, in, gt, gte, lt, lte, exists',
      'pipelines/test.yaml:10:18: indicators[0].filter.all[2].any: must not be empty',
      'pipelines/test.yaml:11:32: indicators[0].filter.all[3].gte: must be a number, got "many"',
    ]);
  });

  it('a filter that is no filter at all', () => {
    expect(issuesOf(`${MINIMAL}    filter: { segment: vip }\n`)).toEqual([
      'pipelines/test.yaml:6:13: indicators[0].filter: must be a filter: {field, eq|ne|in|gt|gte|lt|lte|exists}, {all: [...]}, {any: [...]} or {not: {...}}',
    ]);
  });

  it('a hop longer than the size, and a hop that does not divide it', () => {
    const text = MINIMAL.replace('  - size: 1m', '  - { size: 1m, hop: 5m }\n  - { size: 15m, hop: 7m }');
    expect(issuesOf(text)).toEqual([
      'pipelines/test.yaml:3:22: windows[0].hop: must not be longer than size (1m), got "5m"',
      'pipelines/test.yaml:4:23: windows[1].hop: must divide size (15m) exactly, got "7m"',
    ]);
  });

  it('duplicate indicator names and duplicate window names', () => {
    const text = `name: dup
windows:
  - { size: 1m }
  - { size: 5m, name: 1m }
indicators:
  - id: csat
  - id: nps
  - id: csat
  - { id: nps, name: csat }
`;
    expect(issuesOf(text)).toEqual([
      'pipelines/test.yaml:4:23: windows[1].name: duplicate window name "1m" (also windows[0])',
      'pipelines/test.yaml:8:9: indicators[2].id: duplicate indicator name "csat" (also indicators[0]); give one of them a distinct name',
      'pipelines/test.yaml:9:22: indicators[3].name: duplicate indicator name "csat" (also indicators[0]); give one of them a distinct name',
    ]);
  });

  it('a YAML syntax error, with its line', () => {
    const issues = issuesOf('name: broken\nwindows: [ { size: 1m }\nindicators:\n  - id: csat\n');
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^pipelines\/test\.yaml:\d+:\d+: YAML syntax error: /);
    expect(issuesOf('name: a\nname: b\nwindows: [{ size: 1m }]\nindicators: [{ id: csat }]\n')[0]).toMatch(
      /^pipelines\/test\.yaml:2:1: YAML syntax error: Map keys must be unique/,
    );
  });

  it('wrong types and missing fields', () => {
    expect(issuesOf('name: 42\nkeyBy: queue\nwindows: []\nmaxKeys: 1.5\n')).toEqual([
      'pipelines/test.yaml:1:1: indicators: is required',
      'pipelines/test.yaml:1:7: name: must be a string, got 42',
      'pipelines/test.yaml:2:8: keyBy: must be a list, got "queue"',
      'pipelines/test.yaml:3:10: windows: must not be empty',
      'pipelines/test.yaml:4:10: maxKeys: must be an integer, got 1.5',
    ]);
    expect(issuesOf('# nothing yet\n')).toEqual([
      'pipelines/test.yaml:1:1: the file is empty; a pipeline needs at least name, windows and indicators',
    ]);
    expect(issuesOf('- name: a\n')).toEqual(['pipelines/test.yaml:1:1: must be a mapping, got a list']);
  });

  it('targets in the wrong order, and per-key targets on a dimension that is not a key', () => {
    const text = `name: t
keyBy: [queue]
windows: [{ size: 1m }]
indicators:
  - id: service_level
    target: { direction: higher-is-better, warn: 0.7, breach: 0.8 }
    targetsByKey:
      channel=voice: { direction: higher-is-better, warn: 0.9, breach: 0.8 }
      queue=vip/voice: { direction: lower-is-better, warn: 0.9, breach: 0.8 }
      not a key: { direction: higher-is-better, warn: 0.9, breach: 0.8 }
`;
    expect(issuesOf(text)).toEqual([
      'pipelines/test.yaml:6:63: indicators[0].target.breach: must not be above warn (0.7) when higher is better, got 0.8',
      'pipelines/test.yaml:8:7: indicators[0].targetsByKey["channel=voice"]: key uses channel, which is not in keyBy [queue]',
      'pipelines/test.yaml:9:73: indicators[0].targetsByKey["queue=vip/voice"].breach: must not be below warn (0.9) when lower is better, got 0.8',
      'pipelines/test.yaml:10:7: indicators[0].targetsByKey["not a key"]: must be written dim=value or dim=value,dim=value (e.g. queue=billing), got "not a key"',
    ]);
  });

  it('keys evicted before their windows close', () => {
    expect(issuesOf(MINIMAL.replace('size: 1m', 'size: 1d'))).toEqual([
      'pipelines/test.yaml:3:3: windows: keyIdleEvict (1h) must be at least the largest window size, or keys are evicted while their windows are open',
    ]);
  });
});

describe('loadPipelines', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('reports the issues of every file together and rejects a pipeline name used twice', () => {
    dir = mkdtempSync(join(tmpdir(), 'cxpulse-pipelines-'));
    writeFileSync(join(dir, 'a.yaml'), MINIMAL);
    writeFileSync(join(dir, 'b.yml'), MINIMAL);
    writeFileSync(
      join(dir, 'c.yaml'),
      MINIMAL.replace('name: minimal', 'name: other').replace('id: csat', 'id: x'),
    );
    writeFileSync(join(dir, 'notes.txt'), 'not a pipeline');
    let caught: unknown;
    try {
      loadPipelines(dir);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const lines = (caught as ConfigError).message.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(
      `${join(dir, 'b.yml')}:1:7: name: pipeline name "minimal" is already used by ${join(dir, 'a.yaml')}`,
    );
    expect(lines[1]).toMatch(
      new RegExp(`^${join(dir, 'c.yaml')}:5:9: indicators\\[0\\]\\.id: must be one of`),
    );
  });

  it('loads an explicit list of files, and fails clearly on a missing directory', () => {
    expect(loadPipelines(['pipelines/voice-of-customer.yaml']).map((p) => p.name)).toEqual([
      'voice-of-customer',
    ]);
    expect(() => loadPipelines('no/such/dir')).toThrow(/^no\/such\/dir: pipeline directory not found$/);
  });
});
