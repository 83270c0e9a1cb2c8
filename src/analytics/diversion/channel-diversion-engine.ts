/**
 * Channel diversion: when a queue's predicted service level breaches while its paired queue (same
 * skill group, another channel: billing/voice → billing/chat) has slack, suggest moving the fewest
 * contacts per hour that bring the donor within target while the receiver stays within its own
 * (diversion-plan.ts), with the predicted service level of both now and after.
 *
 * The prediction is the staffing rule's own (src/alerts/rules/erlang-c-rule.ts): the section's
 * settings become an erlang-c rule evaluated on this pipeline's values, and its verdicts carry the
 * model inputs per queue (arrival rate, AHT with the planned prior, agents logged in, patience,
 * target and answer-within). The donor breaches when its predicted service level is below its
 * target by more than `margin`. Not the rule's `bad`, which must also hold at the favourable end of
 * the counts' Poisson noise: that bar is for paging someone, and at 30 contacts a minute it kept a
 * donor predicted at 10 % "ok" for twenty minutes. Noise is held off by the margin and by `for`
 * consecutive evaluations instead: with 0.05 and 18 (three minutes of 10-second finals) the
 * simulated centre at 30 contacts a minute raised no suggestion in 12 hours of normal traffic
 * (3 seeds × 4 h) and found a 30 % drop of billing voice staff 3.7-3.8 minutes after it began;
 * with `for: 6` and no margin, 1-3 suggestions per 4 normal hours (docs/analytics.md).
 *
 * Per pair, on each of the donor's verdicts (one per window end), the condition is "donor breaches
 * and a plan exists" (the receiver's latest verdict, at most STALE_HOPS hops older, gives its side).
 * After `for` consecutive evaluations with it the pair raises one `suggested` insight; after
 * `resolve.after` consecutive evaluations without it, one `resolved` insight. Nothing in between:
 * one suggestion per pair while the condition holds.
 *
 * Pure: no I/O and no wall clock (the rule ignores `now` for erlang-c).
 */
import type { ErlangCAlertRule, PipelineDefinition } from '../../config/pipeline-definition.js';
import type { ChannelDiversionDefinition, DiversionPair } from '../../config/insight-sections.js';
import { erlangCRule } from '../../alerts/rules/erlang-c-rule.js';
import type { RuleEvaluator, StaffingPrediction } from '../../alerts/rules/rule-evaluator.js';
import type { IndicatorValue } from '../../windows/indicator-value.js';
import {
  insightId,
  type ChannelDiversionDetails,
  type ChannelDiversionInsight,
} from '../insights/insight.js';
import { planDiversion, type DiversionPlan } from './diversion-plan.js';

/** A receiver's prediction may be this many hops older than the donor's and still count. */
const STALE_HOPS = 3;

interface QueuePrediction {
  staffing: StaffingPrediction;
  channel: string;
}

interface PairState {
  pair: DiversionPair;
  key: string;
  active: boolean;
  holding: number;
  clearing: number;
  suggestedAt: number;
  lastEvaluated: number;
}

export interface ChannelDiversionStats {
  evaluations: number;
  suggestions: number;
  resolutions: number;
  /** Evaluations of a breaching donor without a plan, by reason. */
  noSlack: number;
  notEnough: number;
  receiverBreaks: number;
}

export class ChannelDiversionEngine {
  readonly stats: ChannelDiversionStats = {
    evaluations: 0,
    suggestions: 0,
    resolutions: 0,
    noSlack: 0,
    notEnough: 0,
    receiverBreaks: 0,
  };
  private readonly rule: RuleEvaluator;
  private readonly def: ChannelDiversionDefinition;
  private readonly pipeline: string;
  private readonly sizeMs: number;
  private readonly hopMs: number;
  private readonly latest = new Map<string, QueuePrediction>();
  private readonly pairsByQueue = new Map<string, PairState[]>();

