/**
 * Loads `pipelines/*.yaml` into PipelineDefinitions at start. Every problem in a file is reported
 * at once, each as `file:line:column: field: reason`, so a typo costs one edit, not one restart per
 * mistake. Unknown keys are errors: a misspelt option must never be silently ignored.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { CxPulseError } from '../errors/codes.js';
import type { EventType } from '../events/types.js';
import { ConfigError } from './config-error.js';
import { parseDuration } from './duration.js';
import { explainFilter } from './filter-issues.js';
import type { FilterPredicate } from './filter.js';
import { compareIssues, fieldPath, parseLocatedYaml } from './located-yaml.js';
import type { ConfigIssue, LocatedYaml, PathSegment } from './located-yaml.js';
import { watermelonReferenceIssues, watermelonRuleIssues } from './watermelon-references.js';
import type {
  AtRiskDefinition,
  AlertRuleDefinition,
  AlertSeverityName,
  Dimension,
  IndicatorDefinition,
  IndicatorId,
  PipelineDefinition,
  TagRankingsDefinition,
  TargetDefinition,
  WindowDefinition,
} from './pipeline-definition.js';
import {
  AT_RISK_DEFAULTS,
  PIPELINE_DEFAULTS,
  PIPELINE_PATTERN_HINTS,
  PIPELINE_SCHEMA,
  TAG_RANKINGS_DEFAULTS,
} from './pipeline-schema.js';
import {
  insightSectionIssues,
  toChannelDiversion,
  toDriverAnalysis,
  type ChannelDiversionYaml,
  type DriverAnalysisYaml,
} from './insight-sections.js';
import { issuesFromAjv } from './schema-issues.js';
import { proactiveCareIssues, toProactiveCare, type ProactiveCareYaml } from './proactive-care-section.js';

/** The YAML shape after schema validation (durations still strings, defaults not yet applied). */
interface PipelineYaml {
  name: string;
  description?: string;
  source?: { topics?: string[]; eventTypes?: EventType[] };
  keyBy?: Dimension[];
  windows: Array<{ name?: string; size: string; hop?: string }>;
  lateness?: string;
  correctionHorizon?: string;
  idleTimeout?: string;
  earlyFiring?: string;
  keyIdleEvict?: string;
  maxKeys?: number;
  indicators: Array<{
    id: IndicatorId;
    name?: string;
    filter?: FilterPredicate;
    quantiles?: number[];
    params?: IndicatorDefinition['params'];
    target?: TargetDefinition;
    targetsByKey?: Record<string, TargetDefinition>;
  }>;
  alerts?: AlertRuleYaml[];
  atRisk?: AtRiskYaml;
  channelDiversion?: ChannelDiversionYaml;
  driverAnalysis?: DriverAnalysisYaml;
  proactiveCare?: ProactiveCareYaml;
  tagRankings?: TagRankingsYaml;
}

interface TagRankingsYaml {
  windows?: string[];
  keyBy?: Dimension[];
  capacity?: number;
  top?: number;
  maxKeys?: number;
  negative?: Partial<TagRankingsDefinition['negative']>;
  positive?: Partial<TagRankingsDefinition['positive']>;
  keywords?: Record<string, string[]>;
  keywordsApplyTo?: TagRankingsDefinition['keywordsApplyTo'];
  ignoreTags?: string[];
}

interface AtRiskYaml {
  lookback?: string;
  buckets?: number;
  dedupWindow?: string;
  longWait?: string;
  negative?: Partial<AtRiskDefinition['negative']>;
  thresholds: AtRiskDefinition['thresholds'];
  owners: AtRiskDefinition['owners'];
  maxCustomers?: number;
}

/** One `alerts:` entry after schema validation; which fields apply is checked by `alertIssues`. */
interface AlertRuleYaml {
  name: string;
  type: AlertRuleDefinition['type'];
  severity?: AlertSeverityName;
  indicator?: string;
  window?: string;
  above?: number;
  below?: number;
  breach?: 'target';
  for?: number;
  resolve?: { after?: number; at?: number | string };
  detector?: string;
  threshold?: number;
  minDeviation?: number;
  minRelativeDeviation?: number;
  minZ?: number;
  minSamples?: number;
  scope?: 'pipeline' | 'key';
  factor?: number;
  minSilence?: string;
  checkEvery?: string;
  horizon?: string;
  arrivals?: string;
  aht?: string;
  agents?: string;
  serviceLevel?: string;
  target?: number;
  answerWithin?: string;
  trend?: boolean;
  model?: 'erlang-a' | 'erlang-c';
  patience?: string;
  plannedAht?: string;
  journey?: Array<{ indicator: string; minSamples?: number }>;
  touchpoints?: { pipeline: string; window?: string; indicators: string[] };
  groupBy?: Dimension[];
  summary?: string;
}

