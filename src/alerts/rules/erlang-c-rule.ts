/**
 * Staffing prediction rule (`type: erlang-c`), per queue key: from the live arrival rate, AHT and
 * agents, predict the service level over the next `horizon` and fire before the measured service
 * level breaches, with the number of extra agents needed. `model: erlang-a` (default) counts callers
 * who hang up (src/alerts/erlang-a.ts); `model: erlang-c` does not (src/alerts/erlang-c.ts), and so
 * predicts breaches a centre whose callers abandon does not have.
 *
 *   λ      = contacts_offered / covered span of the window (the window size, except in the first
 *            windows after the rule started, which hold less than a window of data)
 *   λ_pred = max(λ, λ + slope · horizon) with `trend`, the slope against the window that ended one
 *            window size earlier (no overlap), and only when the rise is beyond Poisson noise
 *            (counts c₁ − c₀ ≥ 2·√(c₁ + c₀)): a rising rate is extrapolated, a falling one is not
 *            trusted to help, and a noisy one is not extrapolated 15 minutes ahead
 *   AHT    = aht_seconds of the same window (the last known one when the window had none)
 *            with `plannedAht`: (n₀·planned + n·AHT) / (n₀ + n), n the window's ended contacts
 *            (src/alerts/planned-aht.ts), and the plan alone until the data spans a window
 *   N      = round(mean idle + λ_served · AHT)   agents logged in: the idle ones (the live
 *            agents_available gauge, averaged over the same window) plus the busy ones, which by
 *            Little's law number λ_served·AHT on average; λ_served is the answered rate when the
 *            pipeline counts contacts_answered (under overload the offered rate would count agents
 *            who do not exist), else the offered rate
 *   θ      = 1 / patience (erlang-a): the rule's `patience`, else abandons ÷ time spent waiting, the
 *            latter the live contacts_in_queue gauge averaged over the window × its span, summed
 *            with an exponential memory of PATIENCE_MEMORY_MS and a prior of PRIOR_ABANDONS
 *            abandons at PRIOR_PATIENCE_S (so a quiet queue does not swing it)
 *   SL     = the model at (λ_pred, AHT, N[, θ]); `bad` when SL < target
 *   extra  = agents needed for the target at λ_pred − N
 * A window with fewer than `minSamples` offered contacts gets no verdict: no model is worth judging
 * on three calls.
 *
 * Little's law holds for averages: mixing the window's mean λ·AHT with one instant of the idle
 * gauge undercounts agents whenever that instant happens to have nobody idle, which at the usual
 * square-root staffing is about half the time (Erlang C's own probability of waiting).
 *
 * Target and answer-within default to the pipeline's service_level indicator: its breach target for
 * the key, and its `thresholdsByQueue[queue]` or `serviceLevelThresholdMs` parameter.
 */
import type { ErlangCAlertRule, PipelineDefinition } from '../../config/pipeline-definition.js';
import { agentsNeededErlangA, erlangA } from '../erlang-a.js';
import { blendedAht } from '../planned-aht.js';
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
/** Window ends kept while waiting for the other inputs of the same window. */
const MAX_PENDING_WINDOWS = 4;
/** How long abandons and waiting time are remembered for the patience estimate (e-folding time). */
const PATIENCE_MEMORY_MS = 2 * 3_600_000;
/** The prior: worth this many abandons at this mean patience, until data outweighs it. */
const PRIOR_ABANDONS = 10;
const PRIOR_PATIENCE_S = 180;
/**
 * Idle agents are averaged over this much of the latest data, not the whole window: one instant is
 * 0 whenever everyone is busy, a minute of samples is not, and a team sent to training shows in a
 * minute instead of a window (the 5-minute mean took five to forget the agents who had left).
 */
const IDLE_SPAN_MS = 60_000;
/** A rise in the arrival count is extrapolated only beyond this many Poisson standard deviations. */
const TREND_SIGNIFICANCE = 2;
/**
 * A breach must survive this many Poisson standard deviations of the window's counts: judged again
 * with fewer arrivals (offered − k·√offered) and more busy agents (answered + k·√answered). On
 * billing/voice at the demo's rate that is ±12 % and a team sent to training (−55 %) still fires;
 * on a queue with 20 calls in 5 minutes it is ±45 %, and the model's noise no longer pages.
 */
