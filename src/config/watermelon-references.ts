/**
 * What one pipeline file cannot check alone: a watermelon rule's `touchpoints` name another
 * pipeline. Run by loadPipelines once every file is valid on its own; each issue names the rule's
 * file, line and field.
 */
import { parseLocatedYaml, type ConfigIssue, type PathSegment } from './located-yaml.js';
import { fieldPath } from './located-yaml.js';
import type { PipelineDefinition } from './pipeline-definition.js';

export function watermelonReferenceIssues(
  pipelines: readonly PipelineDefinition[],
  textOf: (file: string) => string,
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const byName = new Map(pipelines.map((p) => [p.name, p]));
  for (const pipeline of pipelines) {
    const rules = pipeline.alerts ?? [];
    rules.forEach((rule, i) => {
      if (rule.type !== 'watermelon') return;
      const file = pipeline.file ?? pipeline.name;
      const at = (path: PathSegment[], message: string) => {
        const full: PathSegment[] = ['alerts', i, 'touchpoints', ...path];
        issues.push({
          file,
          position: parseLocatedYaml(textOf(file), file).positionOf(full),
          path: fieldPath(full),
          message,
        });
      };
      const other = byName.get(rule.touchpoints.pipeline);
      if (other === undefined) {
        at(['pipeline'], `no pipeline named "${rule.touchpoints.pipeline}" is loaded`);
        return;
      }
      if (!other.keyBy.includes('journey') || other.keyBy.length < 2) {
        at(
          ['pipeline'],
          `"${other.name}" must be keyed by journey and a touchpoint dimension, its keyBy is [${other.keyBy.join(', ')}]`,
        );
      }
      const mine = pipeline.windows.find((w) => w.name === rule.window);
      const theirs = other.windows.find((w) => w.name === rule.touchpoints.window);
      if (theirs === undefined) {
        at(
          ['window'],
          `"${other.name}" has no window named "${rule.touchpoints.window}" (windows: ${other.windows.map((w) => w.name).join(', ')})`,
        );
      } else if (mine && (mine.sizeMs !== theirs.sizeMs || mine.hopMs !== theirs.hopMs)) {
        at(['window'], `must have the size and hop of window "${rule.window}" so their windows end together`);
      }
      rule.touchpoints.indicators.forEach((name, n) => {
        const def = other.indicators.find((d) => d.name === name);
        if (def === undefined)
          at(['indicators', n], `no indicator named "${name}" in pipeline "${other.name}"`);
        else if (!def.target && Object.keys(def.targetsByKey).length === 0) {
          at(['indicators', n], `indicator "${name}" of "${other.name}" has no target`);
        }
      });
    });
  }
  return issues;
}

/**
 * What the schema cannot say about one watermelon rule within its own file: the pipeline is keyed
 * by journey, and each journey-level indicator exists here with a target.
 */
export function watermelonRuleIssues(
  rule: Record<string, unknown>,
  indicators: ReadonlyMap<string, Record<string, unknown>>,
  keyBy: ReadonlySet<string>,
  path: (...rest: PathSegment[]) => PathSegment[],
  at: (path: PathSegment[], message: string, target?: 'key' | 'value') => void,
): void {
  if (!keyBy.has('journey')) at(path('type'), 'a watermelon rule needs journey in keyBy');
  if (!Array.isArray(rule.journey)) return;
  rule.journey.forEach((entry: unknown, j) => {
    if (entry === null || typeof entry !== 'object') return;
    const name = (entry as Record<string, unknown>).indicator;
    if (typeof name !== 'string') return;
    const found = indicators.get(name);
    if (found === undefined)
      at(path('journey', j, 'indicator'), `no indicator named "${name}" in this pipeline`);
    else if (!found.target && !found.targetsByKey) {
      at(path('journey', j, 'indicator'), `indicator "${name}" has no target`);
    }
  });
}