const COMMON_ALERT_FIELDS = ['name', 'type', 'severity', 'for', 'resolve', 'groupBy', 'summary'];
/** Fields each rule type takes besides the common ones; any other is an error naming the type. */
const ALERT_FIELDS: Record<AlertRuleDefinition['type'], string[]> = {
  threshold: ['indicator', 'window', 'above', 'below', 'breach', 'minSamples'],
  anomaly: [
    'indicator',
    'window',
    'detector',
    'threshold',
    'minDeviation',
    'minRelativeDeviation',
    'minZ',
    'minSamples',
  ],
  silence: ['scope', 'factor', 'minSilence', 'checkEvery'],
  'erlang-c': [
    'window',
    'horizon',
    'arrivals',
    'aht',
    'agents',
    'serviceLevel',
    'target',
    'answerWithin',
    'trend',
    'model',
    'patience',
    'plannedAht',
    'minSamples',
  ],
  watermelon: ['window', 'journey', 'touchpoints'],
};
const ERLANG_C_INPUTS = [
  ['arrivals', 'contacts_offered'],
  ['aht', 'aht_seconds'],
  ['agents', 'agents_available'],
] as const;

let validator: ValidateFunction | undefined;

function validatePipeline(): ValidateFunction {
  validator ??= new Ajv({ allErrors: true, verbose: true, allowUnionTypes: true }).compile(PIPELINE_SCHEMA);
  return validator;
}

export interface PipelineCheck {
  definition?: PipelineDefinition;
  issues: ConfigIssue[];
}

/** Validates one pipeline file's text without throwing; `definition` is set only when there are no issues. */
export function checkPipelineYaml(text: string, fileName: string): PipelineCheck {
  const located = parseLocatedYaml(text, fileName);
  if (located.syntaxIssues.length > 0) return { issues: located.syntaxIssues };
  const data = located.value;
  if (data === null || data === undefined) {
    const message = 'the file is empty; a pipeline needs at least name, windows and indicators';
    return { issues: [{ file: fileName, position: { line: 1, column: 1 }, path: '', message }] };
  }
  const locate = (path: readonly PathSegment[], target: 'key' | 'value' = 'value') => ({
    file: fileName,
    position: located.positionOf(path, target),
  });

  const validate = validatePipeline();
  const schemaErrors = validate(data) ? [] : explainFilterErrors(validate.errors ?? [], data);
  const issues = [
    ...issuesFromAjv(schemaErrors, data, locate, { patternHints: PIPELINE_PATTERN_HINTS }),
    ...semanticIssues(data, located),
  ];
  if (issues.length > 0) return { issues: dedupe(issues).sort(compareIssues) };
  return { definition: toDefinition(data as PipelineYaml, fileName), issues: [] };
}

/** Parses and validates one pipeline file's text; throws a ConfigError listing every issue. */
export function parsePipelineYaml(text: string, fileName: string): PipelineDefinition {
  const { definition, issues } = checkPipelineYaml(text, fileName);
  if (!definition) throw new ConfigError('CXP_ERR_PIPELINE_INVALID', issues);
  return definition;
}

export function loadPipelineFile(path: string): PipelineDefinition {
  return parsePipelineYaml(readText(path), path);
}

/**
 * Loads every `*.yaml` / `*.yml` in a directory (in name order), or the given files. Issues of all
 * files are reported together; pipeline names must be unique across files.
 */
export function loadPipelines(source: string | readonly string[]): PipelineDefinition[] {
  const files = typeof source === 'string' ? pipelineFilesIn(source) : [...source];
  const definitions: PipelineDefinition[] = [];
  const issues: ConfigIssue[] = [];
  const fileByName = new Map<string, string>();
  for (const file of files) {
    const text = readText(file);
    const check = checkPipelineYaml(text, file);
    issues.push(...check.issues);
    if (!check.definition) continue;
    const previous = fileByName.get(check.definition.name);
    if (previous !== undefined) {
      const located = parseLocatedYaml(text, file);
      issues.push({
        file,
        position: located.positionOf(['name']),
        path: 'name',
        message: `pipeline name "${check.definition.name}" is already used by ${previous}`,
      });
      continue;
    }
    fileByName.set(check.definition.name, file);
    definitions.push(check.definition);
  }
  if (issues.length === 0) issues.push(...watermelonReferenceIssues(definitions, readText));
  if (issues.length > 0) throw new ConfigError('CXP_ERR_PIPELINE_INVALID', issues);
  return definitions;
}