const EVIDENCE_SD = 2;
/** Window name of the live gauges (LIVE_WINDOW of src/windows/pipeline-indicators.ts). */
const LIVE_WINDOW = 'live';

interface WindowInputs {
  offered?: number;
  aht?: number | null;
  /** Ended contacts behind `aht`. */
  ahtSamples?: number;
  answered?: number;
  abandoned?: number;
}

interface KeyState {
  pending: Map<number, WindowInputs>;
  lastAht?: number;
  /** Ended contacts behind `lastAht`. */
  lastAhtSamples: number;
  /** Arrivals per final window end (count and covered seconds), the last `size / hop + 1` of them. */
  counts: Map<number, { offered: number; seconds: number }>;
  /** Latest sample of the idle-agents gauge. */
  agents?: number;
  /** Idle-agents gauge samples summed per hop-long bucket (index = floor(ts / hop)). */
  agentBuckets: Map<number, { sum: number; n: number }>;
  /** Queue-length gauge samples, bucketed the same way. */
  queueBuckets: Map<number, { sum: number; n: number }>;
  /** Busy agents (busy + wrap) from the live gauges, bucketed the same way. */
  busyBuckets: Map<number, { sum: number; n: number }>;
  /** The idle-agents sample waiting for the occupancy sample of the same tick. */
  idleAt?: { ts: number; value: number };
  /** Agents logged in at the last tick where somebody was idle (occupancy < 1 tells it). */
  loggedIn?: number;
  /** Time of the latest idle-agents gauge sample. */
  lastGaugeAt?: number;
  /** Decayed sums for the patience estimate: abandons and seconds spent waiting. */
  abandons: number;
  waitingSeconds: number;
}

