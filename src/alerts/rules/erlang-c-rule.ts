/**
 * Erlang C prediction rule, per queue key: from the live arrival rate, AHT and agents, predict the
 * service level and ASA over the next `horizon` and fire before the measured service level breaches,
 * with the number of extra agents needed (src/alerts/erlang-c.ts).
 *
 *   λ      = contacts_offered / window size            (final value of the rule's window)
 *   λ_pred = max(λ, λ + slope · horizon) with `trend`, the slope from the previous final window:
 *            a rising rate is extrapolated, a falling one is not trusted to help
 *   AHT    = aht_seconds of the same window (the last known one when the window had none)
 *   N      = round(agents_available + λ · AHT)           agents logged in: the idle ones (the live
 *            gauge) plus the busy ones, which by Little's law number λ·AHT in steady state
 *   SL, ASA = Erlang C at (λ_pred, AHT, N); `bad` when SL < target
 *   extra  = agentsNeeded(λ_pred, AHT, answerWithin, target) − N
 *
 * Target and answer-within default to the pipeline's service_level indicator: its breach target for
 * the key, and its `thresholdsByQueue[queue]` or `serviceLevelThresholdMs` parameter.
 */
import type { ErlangCAlertRule, PipelineDefinition } from '../../config/pipeline-definition.js';
import { agentsNeeded, averageSpeedOfAnswer, serviceLevel } from '../erlang-c.js';
import {
  WindowEndGuard,
  describeKey,
  formatValue,
  targetForKey,
  type RuleEvaluator,
  type RuleVerdict,
} from './rule-evaluator.js';

const DEFAULT_ANSWER_WITHIN_MS = 20_000;
const DEFAULT_TARGET = 0.8;
/** Window ends kept while waiting for the other input of the same window. */
const MAX_PENDING_WINDOWS = 4;

interface KeyState {
  pending: Map<number, { offered?: number; aht?: number | null }>;
  lastAht?: number;
  previous?: { windowEnd: number; rate: number };
  agents?: number;
}