  constructor(pipeline: PipelineDefinition, definition: ChannelDiversionDefinition) {
    this.def = definition;
    this.pipeline = pipeline.name;
    const window = pipeline.windows.find((w) => w.name === definition.window);
    this.sizeMs = window?.sizeMs ?? 300_000;
    this.hopMs = window?.hopMs ?? this.sizeMs;
    this.rule = erlangCRule(pipeline, staffingRuleOf(definition));
    for (const pair of definition.pairs) {
      const state: PairState = {
        pair,
        key: `${pair.from}->${pair.to}`,
        active: false,
        holding: 0,
        clearing: 0,
        suggestedAt: 0,
        lastEvaluated: -Infinity,
      };
      for (const queue of [pair.from, pair.to]) {
        const list = this.pairsByQueue.get(queue) ?? [];
        list.push(state);
        this.pairsByQueue.set(queue, list);
      }
    }
  }

  /** Suggestions that are active now (for tests and the wallboard's state after a restart). */
  get activePairs(): string[] {
    const out = new Set<string>();
    for (const list of this.pairsByQueue.values()) for (const p of list) if (p.active) out.add(p.key);
    return [...out];
  }

  observe(values: readonly IndicatorValue[], out: ChannelDiversionInsight[]): void {
    const verdicts = this.rule.observe(values, 0);
    if (verdicts.length === 0) return;
    // One evaluation per window end, as `for` and `resolve.after` count them: a batch that closes
    // several windows (a fetch or a catch-up spanning more than a hop) must not count as one.
    const staffed = verdicts
      .filter((v) => v.staffing !== undefined && this.pairsByQueue.has(v.key.queue ?? ''))
      .sort((a, b) => a.staffing!.windowEnd - b.staffing!.windowEnd);
    const touched = new Set<PairState>();
    for (let i = 0; i < staffed.length; i++) {
      const v = staffed[i]!;
      const queue = v.key.queue!;
      this.latest.set(queue, { staffing: v.staffing!, channel: v.key.channel ?? '' });
      for (const p of this.pairsByQueue.get(queue)!) touched.add(p);
      if (staffed[i + 1]?.staffing!.windowEnd === v.staffing!.windowEnd) continue;
      for (const state of touched) this.evaluate(state, out);
      touched.clear();
    }
  }

  private evaluate(state: PairState, out: ChannelDiversionInsight[]): void {
    const from = this.latest.get(state.pair.from);
    const to = this.latest.get(state.pair.to);
    if (from === undefined || to === undefined) return;
    const at = from.staffing.windowEnd;
    if (at <= state.lastEvaluated) return;
    if (to.staffing.windowEnd < at - STALE_HOPS * this.hopMs) return;
    state.lastEvaluated = at;
    this.stats.evaluations++;
    let plan: DiversionPlan | undefined;
    const breaching = from.staffing.serviceLevel < from.staffing.target - this.def.margin;
    if (breaching) {
      const verdict = planDiversion(from.staffing, to.staffing, this.def);
      if (verdict.feasible) plan = verdict.plan;
      else if (verdict.reason === 'no-slack') this.stats.noSlack++;
      else if (verdict.reason === 'not-enough') this.stats.notEnough++;
      else this.stats.receiverBreaks++;
    }
    const holds = plan !== undefined && plan.contactsPerHour > 0;
    if (!state.active) {
      state.holding = holds ? state.holding + 1 : 0;
      if (state.holding < this.def.forCount) return;
      state.active = true;
      state.clearing = 0;
      state.suggestedAt = at;
      this.stats.suggestions++;
      out.push(this.insight(state, 'suggested', at, from, to, plan!));
      return;
    }
    state.clearing = holds ? 0 : state.clearing + 1;
    if (state.clearing < this.def.resolveAfter) return;
    state.active = false;
    state.holding = 0;
    this.stats.resolutions++;
    const fromNow = from.staffing.serviceLevel;
    const toNow = to.staffing.serviceLevel;
    out.push(
      this.insight(state, 'resolved', at, from, to, {
        contactsPerHour: 0,
        fromServiceLevelNow: fromNow,
        fromServiceLevelAfter: fromNow,
        toServiceLevelNow: toNow,
        toServiceLevelAfter: toNow,
      }),
    );
  }

