/**
 * ajv's errors rewritten for a person editing a YAML file: one line per problem, naming the field
 * and saying what is wanted and what was found (`must be one of a, b, c, got "x" (did you mean "b"?)`).
 */
import type { ErrorObject } from 'ajv';
import { DURATION_PATTERN } from './duration.js';
import { fieldPath, pointerSegments } from './located-yaml.js';
import type { ConfigIssue, PathSegment } from './located-yaml.js';

/** Where a path's value came from: a file position or an environment variable. */
export type Locate = (
  path: readonly PathSegment[],
  target: 'key' | 'value',
) => Omit<ConfigIssue, 'path' | 'message'>;

export interface IssueOptions {
  /** Human descriptions of schema patterns, keyed by the pattern source. */
  patternHints?: Record<string, string>;
}

const DEFAULT_PATTERN_HINTS: Record<string, string> = {
  [DURATION_PATTERN]: 'must be a duration such as 500ms, 30s, 5m, 1h or 1d',
};

export function issuesFromAjv(
  errors: readonly ErrorObject[],
  data: unknown,
  locate: Locate,
  options: IssueOptions = {},
): ConfigIssue[] {
  const hints = { ...DEFAULT_PATTERN_HINTS, ...options.patternHints };
  const issues: ConfigIssue[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    // Errors about a property name (propertyNames) are reported at the key, not at the object.
    const propertyName = (error as { propertyName?: string }).propertyName;
    let segments = pointerSegments(error.instancePath, data);
    let target: 'key' | 'value' = 'value';
    let message: string;
    const value = error.data;
    switch (error.keyword) {
      case 'additionalProperties': {
        const key = (error.params as { additionalProperty: string }).additionalProperty;
        segments = [...segments, key];
        target = 'key';
        const known = Object.keys(
          (error.parentSchema as { properties?: object } | undefined)?.properties ?? {},
        );
        message = `unknown key${suggestion(key, known)}`;
        break;
      }
      case 'required': {
        segments = [...segments, (error.params as { missingProperty: string }).missingProperty];
        message = 'is required';
        break;
      }
      case 'type': {
        const wanted = String((error.params as { type: string | string[] }).type)
          .split(',')
          .map(typeName);
        const pattern = (error.parentSchema as { pattern?: string } | undefined)?.pattern;
        // A bare number where a duration is wanted is the common slip: say which unit is missing.
        message =
          pattern === DURATION_PATTERN && typeof value !== 'object'
            ? `${hints[pattern]}, got ${describe(value)}`
            : `must be ${wanted.join(' or ')}, got ${describe(value)}`;
        break;
      }
      case 'enum': {
        const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.map(String);
        message = `must be one of ${allowed.join(', ')}, got ${describe(value)}${suggestion(value, allowed)}`;
        break;
      }
      case 'pattern': {
        const pattern = (error.params as { pattern: string }).pattern;
        const hint = hints[pattern] ?? `must match /${pattern}/`;
        message = `${hint}, got ${describe(propertyName ?? value)}`;
        break;
      }
      case 'minItems': {
        const limit = (error.params as { limit: number }).limit;
        message = limit === 1 ? 'must not be empty' : `must have at least ${limit} items`;
        break;
      }
      case 'uniqueItems': {
        const { i } = error.params as { i: number };
        const item = Array.isArray(value) ? value[i] : undefined;
        message = `must not contain duplicates, ${describe(item)} appears more than once`;
        break;
      }
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum':
      case 'exclusiveMaximum':
        message = `${error.message ?? 'is out of range'}, got ${describe(value)}`;
        break;
      case 'propertyNames':
        // ajv reports the failing name's own error (e.g. its pattern) first; this one adds nothing.
        continue;
      default:
        message = error.message ?? 'is invalid';
    }
    if (propertyName !== undefined) {
      segments = [...segments, propertyName];
      target = 'key';
    }
    const issue: ConfigIssue = { ...locate(segments, target), path: fieldPath(segments), message };
    const dedupe = `${issue.path}\u0000${issue.message}`;
    if (!seen.has(dedupe)) {
      seen.add(dedupe);
      issues.push(issue);
    }
  }
  return issues;
}

/** A short, quoted rendering of a value for messages. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function typeName(type: string): string {
  switch (type) {
    case 'object':
      return 'a mapping';
    case 'array':
      return 'a list';
    case 'integer':
      return 'an integer';
    case 'boolean':
      return 'true or false';
    case 'null':
      return 'null';
    default:
      return `a ${type}`;
  }
}

/** ` (did you mean "x"?)` when one of the candidates is a plausible typo of the value, else ''. */
export function suggestion(value: unknown, candidates: readonly string[]): string {
  if (typeof value !== 'string' || value === '') return '';
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(value.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  const tolerance = Math.max(1, Math.floor(value.length / 3));
  return best !== undefined && bestDistance <= tolerance ? ` (did you mean "${best}"?)` : '';
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}
