/**
 * Silence rule: the pipeline (scope `pipeline`) or one key (scope `key`) stops producing values.
 * Time is processing time from the engine's scheduler: what matters is that nothing arrives now,
 * whatever the event time says. The usual interval is a running mean of the gaps between arrivals
 * (an EWMA with α = 0.2 once 5 gaps are known), and a scope is silent once
 *   now − lastSeen > max(minSilence, usual × factor).
 * Nothing is judged before 3 gaps are known. Live gauges (window `live`) do not count: they tick
 * on a timer whether or not data flows. A key silent for longer than the pipeline's keyIdleEvict
 * is forgotten (its alert resolves): keys come and go, the state must stay bounded.
 */
import type { PipelineDefinition, SilenceAlertRule } from '../../config/pipeline-definition.js';
import type { IndicatorValue } from '../../windows/indicator-value.js';
import { describeKey, formatValue, type RuleEvaluator, type RuleVerdict } from './rule-evaluator.js';

const MIN_GAPS = 3;
const ALPHA = 0.2;
const RUNNING_MEAN_GAPS = 5;

interface ScopeState {
  key: Readonly<Record<string, string>>;
  lastSeen: number;
  gaps: number;
  usualGapMs: number;
}

export function silenceRule(pipeline: PipelineDefinition, rule: SilenceAlertRule): RuleEvaluator {
  const scopes = new Map<string, ScopeState>();
  const verdictOf = (id: string, state: ScopeState, verdict: 'bad' | 'ok', now: number): RuleVerdict => {
    const silentMs = now - state.lastSeen;
    const limit = Math.max(rule.minSilenceMs, state.usualGapMs * rule.factor);
    const what =
      rule.scope === 'pipeline'
        ? `pipeline ${pipeline.name}`
        : `${describeKey(state.key)} in ${pipeline.name}`;
    return {
      verdict,
      keyId: id,
      key: state.key,
      indicator: '*',
      window: '*',
      value: silentMs / 1000,
      threshold: limit / 1000,
      annotations: {
        summary: rule.summary ?? `no values from ${what} for ${formatValue(silentMs / 1000)} s`,
        description: `Values usually arrive every ${formatValue(state.usualGapMs / 1000)} s; silent for more than ${formatValue(rule.factor)} × that (at least ${formatValue(rule.minSilenceMs / 1000)} s) fires.`,
        silent_seconds: formatValue(silentMs / 1000),
        usual_interval_seconds: formatValue(state.usualGapMs / 1000),
      },
    };
  };

  return {
    pipeline,
    rule,
    checkEveryMs: rule.checkEveryMs,
    observe(values: readonly IndicatorValue[], now: number) {
      const seen = new Map<string, Readonly<Record<string, string>>>();
      for (const v of values) {
        if (v.pipeline !== pipeline.name || v.window === 'live') continue;
        if (rule.scope === 'pipeline') {
          seen.set('', {});
          break;
        }
        seen.set(v.keyId, v.key);
      }
      const out: RuleVerdict[] = [];
      for (const [id, key] of seen) {
        const state = scopes.get(id);
        if (!state) {
          if (rule.scope === 'key' && scopes.size >= pipeline.maxKeys) continue;
          scopes.set(id, { key, lastSeen: now, gaps: 0, usualGapMs: 0 });
          continue;
        }
        const gap = now - state.lastSeen;
        // Values of one batch arrive together: a zero gap says nothing about the usual interval.
        if (gap <= 0) continue;
        state.gaps++;
        const a = state.gaps <= RUNNING_MEAN_GAPS ? 1 / state.gaps : ALPHA;
        state.usualGapMs += a * (gap - state.usualGapMs);
        state.lastSeen = now;
        if (state.gaps >= MIN_GAPS) out.push(verdictOf(id, state, 'ok', now));
      }
      return out;
    },
    check(now: number) {
      const out: RuleVerdict[] = [];
      for (const [id, state] of scopes) {
        if (state.gaps < MIN_GAPS) continue;
        const silentMs = now - state.lastSeen;
        if (rule.scope === 'key' && silentMs > pipeline.keyIdleEvictMs) {
          scopes.delete(id);
          out.push(verdictOf(id, state, 'ok', now));
          continue;
        }
        if (silentMs > Math.max(rule.minSilenceMs, state.usualGapMs * rule.factor)) {
          out.push(verdictOf(id, state, 'bad', now));
        }
      }
      return out;
    },
  };
}
