/**
 * Erlang C prediction rule, per queue key: from the live arrival rate, AHT and agents, predict the
 * service level and ASA over the next `horizon` and fire before the measured service level breaches,
 * with the number of extra agents needed (src/alerts/erlang-c.ts).
 *
 *   λ      = contacts_offered / covered span of the window (the window size, except in the first
 *            windows after the rule started, which hold less than a window of data)
 *   λ_pred = max(λ, λ + slope · horizon) with `trend`, the slope against the window that ended one
 *            window size earlier (no overlap): a rising rate is extrapolated, a falling one is not
 *            trusted to help
 *   AHT    = aht_seconds of the same window (the last known one when the window had none)
 *   N      = round(mean idle + λ · AHT)   agents logged in: the idle ones (the live agents_available
 *            gauge, averaged over the same window) plus the busy ones, which by Little's law
 *            number λ·AHT on average over that window
 *   SL, ASA = Erlang C at (λ_pred, AHT, N); `bad` when SL < target
 *   extra  = agentsNeeded(λ_pred, AHT, answerWithin, target) − N
 *
 * Little's law holds for averages: mixing the window's mean λ·AHT with one instant of the idle
 * gauge undercounts agents whenever that instant happens to have nobody idle, which at the usual
 * square-root staffing is about half the time (Erlang C's own probability of waiting).
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
  /** Arrival rate per final window end, the last `size / hop + 1` of them (for the trend). */
  rates: Map<number, number>;
  /** Latest sample of the idle-agents gauge. */
  agents?: number;
  /** Idle-agents gauge samples summed per hop-long bucket (index = floor(ts / hop)). */
  agentBuckets: Map<number, { sum: number; n: number }>;
}

export function erlangCRule(pipeline: PipelineDefinition, rule: ErlangCAlertRule): RuleEvaluator {
  const windowDef = pipeline.windows.find((w) => w.name === rule.window);
  const sizeMs = windowDef?.sizeMs ?? 60_000;
  const hopMs = windowDef?.hopMs ?? sizeMs;
  const windowsPerSize = Math.max(1, Math.round(sizeMs / hopMs));
  /** Where the data began: a window ending before `start + size` holds less than its size. */
  let start: number | undefined;
  const slDef = pipeline.indicators.find((d) => d.name === (rule.serviceLevel ?? 'service_level'));
  const keys = new Map<string, KeyState>();
  const guard = new WindowEndGuard();

  const stateOf = (keyId: string): KeyState | undefined => {
    let state = keys.get(keyId);
    if (!state) {
      if (keys.size >= pipeline.maxKeys) return undefined;
      state = { pending: new Map(), rates: new Map(), agentBuckets: new Map() };
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
            if (state) addAgentSample(state, v.windowEnd, v.value);
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
        // The first final of the rule ends one hop after the data began (to the hop).
        start ??= windowEnd - hopMs;
        const coveredMs = Math.min(sizeMs, Math.max(hopMs, windowEnd - start));
        const rate = entry.offered! / (coveredMs / 1000);
        const previous = rateBefore(state, windowEnd);
        state.rates.set(windowEnd, rate);
        for (const end of state.rates.keys()) if (end < windowEnd - sizeMs) state.rates.delete(end);
        const aht = state.lastAht;
        const idle = meanIdle(state, windowEnd);
        if (aht === undefined || idle === undefined) continue;
        const verdict = predict(key, keyId, windowEnd, rate, previous, aht, idle);
        if (verdict) out.push(verdict);
      }
      return out;
    },
  };

  function addAgentSample(state: KeyState, ts: number, idle: number): void {
    state.agents = idle;
    const index = Math.floor(ts / hopMs);
    const bucket = state.agentBuckets.get(index);
    if (bucket) {
      bucket.sum += idle;
      bucket.n++;
    } else {
      state.agentBuckets.set(index, { sum: idle, n: 1 });
      // Keep one window of buckets and one spare hop: finals arrive after the lateness.
      for (const i of state.agentBuckets.keys())
        if (i < index - windowsPerSize - 1) state.agentBuckets.delete(i);
    }
  }

  /** Mean of the idle gauge over [windowEnd − size, windowEnd); the latest sample when none fell in it. */
  function meanIdle(state: KeyState, windowEnd: number): number | undefined {
    const last = Math.floor(windowEnd / hopMs) - 1;
    let sum = 0;
    let n = 0;
    for (let i = last - windowsPerSize + 1; i <= last; i++) {
      const bucket = state.agentBuckets.get(i);
      if (bucket) {
        sum += bucket.sum;
        n += bucket.n;
      }
    }
    return n > 0 ? sum / n : state.agents;
  }

  /** The rate of the window that ended one window size before `windowEnd` (no shared data), if known. */
  function rateBefore(state: KeyState, windowEnd: number): { windowEnd: number; rate: number } | undefined {
    const end = windowEnd - sizeMs;
    const rate = state.rates.get(end);
    return rate === undefined ? undefined : { windowEnd: end, rate };
  }

  function predict(
    key: Readonly<Record<string, string>>,
    keyId: string,
    windowEnd: number,
    rate: number,
    previous: { windowEnd: number; rate: number } | undefined,
    aht: number,
    idle: number,
  ): RuleVerdict | undefined {
    let predictedRate = rate;
    if (rule.trend && previous && windowEnd > previous.windowEnd) {
      const slopePerMs = (rate - previous.rate) / (windowEnd - previous.windowEnd);
      predictedRate = Math.max(rate, rate + slopePerMs * rule.horizonMs);
    }
    const agents = Math.max(1, Math.round(idle + rate * aht));
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