export function erlangCRule(pipeline: PipelineDefinition, rule: ErlangCAlertRule): RuleEvaluator {
  const windowDef = pipeline.windows.find((w) => w.name === rule.window);
  const windowSeconds = (windowDef?.sizeMs ?? 60_000) / 1000;
  const slDef = pipeline.indicators.find((d) => d.name === (rule.serviceLevel ?? 'service_level'));
  const keys = new Map<string, KeyState>();
  const guard = new WindowEndGuard();

  const stateOf = (keyId: string): KeyState | undefined => {
    let state = keys.get(keyId);
    if (!state) {
      if (keys.size >= pipeline.maxKeys) return undefined;
      state = { pending: new Map() };
      keys.set(keyId, state);
    }
    return state;
  };

  const targetFor = (key: Readonly<Record<string, string>>): number => {
    if (rule.target !== undefined) return rule.target;
    const target = targetForKey(slDef, key);
    return target && target.direction === 'higher-is-better' ? target.breach : DEFAULT_TARGET;
  };

  const answerWithinFor = (key: Readonly<Record<string, string>>): number => {
    if (rule.answerWithinMs !== undefined) return rule.answerWithinMs;
    const byQueue = slDef?.params.thresholdsByQueue;
    const queue = key.queue;
    if (queue !== undefined && typeof byQueue === 'object' && typeof byQueue[queue] === 'number') {
      return byQueue[queue];
    }
    const base = slDef?.params.serviceLevelThresholdMs;
    return typeof base === 'number' ? base : DEFAULT_ANSWER_WITHIN_MS;
  };

  return {
    pipeline,
    rule,
    observe(values) {
      const ready: Array<{ keyId: string; key: Readonly<Record<string, string>>; windowEnd: number }> = [];
      for (const v of values) {
        if (v.pipeline !== pipeline.name) continue;
        if (v.indicator === rule.agents) {
          if (v.value !== null && Number.isFinite(v.value)) {
            const state = stateOf(v.keyId);
            if (state) state.agents = v.value;
          }
          continue;
        }
        if (v.window !== rule.window || v.kind !== 'final') continue;
        const isArrivals = v.indicator === rule.arrivals;
        if (!isArrivals && v.indicator !== rule.aht) continue;
        const state = stateOf(v.keyId);
        if (!state) continue;
        const entry = state.pending.get(v.windowEnd) ?? {};
        if (isArrivals) entry.offered = v.value ?? 0;
        else entry.aht = v.value;
        state.pending.set(v.windowEnd, entry);
        if (entry.offered !== undefined && entry.aht !== undefined) {
          ready.push({ keyId: v.keyId, key: v.key, windowEnd: v.windowEnd });
        }
        if (state.pending.size > MAX_PENDING_WINDOWS) {
          state.pending.delete(Math.min(...state.pending.keys()));
        }
      }

      const out: RuleVerdict[] = [];
      for (const { keyId, key, windowEnd } of ready) {
        const state = keys.get(keyId)!;
        const entry = state.pending.get(windowEnd);
        if (!entry) continue;
        for (const end of state.pending.keys()) if (end <= windowEnd) state.pending.delete(end);
        if (!guard.isNew(keyId, windowEnd)) continue;
        if (typeof entry.aht === 'number' && entry.aht > 0) state.lastAht = entry.aht;
        const rate = entry.offered! / windowSeconds;
        const previous = state.previous;
        state.previous = { windowEnd, rate };
        const aht = state.lastAht;
        if (aht === undefined || state.agents === undefined) continue;
        const verdict = predict(key, keyId, windowEnd, rate, previous, aht, state.agents);
        if (verdict) out.push(verdict);
      }
      return out;
    },
  };

  function predict(
    key: Readonly<Record<string, string>>,
    keyId: string,
    windowEnd: number,
    rate: number,
    previous: KeyState['previous'],
    aht: number,
    available: number,
  ): RuleVerdict | undefined {
    let predictedRate = rate;
    if (rule.trend && previous && windowEnd > previous.windowEnd) {
      const slopePerMs = (rate - previous.rate) / (windowEnd - previous.windowEnd);
      predictedRate = Math.max(rate, rate + slopePerMs * rule.horizonMs);
    }
    const agents = Math.max(1, Math.round(available + rate * aht));
    const target = targetFor(key);
    const withinMs = answerWithinFor(key);
    const input = { arrivalRatePerSecond: predictedRate, ahtSeconds: aht, agents };
    const predictedSl = serviceLevel(input, withinMs / 1000);
    const predictedAsa = averageSpeedOfAnswer(input);
    let needed: number | undefined;
    try {
      needed = agentsNeeded(predictedRate, aht, withinMs / 1000, target);
    } catch {
      needed = undefined; // a target outside (0, 1) or a load beyond any staffing: no number to give
    }
    const extra = needed === undefined ? undefined : Math.max(0, needed - agents);
    const horizon = `${Math.round(rule.horizonMs / 60_000)} min`;
    const where = describeKey(key);
    const bad = predictedSl < target;
    return {
      verdict: bad ? 'bad' : 'ok',
      keyId,
      key,
      indicator: 'service_level',
      window: rule.window,
      value: predictedSl,
      threshold: target,
      annotations: {
        summary:
          rule.summary ??
          (bad
            ? `service level on ${where} predicted ${pct(predictedSl)} within ${horizon} (target ${pct(target)}): ${extra ?? '?'} more agent(s) needed`
            : `service level on ${where} predicted ${pct(predictedSl)} within ${horizon} (target ${pct(target)})`),
        description: `Erlang C with ${formatValue(predictedRate * 60)} contacts/min (now ${formatValue(rate * 60)}), AHT ${formatValue(aht)} s, ~${agents} agents logged in: service level ${pct(predictedSl)} within ${formatValue(withinMs / 1000)} s, ASA ${formatValue(predictedAsa)} s.`,
        predicted_service_level: formatValue(predictedSl),
        predicted_asa_seconds: formatValue(predictedAsa),
        target: formatValue(target),
        agents: String(agents),
        agents_needed: needed === undefined ? 'n/a' : String(needed),
        extra_agents: extra === undefined ? 'n/a' : String(extra),
        arrival_rate_per_minute: formatValue(predictedRate * 60),
        aht_seconds: formatValue(aht),
      },
    };
  }
}

function pct(share: number): string {
  return `${formatValue(share * 100)} %`;
}