function pipelineFilesIn(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new ConfigError('CXP_ERR_CONFIG_READ', [
      { file: dir, path: '', message: 'pipeline directory not found' },
    ]);
  }
  const files = readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(dir, f));
  if (files.length === 0) {
    throw new ConfigError('CXP_ERR_PIPELINE_INVALID', [
      { file: dir, path: '', message: 'no pipeline definitions (*.yaml) in this directory' },
    ]);
  }
  return files;
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new CxPulseError(
      'CXP_ERR_CONFIG_READ',
      `${path}: cannot read pipeline file: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
}

/** Replaces ajv's errors inside each indicator filter by the errors of the branch the author meant. */
function explainFilterErrors(errors: readonly ErrorObject[], data: unknown): ErrorObject[] {
  const filterRoot = /^\/indicators\/\d+\/filter(?=\/|$)/;
  const roots = new Set<string>();
  const others: ErrorObject[] = [];
  for (const error of errors) {
    const match = filterRoot.exec(error.instancePath);
    if (match) roots.add(match[0]);
    else others.push(error);
  }
  const explained = [...roots].flatMap((root) => {
    const [, index] = /^\/indicators\/(\d+)/.exec(root)!;
    const indicators = (data as { indicators: Array<{ filter?: unknown }> }).indicators;
    const found = explainFilter(indicators[Number(index)]?.filter, root);
    // Should the explanation ever disagree with ajv, keep ajv's own errors rather than none.
    return found.length > 0 ? found : errors.filter((e) => e.instancePath.startsWith(root));
  });
  return [...others, ...explained];
}

/** What the schema cannot express. Runs on possibly invalid data, so every access is guarded. */
function semanticIssues(data: unknown, located: LocatedYaml): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const at = (path: PathSegment[], message: string, target: 'key' | 'value' = 'value') =>
    issues.push({
      file: located.fileName,
      position: located.positionOf(path, target),
      path: fieldPath(path),
      message,
    });
  if (!isRecord(data)) return issues;

  const windows = Array.isArray(data.windows) ? data.windows : [];
  const windowNames = new Map<string, number>();
  let largestWindowMs = 0;
  windows.forEach((w: unknown, i) => {
    if (!isRecord(w)) return;
    const size = typeof w.size === 'string' ? parseDuration(w.size) : undefined;
    const hop = typeof w.hop === 'string' ? parseDuration(w.hop) : size;
    if (size === 0) at(['windows', i, 'size'], 'must be longer than 0');
    if (hop === 0 && size !== 0) at(['windows', i, 'hop'], 'must be longer than 0');
    if (size !== undefined && hop !== undefined && size > 0 && hop > 0) {
      largestWindowMs = Math.max(largestWindowMs, size);
      if (hop > size)
        at(['windows', i, 'hop'], `must not be longer than size (${String(w.size)}), got "${String(w.hop)}"`);
      else if (size % hop !== 0) {
        at(['windows', i, 'hop'], `must divide size (${String(w.size)}) exactly, got "${String(w.hop)}"`);
      }
    }
    const name = typeof w.name === 'string' ? w.name : defaultWindowName(w);
    if (name === undefined) return;
    const first = windowNames.get(name);
    if (first !== undefined) {
      at(
        ['windows', i, typeof w.name === 'string' ? 'name' : 'size'],
        `duplicate window name "${name}" (also windows[${first}])`,
      );
    } else windowNames.set(name, i);
  });

  const keyIdleEvict =
    typeof data.keyIdleEvict === 'string'
      ? parseDuration(data.keyIdleEvict)
      : parseDuration(PIPELINE_DEFAULTS.keyIdleEvict);
  if (keyIdleEvict !== undefined && keyIdleEvict < largestWindowMs) {
    at(
      data.keyIdleEvict === undefined ? ['windows'] : ['keyIdleEvict'],
      `keyIdleEvict (${String(data.keyIdleEvict ?? PIPELINE_DEFAULTS.keyIdleEvict)}) must be at least the largest window size, or keys are evicted while their windows are open`,
    );
  }

  const keyBy = new Set(
    Array.isArray(data.keyBy) ? data.keyBy.filter((d): d is string => typeof d === 'string') : [],
  );
  const indicators = Array.isArray(data.indicators) ? data.indicators : [];
  const indicatorNames = new Map<string, number>();
  indicators.forEach((ind: unknown, i) => {
    if (!isRecord(ind)) return;
    const name = typeof ind.name === 'string' ? ind.name : typeof ind.id === 'string' ? ind.id : undefined;
    if (name !== undefined) {
      const first = indicatorNames.get(name);
      if (first !== undefined) {
        at(
          ['indicators', i, typeof ind.name === 'string' ? 'name' : 'id'],
          `duplicate indicator name "${name}" (also indicators[${first}]); give one of them a distinct name`,
        );
      } else indicatorNames.set(name, i);
    }
    if (isRecord(ind.target)) targetOrderIssue(ind.target, ['indicators', i, 'target'], at);
    if (isRecord(ind.targetsByKey)) {
      for (const [key, target] of Object.entries(ind.targetsByKey)) {
        const path: PathSegment[] = ['indicators', i, 'targetsByKey', key];
        const dims = key.split(',').map((part) => part.split('=')[0] ?? '');
        const unknown = dims.filter((d) => /^[a-z]+$/.test(d) && !keyBy.has(d));
        if (unknown.length > 0) {
          at(
            path,
            `key uses ${unknown.join(', ')}, which ${unknown.length === 1 ? 'is' : 'are'} not in keyBy [${[...keyBy].join(', ')}]`,
            'key',
          );
        } else if (new Set(dims).size !== dims.length) at(path, 'names a dimension twice', 'key');
        if (isRecord(target)) targetOrderIssue(target, path, at);
      }
    }
  });
  if (Array.isArray(data.alerts)) alertIssues(data.alerts, indicators, windowNames, keyBy, at);
  if (isRecord(data.atRisk)) atRiskIssues(data.atRisk, at);
  insightSectionIssues(
    data,
    {
      windows: new Map(
        [...windowNames].map(([name, i]) => {
          const w = windows[i] as Record<string, unknown>;
          const size = typeof w.size === 'string' ? parseDuration(w.size) : undefined;
          const hop = typeof w.hop === 'string' ? parseDuration(w.hop) : size;
          return [name, size !== undefined && hop !== undefined ? ([size, hop] as const) : undefined];
        }),
      ),
      indicators: new Map(
        indicators.flatMap((ind: unknown) =>
          isRecord(ind) && typeof ind.id === 'string'
            ? [[typeof ind.name === 'string' ? ind.name : ind.id, ind.id] as const]
            : [],
        ),
      ),
      keyBy,
      eventTypes:
        isRecord(data.source) && Array.isArray(data.source.eventTypes)
          ? data.source.eventTypes.filter((t): t is string => typeof t === 'string')
          : undefined,
    },
    at,
  );
  if (isRecord(data.proactiveCare)) {
    const types =
      isRecord(data.source) && Array.isArray(data.source.eventTypes) ? data.source.eventTypes : undefined;
    proactiveCareIssues(
      data.proactiveCare,
      types?.filter((t): t is string => typeof t === 'string'),
      at,
    );
  }
  if (isRecord(data.tagRankings)) tagRankingsIssues(data.tagRankings, data, windowNames, at);
  return issues;
}

/**
 * What the schema cannot say about `tagRankings:`: windows that exist, top within capacity,
 * negative bounds below positive ones, phrases with words, and event types it can read.
 */
function tagRankingsIssues(
  section: Record<string, unknown>,
  data: Record<string, unknown>,
  windowNames: ReadonlyMap<string, number>,
  at: (path: PathSegment[], message: string, target?: 'key' | 'value') => void,
): void {
  if (Array.isArray(section.windows)) {
    section.windows.forEach((name: unknown, i) => {
      if (typeof name === 'string' && !windowNames.has(name)) {
        at(
          ['tagRankings', 'windows', i],
          `no window named "${name}" (windows: ${[...windowNames.keys()].join(', ')})`,
        );
      }
    });
  }
  const capacity = typeof section.capacity === 'number' ? section.capacity : TAG_RANKINGS_DEFAULTS.capacity;
  if (typeof section.top === 'number' && section.top > capacity) {
    at(['tagRankings', 'top'], `must not be above capacity (${capacity}), got ${section.top}`);
  }
  const negative = isRecord(section.negative) ? section.negative : {};
  const positive = isRecord(section.positive) ? section.positive : {};
  for (const score of ['csat', 'nps', 'ces', 'sentiment'] as const) {
    const low = negative[`${score}AtMost`] ?? TAG_RANKINGS_DEFAULTS.negative[`${score}AtMost`];
    const high = positive[`${score}AtLeast`] ?? TAG_RANKINGS_DEFAULTS.positive[`${score}AtLeast`];
    if (typeof low === 'number' && typeof high === 'number' && !(low < high)) {
      at(
        positive[`${score}AtLeast`] !== undefined
          ? ['tagRankings', 'positive', `${score}AtLeast`]
          : ['tagRankings', 'negative', `${score}AtMost`],
        `${score}: the negative bound (${low}) must be below the positive one (${high})`,
      );
    }
  }
  if (isRecord(section.keywords)) {
    for (const [tag, phrases] of Object.entries(section.keywords)) {
      if (!Array.isArray(phrases)) continue;
      phrases.forEach((phrase: unknown, i) => {
        // Phrases are matched as words: runs of letters and digits (src/analytics/tags/tag-classifier.ts).
        if (typeof phrase === 'string' && !/[\p{L}\p{N}]/u.test(phrase)) {
          at(['tagRankings', 'keywords', tag, i], `"${phrase}" has no word (letters or digits) to match`);
        }
      });
    }
  }
  const source = isRecord(data.source) ? data.source : {};
  if (
    Array.isArray(source.eventTypes) &&
    !source.eventTypes.some((t: unknown) => t === 'survey.response' || t === 'feedback.social')
  ) {
    at(
      ['source', 'eventTypes'],
      'tagRankings reads survey.response and feedback.social: list at least one of them',
    );
  }
}

/** What the schema cannot say about `atRisk:`: the buckets must divide the lookback into whole ms. */
function atRiskIssues(
  atRisk: Record<string, unknown>,
  at: (path: PathSegment[], message: string, target?: 'key' | 'value') => void,
): void {
  const lookback =
    typeof atRisk.lookback === 'string'
      ? parseDuration(atRisk.lookback)
      : parseDuration(AT_RISK_DEFAULTS.lookback);
  const buckets = typeof atRisk.buckets === 'number' ? atRisk.buckets : AT_RISK_DEFAULTS.buckets;
  if (lookback === undefined || !Number.isInteger(buckets) || buckets < 1) return;
  if (lookback === 0) at(['atRisk', 'lookback'], 'must be longer than 0');
  else if (lookback % buckets !== 0) {
    at(
      atRisk.buckets === undefined ? ['atRisk', 'lookback'] : ['atRisk', 'buckets'],
      `must divide the lookback (${String(atRisk.lookback ?? AT_RISK_DEFAULTS.lookback)}) into whole milliseconds, got ${buckets} buckets`,
    );
  }
  const dedup = typeof atRisk.dedupWindow === 'string' ? parseDuration(atRisk.dedupWindow) : undefined;
  if (dedup === 0) at(['atRisk', 'dedupWindow'], 'must be longer than 0');
}

/** What the schema cannot say about `alerts:`: fields per type, references to indicators and windows. */
function alertIssues(
  alerts: unknown[],
  indicators: unknown[],
  windowNames: ReadonlyMap<string, number>,
  keyBy: ReadonlySet<string>,
  at: (path: PathSegment[], message: string, target?: 'key' | 'value') => void,
): void {
  const byName = new Map<string, Record<string, unknown>>();
  for (const ind of indicators) {
    if (!isRecord(ind)) continue;
    const name = typeof ind.name === 'string' ? ind.name : typeof ind.id === 'string' ? ind.id : undefined;
    if (name !== undefined && !byName.has(name)) byName.set(name, ind);
  }
  const ruleNames = new Map<string, number>();
  alerts.forEach((rule: unknown, i) => {
    if (!isRecord(rule) || typeof rule.type !== 'string' || !Object.hasOwn(ALERT_FIELDS, rule.type)) return;
    const type = rule.type as AlertRuleDefinition['type'];
    const path = (...rest: PathSegment[]): PathSegment[] => ['alerts', i, ...rest];
    if (typeof rule.name === 'string') {
      const first = ruleNames.get(rule.name);
      if (first !== undefined)
        at(path('name'), `duplicate alert name "${rule.name}" (also alerts[${first}])`);
      else ruleNames.set(rule.name, i);
    }
    const allowed = new Set([...COMMON_ALERT_FIELDS, ...ALERT_FIELDS[type]]);
    for (const field of Object.keys(rule)) {
      if (!allowed.has(field)) at(path(field), `does not apply to a ${type} rule`, 'key');
    }
    if (isRecord(rule.resolve) && rule.resolve.at !== undefined && type !== 'threshold') {
      at(path('resolve', 'at'), `does not apply to a ${type} rule`, 'key');
    }
    if (Array.isArray(rule.groupBy)) {
      rule.groupBy.forEach((dim: unknown, d) => {
        if (typeof dim === 'string' && !keyBy.has(dim)) {
          at(path('groupBy', d), `"${dim}" is not in keyBy [${[...keyBy].join(', ')}]`);
        }
      });
    }
    const needs =
      type === 'silence'
        ? []
        : type === 'erlang-c'
          ? ['window']
          : type === 'watermelon'
            ? ['window', 'journey', 'touchpoints']
            : ['indicator', 'window'];
    for (const field of needs) {
      if (rule[field] === undefined) at(path(), `a ${type} rule needs "${field}"`, 'key');
    }
    if (typeof rule.window === 'string' && !windowNames.has(rule.window)) {
      at(path('window'), `no window named "${rule.window}" (windows: ${[...windowNames.keys()].join(', ')})`);
    }
    const indicator = typeof rule.indicator === 'string' ? byName.get(rule.indicator) : undefined;
    if (typeof rule.indicator === 'string' && indicator === undefined) {
      at(path('indicator'), `no indicator named "${rule.indicator}" in this pipeline`);
    }
    if (type === 'threshold') {
      const given = ['above', 'below', 'breach'].filter((f) => rule[f] !== undefined);
      if (given.length !== 1) {
        at(
          given.length === 0 ? path() : path(given[1]!),
          'a threshold rule needs exactly one of above, below or breach: target',
          given.length === 0 ? 'key' : 'value',
        );
      }
      if (
        rule.breach === 'target' &&
        indicator !== undefined &&
        !indicator.target &&
        !indicator.targetsByKey
      ) {
        at(path('breach'), `indicator "${String(rule.indicator)}" has no target`);
      }
      const resolveAt = isRecord(rule.resolve) ? rule.resolve.at : undefined;
      if (typeof resolveAt === 'string' && (resolveAt !== 'warn' || rule.breach !== 'target')) {
        at(path('resolve', 'at'), `must be a number, or "warn" with breach: target; got "${resolveAt}"`);
      }
      if (typeof resolveAt === 'number' && typeof rule.above === 'number' && resolveAt > rule.above) {
        at(path('resolve', 'at'), `must not be above "above" (${rule.above}), got ${resolveAt}`);
      }
      if (typeof resolveAt === 'number' && typeof rule.below === 'number' && resolveAt < rule.below) {
        at(path('resolve', 'at'), `must not be below "below" (${rule.below}), got ${resolveAt}`);
      }
    }
    if (type === 'erlang-c') {
      if (!keyBy.has('queue')) at(path('type'), 'an erlang-c rule needs queue in keyBy');
      for (const [field, id] of ERLANG_C_INPUTS) {
        const name = typeof rule[field] === 'string' ? rule[field] : id;
        const found = byName.get(name);
        const where = rule[field] === undefined ? path() : path(field);
        const target = rule[field] === undefined ? 'key' : 'value';
        if (found === undefined) at(where, `needs the ${id} indicator ("${name}") in this pipeline`, target);
        else if (found.id !== id)
          at(where, `"${name}" must be a ${id} indicator, it is ${String(found.id)}`, target);
      }
      const slName = typeof rule.serviceLevel === 'string' ? rule.serviceLevel : 'service_level';
      const sl = byName.get(slName);
      if (typeof rule.serviceLevel === 'string' && sl?.id !== 'service_level') {
        at(path('serviceLevel'), `"${rule.serviceLevel}" must be a service_level indicator in this pipeline`);
      }
      if (rule.target === undefined && (sl?.id !== 'service_level' || (!sl.target && !sl.targetsByKey))) {
        at(path(), 'an erlang-c rule needs "target", or a service_level indicator with a target', 'key');
      }
      if (rule.model === 'erlang-c' && rule.patience !== undefined) {
        at(path('patience'), 'does not apply to model: erlang-c', 'key');
      }
      const unfiltered = (id: string) =>
        [...byName.values()].some((ind) => ind.id === id && ind.filter === undefined);
      if (
        rule.model !== 'erlang-c' &&
        rule.patience === undefined &&
        !(unfiltered('contacts_abandoned') && unfiltered('contacts_in_queue'))
      ) {
        at(
          path(),
          'model erlang-a needs "patience", or contacts_abandoned and contacts_in_queue indicators to estimate it (or model: erlang-c)',
          'key',
        );
      }
    }
    if (type === 'watermelon') watermelonRuleIssues(rule, byName, keyBy, path, at);
  });
}

function targetOrderIssue(
  target: Record<string, unknown>,
  path: PathSegment[],
  at: (path: PathSegment[], message: string) => void,
): void {
  const { direction, warn, breach } = target;
  if (typeof warn !== 'number' || typeof breach !== 'number') return;
  if (direction === 'higher-is-better' && breach > warn) {
    at([...path, 'breach'], `must not be above warn (${warn}) when higher is better, got ${breach}`);
  } else if (direction === 'lower-is-better' && breach < warn) {
    at([...path, 'breach'], `must not be below warn (${warn}) when lower is better, got ${breach}`);
  }
}

function defaultWindowName(w: Record<string, unknown>): string | undefined {
  if (typeof w.size !== 'string') return undefined;
  return typeof w.hop === 'string' && w.hop !== w.size ? `${w.size}/${w.hop}` : w.size;
}

function toDefinition(yaml: PipelineYaml, file: string): PipelineDefinition {
  // The schema has already checked every duration string, so parsing cannot fail here.
  const ms = (text: string | undefined, fallback: string): number => parseDuration(text ?? fallback)!;
  const windows: WindowDefinition[] = yaml.windows.map((w) => ({
    name: w.name ?? defaultWindowName(w)!,
    sizeMs: ms(w.size, w.size),
    hopMs: ms(w.hop, w.size),
  }));
  const indicators: IndicatorDefinition[] = yaml.indicators.map((ind) => ({
    id: ind.id,
    name: ind.name ?? ind.id,
    ...(ind.filter !== undefined ? { filter: ind.filter } : {}),
    ...(ind.quantiles !== undefined ? { quantiles: ind.quantiles } : {}),
    params: ind.params ?? {},
    ...(ind.target !== undefined ? { target: ind.target } : {}),
    targetsByKey: ind.targetsByKey ?? {},
  }));
  return {
    name: yaml.name,
    ...(yaml.description !== undefined ? { description: yaml.description } : {}),
    file,
    source: {
      topics: yaml.source?.topics ?? [...PIPELINE_DEFAULTS.topics],
      ...(yaml.source?.eventTypes !== undefined ? { eventTypes: yaml.source.eventTypes } : {}),
    },
    keyBy: yaml.keyBy ?? [],
    windows,
    allowedLatenessMs: ms(yaml.lateness, PIPELINE_DEFAULTS.lateness),
    correctionHorizonMs: ms(yaml.correctionHorizon, PIPELINE_DEFAULTS.correctionHorizon),
    idleTimeoutMs: ms(yaml.idleTimeout, PIPELINE_DEFAULTS.idleTimeout),
    earlyFiringIntervalMs: ms(yaml.earlyFiring, PIPELINE_DEFAULTS.earlyFiring),
    keyIdleEvictMs: ms(yaml.keyIdleEvict, PIPELINE_DEFAULTS.keyIdleEvict),
    maxKeys: yaml.maxKeys ?? PIPELINE_DEFAULTS.maxKeys,
    indicators,
    ...(yaml.alerts !== undefined
      ? { alerts: yaml.alerts.map((rule) => toAlertRule(rule, indicators)) }
      : {}),
    ...(yaml.atRisk !== undefined ? { atRisk: toAtRisk(yaml.atRisk) } : {}),
    ...(yaml.channelDiversion !== undefined
      ? { channelDiversion: toChannelDiversion(yaml.channelDiversion) }
      : {}),
    ...(yaml.driverAnalysis !== undefined
      ? { driverAnalysis: toDriverAnalysis(yaml.driverAnalysis, windows) }
      : {}),
    ...(yaml.proactiveCare !== undefined ? { proactiveCare: toProactiveCare(yaml.proactiveCare) } : {}),
    ...(yaml.tagRankings !== undefined ? { tagRankings: toTagRankings(yaml.tagRankings, windows) } : {}),
  };
}

function toTagRankings(yaml: TagRankingsYaml, windows: readonly WindowDefinition[]): TagRankingsDefinition {
  return {
    windows: yaml.windows ?? windows.map((w) => w.name),
    keyBy: yaml.keyBy ?? [],
    capacity: yaml.capacity ?? TAG_RANKINGS_DEFAULTS.capacity,
    top: yaml.top ?? TAG_RANKINGS_DEFAULTS.top,
    maxKeys: yaml.maxKeys ?? TAG_RANKINGS_DEFAULTS.maxKeys,
    negative: { ...TAG_RANKINGS_DEFAULTS.negative, ...yaml.negative },
    positive: { ...TAG_RANKINGS_DEFAULTS.positive, ...yaml.positive },
    keywords: yaml.keywords ?? {},
    keywordsApplyTo: yaml.keywordsApplyTo ?? TAG_RANKINGS_DEFAULTS.keywordsApplyTo,
    ignoreTags: (yaml.ignoreTags ?? []).map((t) => t.trim().toLowerCase()),
  };
}

function toAtRisk(yaml: AtRiskYaml): AtRiskDefinition {
  const ms = (text: string | undefined, fallback: string): number => parseDuration(text ?? fallback)!;
  return {
    lookbackMs: ms(yaml.lookback, AT_RISK_DEFAULTS.lookback),
    buckets: yaml.buckets ?? AT_RISK_DEFAULTS.buckets,
    dedupWindowMs: ms(yaml.dedupWindow, AT_RISK_DEFAULTS.dedupWindow),
    longWaitMs: ms(yaml.longWait, AT_RISK_DEFAULTS.longWait),
    negative: { ...AT_RISK_DEFAULTS.negative, ...yaml.negative },
    thresholds: yaml.thresholds,
    owners: yaml.owners,
    maxCustomers: yaml.maxCustomers ?? AT_RISK_DEFAULTS.maxCustomers,
  };
}

function toAlertRule(rule: AlertRuleYaml, indicators: IndicatorDefinition[]): AlertRuleDefinition {
  const ms = (text: string | undefined, fallback: string): number => parseDuration(text ?? fallback)!;
  const common = {
    name: rule.name,
    severity: rule.severity ?? 'warning',
    forCount: rule.for ?? 1,
    resolveAfter: rule.resolve?.after ?? 1,
    ...(rule.groupBy !== undefined ? { groupBy: rule.groupBy } : {}),
    ...(rule.summary !== undefined ? { summary: rule.summary } : {}),
  };
  switch (rule.type) {
    case 'threshold': {
      const at = rule.resolve?.at;
      return {
        ...common,
        type: 'threshold',
        indicator: rule.indicator!,
        window: rule.window!,
        condition:
          rule.above !== undefined
            ? { kind: 'above', value: rule.above }
            : rule.below !== undefined
              ? { kind: 'below', value: rule.below }
              : { kind: 'target' },
        ...(typeof at === 'number' || at === 'warn' ? { resolveAt: at } : {}),
        ...(rule.minSamples !== undefined ? { minSamples: rule.minSamples } : {}),
      };
    }
    case 'anomaly':
      return {
        ...common,
        type: 'anomaly',
        indicator: rule.indicator!,
        window: rule.window!,
        detector: rule.detector ?? 'ensemble',
        ...(rule.threshold !== undefined ? { threshold: rule.threshold } : {}),
        ...(rule.minDeviation !== undefined ? { minDeviation: rule.minDeviation } : {}),
        ...(rule.minRelativeDeviation !== undefined
          ? { minRelativeDeviation: rule.minRelativeDeviation }
          : {}),
        ...(rule.minZ !== undefined ? { minZ: rule.minZ } : {}),
        ...(rule.minSamples !== undefined ? { minSamples: rule.minSamples } : {}),
      };
    case 'silence':
      return {
        ...common,
        type: 'silence',
        scope: rule.scope ?? 'pipeline',
        factor: rule.factor ?? 3,
        minSilenceMs: ms(rule.minSilence, '1m'),
        checkEveryMs: ms(rule.checkEvery, '10s'),
      };
    case 'erlang-c': {
      const slName = rule.serviceLevel ?? 'service_level';
      const hasServiceLevel = indicators.some((d) => d.name === slName && d.id === 'service_level');
      return {
        ...common,
        type: 'erlang-c',
        window: rule.window!,
        horizonMs: ms(rule.horizon, '15m'),
        arrivals: rule.arrivals ?? 'contacts_offered',
        aht: rule.aht ?? 'aht_seconds',
        agents: rule.agents ?? 'agents_available',
        ...(hasServiceLevel ? { serviceLevel: slName } : {}),
        ...(rule.target !== undefined ? { target: rule.target } : {}),
        ...(rule.answerWithin !== undefined ? { answerWithinMs: ms(rule.answerWithin, '20s') } : {}),
        trend: rule.trend ?? true,
        model: rule.model ?? 'erlang-a',
        ...(rule.patience !== undefined ? { patienceMs: ms(rule.patience, '3m') } : {}),
        ...(rule.plannedAht !== undefined ? { plannedAhtMs: ms(rule.plannedAht, '5m') } : {}),
        ...(rule.minSamples !== undefined ? { minSamples: rule.minSamples } : {}),
      };
    }
    case 'watermelon':
      return {
        ...common,
        type: 'watermelon',
        window: rule.window!,
        journey: rule.journey!.map((j) => ({
          indicator: j.indicator,
          ...(j.minSamples !== undefined ? { minSamples: j.minSamples } : {}),
        })),
        touchpoints: {
          pipeline: rule.touchpoints!.pipeline,
          window: rule.touchpoints!.window ?? rule.window!,
          indicators: [...rule.touchpoints!.indicators],
        },
      };
  }
}

function dedupe(issues: ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.path}\u0000${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