  private insight(
    state: PairState,
    kind: 'suggested' | 'resolved',
    at: number,
    from: QueuePrediction,
    to: QueuePrediction,
    plan: DiversionPlan,
  ): ChannelDiversionInsight {
    const f = from.staffing;
    const t = to.staffing;
    const details: ChannelDiversionDetails = {
      fromQueue: state.pair.from,
      fromChannel: from.channel,
      toQueue: state.pair.to,
      toChannel: to.channel,
      model: f.model,
      contactsPerHour: plan.contactsPerHour,
      shareOfArrivals:
        f.arrivalRatePerSecond > 0 ? plan.contactsPerHour / (f.arrivalRatePerSecond * 3600) : 0,
      fromArrivalsPerHour: f.arrivalRatePerSecond * 3600,
      toArrivalsPerHour: t.arrivalRatePerSecond * 3600,
      fromAhtSeconds: f.ahtSeconds,
      toAhtSeconds: t.ahtSeconds,
      fromAgents: f.agents,
      toAgents: t.agents,
      fromPatienceSeconds: Number.isFinite(f.patienceSeconds) ? f.patienceSeconds : null,
      toPatienceSeconds: Number.isFinite(t.patienceSeconds) ? t.patienceSeconds : null,
      fromAnswerWithinSeconds: f.answerWithinSeconds,
      toAnswerWithinSeconds: t.answerWithinSeconds,
      fromTarget: f.target,
      toTarget: t.target,
      fromServiceLevelNow: plan.fromServiceLevelNow,
      fromServiceLevelAfter: plan.fromServiceLevelAfter,
      toServiceLevelNow: plan.toServiceLevelNow,
      toServiceLevelAfter: plan.toServiceLevelAfter,
      suggestedAt: state.suggestedAt,
    };
    return {
      id: insightId(this.pipeline, 'channel-diversion', state.key, kind, at),
      kind: 'channel-diversion',
      pipeline: this.pipeline,
      key: state.key,
      state: kind,
      ts: at,
      windowStart: at - this.sizeMs,
      windowEnd: at,
      summary:
        kind === 'suggested'
          ? suggestionText(details)
          : resolutionText(details, f.serviceLevel < f.target - this.def.margin),
      subject: `${state.pair.from} → ${state.pair.to}`,
      value: plan.contactsPerHour,
      details,
    };
  }
}

/** The section's staffing settings as the erlang-c rule they are evaluated with. */
function staffingRuleOf(def: ChannelDiversionDefinition): ErlangCAlertRule {
  return {
    type: 'erlang-c',
    name: 'channel-diversion',
    severity: 'warning',
    forCount: 1,
    resolveAfter: 1,
    window: def.window,
    horizonMs: def.horizonMs,
    arrivals: def.arrivals,
    aht: def.aht,
    agents: def.agents,
    serviceLevel: def.serviceLevel,
    trend: def.trend,
    model: def.model,
    ...(def.patienceMs !== undefined ? { patienceMs: def.patienceMs } : {}),
    ...(def.plannedAhtMs !== undefined ? { plannedAhtMs: def.plannedAhtMs } : {}),
    ...(def.minSamples !== undefined ? { minSamples: def.minSamples } : {}),
  };
}

function pct(share: number): string {
  return `${Math.round(share * 100)} %`;
}

function suggestionText(d: ChannelDiversionDetails): string {
  return (
    `${d.fromQueue} predicted ${pct(d.fromServiceLevelNow)} within ${d.fromAnswerWithinSeconds} s (target ${pct(d.fromTarget)}) ` +
    `while ${d.toQueue} has slack (${pct(d.toServiceLevelNow)}, target ${pct(d.toTarget)}): ` +
    `move ${Math.round(d.contactsPerHour)} contacts/hour (${pct(d.shareOfArrivals)} of ${d.fromQueue}) to ${d.toQueue} → ` +
    `${d.fromQueue} ${pct(d.fromServiceLevelAfter)}, ${d.toQueue} ${pct(d.toServiceLevelAfter)}`
  );
}

function resolutionText(d: ChannelDiversionDetails, fromStillBad: boolean): string {
  return fromStillBad
    ? `Diversion ${d.fromQueue} → ${d.toQueue} no longer possible: ${d.toQueue} predicted ${pct(d.toServiceLevelNow)} (target ${pct(d.toTarget)}), ${d.fromQueue} ${pct(d.fromServiceLevelNow)}`
    : `Diversion ${d.fromQueue} → ${d.toQueue} no longer needed: ${d.fromQueue} predicted ${pct(d.fromServiceLevelNow)} (target ${pct(d.fromTarget)})`;
}
