/**
 * Threshold rule: a final window's value above or below a fixed value, or in breach of the
 * indicator's target for the key. Hysteresis comes from a separate resolve threshold (`resolve.at`,
 * `warn` for the target's warn level): between the two the verdict is `hold`, which neither starts
 * nor ends an alert. Early firings and corrections are ignored: an early value is provisional, and
 * a correction would count one window twice.
 */
import type { PipelineDefinition, ThresholdAlertRule } from '../../config/pipeline-definition.js';
import type { IndicatorValue } from '../../windows/indicator-value.js';
import {
  WindowEndGuard,
  newFinalValues,
  describeKey,
  formatValue,
  targetForKey,
  type RuleEvaluator,
  type RuleVerdict,
} from './rule-evaluator.js';

interface Limits {
  /** True when lower values are worse (fires below). */
  lowIsBad: boolean;
  fireAt: number;
  resolveAt: number;
  /** Whether reaching `fireAt` exactly already fires (targets: breach is inclusive). */
  inclusive: boolean;
  source: string;
}

export function thresholdRule(pipeline: PipelineDefinition, rule: ThresholdAlertRule): RuleEvaluator {
  const def = pipeline.indicators.find((d) => d.name === rule.indicator);
  const guard = new WindowEndGuard();

  const limitsFor = (v: IndicatorValue): Limits | undefined => {
    const condition = rule.condition;
    if (condition.kind !== 'target') {
      const resolveAt = typeof rule.resolveAt === 'number' ? rule.resolveAt : condition.value;
      return {
        lowIsBad: condition.kind === 'below',
        fireAt: condition.value,
        resolveAt,
        inclusive: false,
        source: `${condition.kind} ${formatValue(condition.value)}`,
      };
    }
    const target = targetForKey(def, v.key);
    if (!target) return undefined;
    return {
      lowIsBad: target.direction === 'higher-is-better',
      fireAt: target.breach,
      resolveAt: rule.resolveAt === 'warn' ? target.warn : target.breach,
      inclusive: true,
      source: `target breach ${formatValue(target.breach)}`,
    };
  };

  return {
    pipeline,
    rule,
    observe(values) {
      const out: RuleVerdict[] = [];
      for (const v of newFinalValues(values, pipeline.name, rule, guard)) {
        const limits = limitsFor(v);
        if (!limits) continue;
        const value = v.value;
        const { lowIsBad, fireAt, resolveAt, inclusive } = limits;
        const bad = lowIsBad
          ? inclusive
            ? value <= fireAt
            : value < fireAt
          : inclusive
            ? value >= fireAt
            : value > fireAt;
        // Good means clearly past the resolve threshold; with no separate one, simply not bad.
        const ok = resolveAt === fireAt ? !bad : lowIsBad ? value > resolveAt : value < resolveAt;
        const where = `${describeKey(v.key)} (${v.window})`;
        const summary =
          rule.summary ??
          `${rule.indicator} ${formatValue(value)} on ${where}, ${lowIsBad ? 'below' : 'above'} ${limits.source}`;
        out.push({
          verdict: bad ? 'bad' : ok ? 'ok' : 'hold',
          keyId: v.keyId,
          key: v.key,
          indicator: v.indicator,
          window: v.window,
          value,
          threshold: fireAt,
          annotations: {
            summary,
            description: `${rule.indicator} was ${formatValue(value)} in the window ending ${new Date(v.windowEnd).toISOString()}; fires at ${lowIsBad ? '≤' : '≥'} ${formatValue(fireAt)} for ${rule.forCount} final window(s), resolves past ${formatValue(resolveAt)} for ${rule.resolveAfter}.`,
            value: formatValue(value),
            threshold: formatValue(fireAt),
            resolve_threshold: formatValue(resolveAt),
          },
        });
      }
      return out;
    },
  };
}