export function erlangCRule(pipeline: PipelineDefinition, rule: ErlangCAlertRule): RuleEvaluator {
  const windowDef = pipeline.windows.find((w) => w.name === rule.window);
  const sizeMs = windowDef?.sizeMs ?? 60_000;
  const hopMs = windowDef?.hopMs ?? sizeMs;
  const windowsPerSize = Math.max(1, Math.round(sizeMs / hopMs));
  const idleHops = Math.max(1, Math.min(windowsPerSize, Math.round(IDLE_SPAN_MS / hopMs)));
  /** Each final adds its window's counts × hop/size, so every stretch of time counts once. */
  const shareOfWindow = Math.min(1, hopMs / sizeMs);
  const memoryDecay = Math.exp(-hopMs / PATIENCE_MEMORY_MS);
  /** Where the data began: a window ending before `start + size` holds less than its size. */
  let start: number | undefined;
  const slDef = pipeline.indicators.find((d) => d.name === (rule.serviceLevel ?? 'service_level'));
  const shortAbandonMs = slDef?.params.shortAbandonMs;
  const shortAbandonS = typeof shortAbandonMs === 'number' ? shortAbandonMs / 1000 : 0;
  const unfiltered = (id: string) =>
    pipeline.indicators.find((d) => d.id === id && d.filter === undefined)?.name;
  const answeredName = unfiltered('contacts_answered');
  const isErlangA = rule.model === 'erlang-a';
  const estimatesPatience = isErlangA && rule.patienceMs === undefined;
  const abandonedName = estimatesPatience ? unfiltered('contacts_abandoned') : undefined;
  const queuedName = estimatesPatience ? unfiltered('contacts_in_queue') : undefined;
  const occupancyName = unfiltered('occupancy');
  const plannedAhtS = rule.plannedAhtMs === undefined ? undefined : rule.plannedAhtMs / 1000;
  const keys = new Map<string, KeyState>();
  const guard = new WindowEndGuard();

  const stateOf = (keyId: string): KeyState | undefined => {
    let state = keys.get(keyId);
    if (!state) {
      if (keys.size >= pipeline.maxKeys) return undefined;
      state = {
        pending: new Map(),
        counts: new Map(),
        agentBuckets: new Map(),
        queueBuckets: new Map(),
        busyBuckets: new Map(),
        lastAhtSamples: 0,
        abandons: 0,
        waitingSeconds: 0,
      };
      keys.set(keyId, state);
    }
    return state;
  };

  const complete = (e: WindowInputs): boolean =>
    e.offered !== undefined &&
    e.aht !== undefined &&
    (answeredName === undefined || e.answered !== undefined) &&
    (abandonedName === undefined || e.abandoned !== undefined);
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
        if (v.window === LIVE_WINDOW && v.indicator === occupancyName) {
          const state = keys.get(v.keyId);
          if (state && v.value !== null && Number.isFinite(v.value))
            observeOccupancy(state, v.windowEnd, v.value);
          continue;
        }
        if (v.indicator === rule.agents || (queuedName !== undefined && v.indicator === queuedName)) {
          if (v.value !== null && Number.isFinite(v.value)) {
            const state = stateOf(v.keyId);
            if (!state) continue;
            if (v.indicator === rule.agents) {
              state.agents = v.value;
              state.idleAt = { ts: v.windowEnd, value: v.value };
              state.lastGaugeAt = v.windowEnd;
              addSample(state.agentBuckets, v.windowEnd, v.value);
            } else addSample(state.queueBuckets, v.windowEnd, v.value);
          }
          continue;
        }
        if (v.window !== rule.window || v.kind !== 'final') continue;
        const field =
          v.indicator === rule.arrivals
            ? 'offered'
            : v.indicator === rule.aht
              ? 'aht'
              : v.indicator === answeredName
                ? 'answered'
                : v.indicator === abandonedName
                  ? 'abandoned'
                  : undefined;
        if (field === undefined) continue;
        const state = stateOf(v.keyId);
        if (!state) continue;
        const entry = state.pending.get(v.windowEnd) ?? {};
        if (field === 'aht') {
          entry.aht = v.value;
          entry.ahtSamples = v.samples ?? v.denominator ?? 0;
        } else entry[field] = v.value ?? 0;
        state.pending.set(v.windowEnd, entry);
        if (complete(entry) && !ready.some((r) => r.keyId === v.keyId && r.windowEnd === v.windowEnd)) {
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
        if (typeof entry.aht === 'number' && entry.aht > 0) {
          state.lastAht = entry.aht;
          state.lastAhtSamples = entry.ahtSamples ?? 0;
        }
        // The first final of the rule ends one hop after the data began (to the hop).
        start ??= windowEnd - hopMs;
        const coveredS = Math.min(sizeMs, Math.max(hopMs, windowEnd - start)) / 1000;
        const offered = entry.offered!;
        const rate = offered / coveredS;
        const previous = state.counts.get(windowEnd - sizeMs);
        state.counts.set(windowEnd, { offered, seconds: coveredS });
        for (const end of state.counts.keys()) if (end < windowEnd - sizeMs) state.counts.delete(end);
        if (abandonedName !== undefined) {
          const meanQueue = meanOf(state.queueBuckets, windowEnd, windowsPerSize);
          state.abandons = state.abandons * memoryDecay + entry.abandoned! * shareOfWindow;
          state.waitingSeconds =
            state.waitingSeconds * memoryDecay + (meanQueue ?? 0) * coveredS * shareOfWindow;
        }
        let idle = meanOf(state.agentBuckets, windowEnd, idleHops) ?? state.agents;
        const served = answeredName === undefined ? offered : entry.answered!;
        const coldStart = windowEnd - start < sizeMs;
        let aht = plannedAhtS === undefined ? state.lastAht : plannedAhtOf(state, coldStart);
        /** Busy agents counted on the live gauges, when the model takes them from there. */
        let countedBusy: number | undefined;
        if (coldStart && served > 0 && state.lastGaugeAt !== undefined) {
          // Cold start: only the contacts that already ended have a handle time, and in the first
          // minutes those are the short ones (125 s three minutes in, against ~300 s), so the
          // model saw half the load. Busy agents ÷ answered rate (Little's law) counts the
          // contacts still in progress at their elapsed time, a lower bound of their handle time;
          // once the data spans a window the ended contacts are the unbiased sample again. Idle
          // and busy are read together from the latest minute of the gauges (the window's final
          // comes a lateness later), the same instant for both.
          const gaugeEnd = (Math.floor(state.lastGaugeAt / hopMs) + 1) * hopMs;
          const busy = meanOf(state.busyBuckets, gaugeEnd, idleHops);
          const idleNow = meanOf(state.agentBuckets, gaugeEnd, idleHops);
          const littleBound = busy === undefined ? undefined : busy / (served / coveredS);
          // With a plan, the agents are counted on the gauges even when the plan is above the
          // bound: answered × AHT counts the agents of the first minutes' burst of answers, when
          // every agent was free, and saw a team sent to training a minute late.
          if (
            littleBound !== undefined &&
            idleNow !== undefined &&
            (plannedAhtS !== undefined || littleBound > (aht ?? 0))
          ) {
            aht = Math.max(aht ?? 0, littleBound);
            idle = idleNow;
            countedBusy = busy;
          }
        }
        if (aht === undefined || aht <= 0 || idle === undefined) continue;
        if (rule.minSamples !== undefined && offered < rule.minSamples) continue;
        const predictedRate = projectedRate(rate, offered, coveredS, previous);
        // Busy agents from answered × AHT carry the answered count's Poisson noise; counted on the
        // gauges they carry none.
        const busyAgents = countedBusy ?? (served / coveredS) * aht;
        const busyAgentsHigh = countedBusy ?? ((served + EVIDENCE_SD * Math.sqrt(served)) / coveredS) * aht;
        const noise = {
          rateLow: Math.max(0, predictedRate - (EVIDENCE_SD * Math.sqrt(offered)) / coveredS),
          agentsHigh: Math.max(1, Math.round(idle + busyAgentsHigh)),
        };
        const agents = Math.max(1, Math.round(idle + busyAgents));
        out.push(predict(key, keyId, windowEnd, state, rate, predictedRate, agents, noise, aht));
      }
      return out;
    },
  };

  /**
   * Busy agents from the live gauges: with `a` idle and occupancy `o` = busy ÷ logged in, logged in
   * = a ÷ (1 − o); when nobody is idle (o = 1) every agent last seen logged in is busy.
   */
  function observeOccupancy(state: KeyState, ts: number, occupancy: number): void {
    const idle = state.idleAt;
    if (idle === undefined || idle.ts !== ts) return;
    if (occupancy < 1) state.loggedIn = idle.value / (1 - occupancy);
    if (state.loggedIn === undefined) return;
    addSample(state.busyBuckets, ts, Math.max(0, state.loggedIn - idle.value));
  }

  function addSample(buckets: Map<number, { sum: number; n: number }>, ts: number, value: number): void {
    const index = Math.floor(ts / hopMs);
    const bucket = buckets.get(index);
    if (bucket) {
      bucket.sum += value;
      bucket.n++;
    } else {
      buckets.set(index, { sum: value, n: 1 });
      // Keep one window of buckets and one spare hop: finals arrive after the lateness.
      for (const i of buckets.keys()) if (i < index - windowsPerSize - 1) buckets.delete(i);
    }
  }

  /** Mean of a gauge over the last `hops` hops before `windowEnd`; undefined when no sample fell in them. */
  function meanOf(
    buckets: Map<number, { sum: number; n: number }>,
    windowEnd: number,
    hops: number,
  ): number | undefined {
    const last = Math.floor(windowEnd / hopMs) - 1;
    let sum = 0;
    let n = 0;
    for (let i = last - hops + 1; i <= last; i++) {
      const bucket = buckets.get(i);
      if (bucket) {
        sum += bucket.sum;
        n += bucket.n;
      }
    }
    return n > 0 ? sum / n : undefined;
  }

  /** The rate over the horizon: the current one, or its significant rise extrapolated. */
  function projectedRate(
    rate: number,
    offered: number,
    coveredS: number,
    previous: { offered: number; seconds: number } | undefined,
  ): number {
    if (!rule.trend || previous === undefined) return rate;
    // Compare like with like: the earlier window's count scaled to this window's span.
    const before = (previous.offered * coveredS) / previous.seconds;
    const rise = offered - before;
    if (rise < TREND_SIGNIFICANCE * Math.sqrt(offered + before)) return rate;
    const slopePerMs = (rate - previous.offered / previous.seconds) / sizeMs;
    return Math.max(rate, rate + slopePerMs * rule.horizonMs);
  }

  /**
   * The plan blended with the measured AHT by the ended contacts behind it (src/alerts/planned-aht.ts).
   * Until the data spans a window the ended contacts are a censored sample (a contact that ended
   * within t seconds of the start lasted less than t), biased short however many there are: the
   * plan alone, which the busy-agent bound may still raise.
   */
  function plannedAhtOf(state: KeyState, coldStart: boolean): number {
    const planned = plannedAhtS!;
    return coldStart ? planned : blendedAht(planned, state.lastAht, state.lastAhtSamples);
  }

  function patienceSecondsOf(state: KeyState): number {
    if (rule.patienceMs !== undefined) return rule.patienceMs / 1000;
    const abandons = state.abandons + PRIOR_ABANDONS;
    const waiting = state.waitingSeconds + PRIOR_ABANDONS * PRIOR_PATIENCE_S;
    return waiting / abandons;
  }

  function predict(
    key: Readonly<Record<string, string>>,
    keyId: string,
    windowEnd: number,
    state: KeyState,
    rate: number,
    predictedRate: number,
    agents: number,
    noise: { rateLow: number; agentsHigh: number },
    aht: number,
  ): RuleVerdict {
    const target = targetFor(key);
    const withinS = answerWithinFor(key) / 1000;
    const patienceS = isErlangA ? patienceSecondsOf(state) : Infinity;
    const slAt = (arrivalRatePerSecond: number, n: number): number =>
      isErlangA
        ? erlangA(
            { arrivalRatePerSecond, ahtSeconds: aht, agents: n, patienceSeconds: patienceS },
            withinS,
            shortAbandonS,
          ).serviceLevel
        : serviceLevel({ arrivalRatePerSecond, ahtSeconds: aht, agents: n }, withinS);
    const predictedSl = slAt(predictedRate, agents);
    let predictedAsa: number | undefined;
    let predictedAbandon: number | undefined;
    if (isErlangA) {
      predictedAbandon = erlangA(
        { arrivalRatePerSecond: predictedRate, ahtSeconds: aht, agents, patienceSeconds: patienceS },
        withinS,
        shortAbandonS,
      ).probabilityOfAbandoning;
    } else {
      predictedAsa = averageSpeedOfAnswer({ arrivalRatePerSecond: predictedRate, ahtSeconds: aht, agents });
    }
    // The breach must hold at the favourable end of the counts' noise too (EVIDENCE_SD).
    const bad = predictedSl < target && slAt(noise.rateLow, noise.agentsHigh) < target;
    let needed: number | undefined;
    // Only an alert says how many agents it takes (a search over staffings: not for every window).
    if (bad) {
      try {
        needed = isErlangA
          ? agentsNeededErlangA(predictedRate, aht, patienceS, withinS, target, shortAbandonS)
          : agentsNeeded(predictedRate, aht, withinS, target);
      } catch {
        needed = undefined; // a target outside (0, 1) or a load beyond any staffing: no number to give
      }
    }
    const extra = needed === undefined ? undefined : Math.max(0, needed - agents);
    const horizon = `${Math.round(rule.horizonMs / 60_000)} min`;
    const where = describeKey(key);
    const model = isErlangA ? `Erlang A (mean patience ${formatValue(patienceS)} s)` : 'Erlang C';
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
        description:
          `${model} with ${formatValue(predictedRate * 60)} contacts/min (now ${formatValue(rate * 60)}), AHT ${formatValue(aht)} s, ~${agents} agents logged in: ` +
          `service level ${pct(predictedSl)} within ${formatValue(withinS)} s` +
          (predictedAsa !== undefined ? `, ASA ${formatValue(predictedAsa)} s.` : '') +
          (predictedAbandon !== undefined ? `, ${pct(predictedAbandon)} abandoning.` : ''),
        model: rule.model,
        predicted_service_level: formatValue(predictedSl),
        ...(predictedAsa !== undefined ? { predicted_asa_seconds: formatValue(predictedAsa) } : {}),
        ...(predictedAbandon !== undefined
          ? {
              predicted_abandonment: formatValue(predictedAbandon),
              patience_seconds: formatValue(patienceS),
            }
          : {}),
        target: formatValue(target),
        agents: String(agents),
        agents_needed: needed === undefined ? 'n/a' : String(needed),
        extra_agents: extra === undefined ? 'n/a' : String(extra),
        arrival_rate_per_minute: formatValue(predictedRate * 60),
        aht_seconds: formatValue(aht),
      },
      staffing: {
        model: rule.model,
        windowEnd,
        arrivalRatePerSecond: predictedRate,
        ahtSeconds: aht,
        agents,
        patienceSeconds: patienceS,
        answerWithinSeconds: withinS,
        shortAbandonSeconds: shortAbandonS,
        target,
        serviceLevel: predictedSl,
      },
    };
  }
}

function pct(share: number): string {
  return `${formatValue(share * 100)} %`;
}
