/**
 * A rule evaluator turns indicator values (and, for silence rules, the passing of time) into one
 * verdict per key: `bad` (the condition holds), `ok` (it is clearly over) or `hold` (neither: the
 * value sits between the firing and the resolve threshold). The engine (alert-engine.ts) counts
 * verdicts into the lifecycle; evaluators hold only what their rule needs to judge one value.
 */
import type {
  AlertRuleDefinition,
  IndicatorDefinition,
  PipelineDefinition,
  TargetDefinition,
} from '../../config/pipeline-definition.js';
import type { IndicatorValue } from '../../windows/indicator-value.js';

export type Verdict = 'bad' | 'ok' | 'hold';

export interface RuleVerdict {
  verdict: Verdict;
  keyId: string;
  key: Readonly<Record<string, string>>;
  indicator: string;
  window: string;
  value: number | null;
  threshold?: number;
  /** At least `summary` and `description`; shown to people and sent to notifiers. */
  annotations: Record<string, string>;
  /** The staffing rule's model inputs and prediction, unrounded (channel diversion reuses them). */
  staffing?: StaffingPrediction;
}

/** What the staffing rule (erlang-c-rule.ts) predicted for one key and window, and from what. */
export interface StaffingPrediction {
  model: 'erlang-a' | 'erlang-c';
  windowEnd: number;
  /** The rate the prediction is for (the measured one, or its extrapolated rise with `trend`). */
  arrivalRatePerSecond: number;
  ahtSeconds: number;
  /** Agents logged in (idle + busy). */
  agents: number;
  /** Mean patience (Erlang A); Infinity for Erlang C. */
  patienceSeconds: number;
  answerWithinSeconds: number;
  shortAbandonSeconds: number;
  /** Service level to keep (0..1). */
  target: number;
  /** Predicted service level at the inputs above. */
  serviceLevel: number;
}

export interface RuleEvaluator {
  readonly pipeline: PipelineDefinition;
  readonly rule: AlertRuleDefinition;
  /** Values of any pipeline may arrive; an evaluator ignores what is not its own. */
  observe(values: readonly IndicatorValue[], now: number): RuleVerdict[];
  /** Time-driven rules (silence) judge on every check; others have none. */
  check?(now: number): RuleVerdict[];
  /** How often `check` wants to run. */
  readonly checkEveryMs?: number;
}

/** The indicator's target for a key: the most specific `targetsByKey` entry that matches, else the default. */
export function targetForKey(
  def: IndicatorDefinition | undefined,
  key: Readonly<Record<string, string>>,
): TargetDefinition | undefined {
  if (!def) return undefined;
  let best: TargetDefinition | undefined;
  let bestParts = 0;
  for (const [spec, target] of Object.entries(def.targetsByKey)) {
    const parts = spec.split(',').map((pair) => {
      const at = pair.indexOf('=');
      return [pair.slice(0, at).trim(), pair.slice(at + 1).trim()] as const;
    });
    if (parts.length > bestParts && parts.every(([dim, value]) => key[dim] === value)) {
      best = target;
      bestParts = parts.length;
    }
  }
  return best ?? def.target;
}

/** `queue=billing/voice,channel=voice`-like text for messages; `all` for the global key. */
export function describeKey(key: Readonly<Record<string, string>>): string {
  const parts = Object.entries(key).map(([dim, value]) => `${dim}=${value}`);
  return parts.length > 0 ? parts.join(',') : 'all';
}

/** Three significant digits, no exponent for everyday magnitudes. */
export function formatValue(value: number | null | undefined): string {
  if (value === null || value === undefined) return 'n/a';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞';
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1000) return String(Math.round(value));
  return String(Number(value.toPrecision(3)));
}

/**
 * Keeps the newest window end seen per key, so a value delivered twice (at-least-once delivery,
 * a replay) or out of order is not counted twice towards `for` or `resolve.after`.
 */
export class WindowEndGuard {
  private readonly lastEnd = new Map<string, number>();

  isNew(keyId: string, windowEnd: number): boolean {
    const last = this.lastEnd.get(keyId);
    if (last !== undefined && windowEnd <= last) return false;
    this.lastEnd.set(keyId, windowEnd);
    return true;
  }
}

/** Observations behind a value: a ratio's denominator, else the sample count; undefined when neither is known. */
export function observationsOf(v: IndicatorValue): number | undefined {
  return v.denominator ?? v.samples;
}

/**
 * The values a single-indicator rule judges: final, numeric values of its pipeline, indicator and
 * window, each window once per key (a replayed or corrected window does not count twice). With
 * `minSamples`, a window resting on fewer observations is skipped (no verdict): two failures in
 * twelve attempts are 17 %, and say nothing. A value that carries no count is never skipped.
 */
export function* newFinalValues(
  values: readonly IndicatorValue[],
  pipeline: string,
  rule: { indicator: string; window: string; minSamples?: number },
  guard: WindowEndGuard,
): Generator<IndicatorValue & { value: number }> {
  for (const v of values) {
    if (v.pipeline !== pipeline || v.indicator !== rule.indicator || v.window !== rule.window) continue;
    if (v.kind !== 'final' || v.value === null || !Number.isFinite(v.value)) continue;
    if (rule.minSamples !== undefined) {
      const n = observationsOf(v);
      if (n !== undefined && n < rule.minSamples) continue;
    }
    if (!guard.isNew(v.keyId, v.windowEnd)) continue;
    yield v as IndicatorValue & { value: number };
  }
}
