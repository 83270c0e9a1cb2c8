/**
 * Watermelon rule (`type: watermelon`): green outside, red inside. Per journey and window end, the
 * journey-level indicators of this pipeline (completion, duration, satisfaction) against their
 * targets, and every touchpoint of that journey — each key of the touchpoint pipeline whose
 * `journey` is the journey — against the targets of its indicators:
 *
 *   bad   a judged journey-level indicator is at or past its breach level, and every touchpoint
 *         indicator that has a value is inside its breach level (amber counts as inside)
 *   ok    no journey-level breach, or some touchpoint is itself red (then it is that touchpoint's
 *         own alert, not a watermelon)
 *   none  no journey-level indicator judged (null, or fewer observations than its minSamples), or
 *         no touchpoint of the journey reported in that window
 *
 * The alert's key is the journey-level key; its value and threshold are those of the first breached
 * indicator (in the rule's order); its summary names the journey and lists every touchpoint with
 * each indicator's value and breach level, so the alerts table, the wallboard and cx.alerts (which
 * carry the summary) show the evidence, and the description and annotations repeat it in full.
 *
 * Warm-up: windows ending less than one window size after the first journey-level final are not
 * judged. They hold less than a window of data, and in it journeys that started but have not had the
 * time to finish: a fresh stream's first windows show completion at half its usual level.
 *
 * Two pipelines, one judgement: the touchpoint pipeline closes its windows on its own watermark, so
 * a journey's window end E is judged once its journey-level finals are in and the touchpoint pipeline
 * has emitted finals for E or later (a pipeline emits all keys' finals for one end together, in end
 * order). Up to MAX_PENDING_ENDS window ends wait; older ones are dropped unjudged. Only finals count;
 * a journey window end already judged is not judged again (replays, at-least-once delivery).
 */
import type {
  IndicatorDefinition,
  PipelineDefinition,
  TargetDefinition,
  WatermelonAlertRule,
} from '../../config/pipeline-definition.js';
import { CxPulseError } from '../../errors/codes.js';
import type { IndicatorValue } from '../../windows/indicator-value.js';
import {
  WindowEndGuard,
  formatValue,
  observationsOf,
  targetForKey,
  type RuleEvaluator,
  type RuleVerdict,
} from './rule-evaluator.js';

/** Window ends waiting for the other pipeline: a few hops of lag between two watermarks. */
const MAX_PENDING_ENDS = 8;

interface KeyValues {
  key: Readonly<Record<string, string>>;
  keyId: string;
  values: Map<string, IndicatorValue>;
}

/** One indicator judged against its target. */
interface Reading {
  indicator: string;
  value: number | null;
  breach?: number;
  direction?: TargetDefinition['direction'];
  red: boolean;
}

function isBreach(value: number, target: TargetDefinition): boolean {
  return target.direction === 'higher-is-better' ? value <= target.breach : value >= target.breach;
}

function read(
  v: IndicatorValue | undefined,
  indicator: string,
  def: IndicatorDefinition | undefined,
): Reading {
  const value = v?.value ?? null;
  const target = v ? targetForKey(def, v.key) : undefined;
  if (value === null || !Number.isFinite(value) || !target) return { indicator, value, red: false };
  return {
    indicator,
    value,
    breach: target.breach,
    direction: target.direction,
    red: isBreach(value, target),
  };
}

/** `name 0.531 (breach 0.6)`, or `name n/a` without a value or a target. */
function describeReading(r: Reading, sep = ' '): string {
  if (r.breach === undefined) return `${r.indicator}${sep}${formatValue(r.value)}`;
  return `${r.indicator}${sep}${formatValue(r.value)} (breach ${formatValue(r.breach)})`;
}

export function watermelonRule(
  pipeline: PipelineDefinition,
  rule: WatermelonAlertRule,
  pipelines: readonly PipelineDefinition[] = [pipeline],
): RuleEvaluator {
  const touchpointPipeline =
    pipelines.find((p) => p.name === rule.touchpoints.pipeline) ??
    (rule.touchpoints.pipeline === pipeline.name ? pipeline : undefined);
  if (touchpointPipeline === undefined) {
    throw new CxPulseError(
      'CXP_ERR_PIPELINE_INVALID',
      `pipeline ${pipeline.name}: watermelon rule ${rule.name} reads touchpoints from pipeline ${rule.touchpoints.pipeline}, which is not loaded`,
    );
  }
  const journeyDefs = rule.journey.map((j) => ({
    ...j,
    def: pipeline.indicators.find((d) => d.name === j.indicator),
  }));
  const journeyNames = new Set(rule.journey.map((j) => j.indicator));
  const touchpointDefs = rule.touchpoints.indicators.map((name) => ({
    name,
    def: touchpointPipeline.indicators.find((d) => d.name === name),
  }));
  const touchpointNames = new Set(rule.touchpoints.indicators);
  const otherDims = touchpointPipeline.keyBy.filter((d) => d !== 'journey');
  const windowMs = pipeline.windows.find((w) => w.name === rule.window)?.sizeMs ?? 0;
  /** End of the first journey-level final seen: data flows from at most one hop before it. */
  let firstEnd: number | undefined;

  /** Window end → journey-level key → its finals. */
  const journeyFinals = new Map<number, Map<string, KeyValues>>();
  /** Window end → journey name → touchpoint key → its finals. */
  const touchpointFinals = new Map<number, Map<string, Map<string, KeyValues>>>();
  let touchpointFrontier = -Infinity;
  const guard = new WindowEndGuard();

  const collect = (byEnd: Map<number, Map<string, KeyValues>>, v: IndicatorValue): void => {
    let byKey = byEnd.get(v.windowEnd);
    if (byKey === undefined) byEnd.set(v.windowEnd, (byKey = new Map()));
    let entry = byKey.get(v.keyId);
    if (entry === undefined) byKey.set(v.keyId, (entry = { key: v.key, keyId: v.keyId, values: new Map() }));
    entry.values.set(v.indicator, v);
  };

  const touchpointName = (key: Readonly<Record<string, string>>): string =>
    otherDims.map((d) => key[d] ?? '-').join('/') || 'all';

  const judge = (entry: KeyValues, windowEnd: number): RuleVerdict | undefined => {
    const journeyReadings: Reading[] = [];
    for (const j of journeyDefs) {
      const v = entry.values.get(j.indicator);
      if (v === undefined) continue;
      if (j.minSamples !== undefined) {
        const n = observationsOf(v);
        if (n !== undefined && n < j.minSamples) continue;
      }
      const r = read(v, j.indicator, j.def);
      if (r.breach !== undefined) journeyReadings.push(r);
    }
    if (journeyReadings.length === 0) return undefined;
    const journey = entry.key.journey;
    const keys = journey === undefined ? undefined : touchpointFinals.get(windowEnd)?.get(journey);
    if (keys === undefined || keys.size === 0) return undefined;

    const touchpoints = [...keys.values()]
      .sort((a, b) => (a.keyId < b.keyId ? -1 : a.keyId > b.keyId ? 1 : 0))
      .map((tp) => ({
        name: touchpointName(tp.key),
        readings: touchpointDefs.map(({ name, def }) => read(tp.values.get(name), name, def)),
      }));
    const judgedTouchpoints = touchpoints.filter((tp) => tp.readings.some((r) => r.breach !== undefined));
    if (judgedTouchpoints.length === 0) return undefined;

    const breaches = journeyReadings.filter((r) => r.red);
    const redTouchpoints = touchpoints.filter((tp) => tp.readings.some((r) => r.red));
    const lead = breaches[0] ?? journeyReadings[0]!;
    const where = `journey ${journey}`;
    const window = `${rule.window} ending ${new Date(windowEnd).toISOString()}`;
    const listed = touchpoints.map(
      (tp) => `${tp.name}: ${tp.readings.map((r) => describeReading(r)).join(', ')}`,
    );
    let summary: string;
    if (breaches.length > 0 && redTouchpoints.length === 0) {
      summary =
        rule.summary ??
        `watermelon: ${where} breaches ${breaches.map((r) => describeReading(r)).join(', ')} while all ${touchpoints.length} touchpoints are inside target — ${listed.join('; ')}`;
    } else if (breaches.length > 0) {
      summary = `${where} breaches ${breaches.map((r) => describeReading(r)).join(', ')}; red touchpoints: ${redTouchpoints.map((tp) => tp.name).join(', ')} (their own alerts)`;
    } else {
      summary = `${where} is inside its targets (${journeyReadings.map((r) => describeReading(r)).join(', ')})`;
    }
    const journeyLines = journeyReadings.map(
      (r) =>
        `${describeReading(r)}: ${r.red ? 'at or past' : 'inside'} its breach level (${r.direction === 'higher-is-better' ? 'higher' : 'lower'} is better)`,
    );
    const touchpointLines = touchpoints.map(
      (tp) =>
        `- ${tp.name}: ${tp.readings.map((r) => describeReading(r)).join(', ')}${tp.readings.some((r) => r.red) ? ' — RED' : ''}`,
    );
    return {
      verdict: breaches.length > 0 && redTouchpoints.length === 0 ? 'bad' : 'ok',
      keyId: entry.keyId,
      key: entry.key,
      indicator: lead.indicator,
      window: rule.window,
      value: lead.value,
      ...(lead.breach !== undefined ? { threshold: lead.breach } : {}),
      annotations: {
        summary,
        description: [
          `${where}, window ${window}:`,
          ...journeyLines.map((l) => `- ${l}`),
          `Touchpoints of ${where} in ${touchpointPipeline.name} (${rule.touchpoints.window}), value (breach level):`,
          ...touchpointLines,
          redTouchpoints.length === 0
            ? 'Every touchpoint report is inside its target: the customers are lost between touchpoints (hand-offs, waits, silent drop-offs); the journey funnel shows where.'
            : 'Some touchpoints are red themselves: their own alerts cover it.',
        ].join('\n'),
        journey: journey ?? '-',
        journey_breaches: breaches.map((r) => describeReading(r, '=')).join('; ') || 'none',
        touchpoints: listed.join('\n'),
        touchpoints_red: redTouchpoints.map((tp) => tp.name).join(', ') || 'none',
        value: formatValue(lead.value),
        threshold: formatValue(lead.breach),
      },
    };
  };

  /** Newest journey window end judged: touchpoint finals up to it are no longer needed. */
  let judgedUpTo = -Infinity;
  const prune = (): void => {
    const oldest = (m: Map<number, unknown>) => Math.min(...m.keys());
    while (journeyFinals.size > MAX_PENDING_ENDS) journeyFinals.delete(oldest(journeyFinals));
    for (const end of touchpointFinals.keys()) if (end <= judgedUpTo) touchpointFinals.delete(end);
    while (touchpointFinals.size > MAX_PENDING_ENDS) touchpointFinals.delete(oldest(touchpointFinals));
  };

  return {
    pipeline,
    rule,
    observe(values) {
      let changed = false;
      for (const v of values) {
        if (v.kind !== 'final') continue;
        if (v.pipeline === pipeline.name && v.window === rule.window && journeyNames.has(v.indicator)) {
          firstEnd ??= v.windowEnd;
          if (v.windowEnd - windowMs < firstEnd) continue;
          collect(journeyFinals, v);
          changed = true;
        }
        if (
          v.pipeline === touchpointPipeline.name &&
          v.window === rule.touchpoints.window &&
          touchpointNames.has(v.indicator)
        ) {
          const journey = v.key.journey;
          if (journey === undefined) continue;
          let byJourney = touchpointFinals.get(v.windowEnd);
          if (byJourney === undefined) touchpointFinals.set(v.windowEnd, (byJourney = new Map()));
          let byKey = byJourney.get(journey);
          if (byKey === undefined) byJourney.set(journey, (byKey = new Map()));
          let entry = byKey.get(v.keyId);
          if (entry === undefined)
            byKey.set(v.keyId, (entry = { key: v.key, keyId: v.keyId, values: new Map() }));
          entry.values.set(v.indicator, v);
          if (v.windowEnd > touchpointFrontier) touchpointFrontier = v.windowEnd;
          changed = true;
        }
      }
      if (!changed) return [];
      const out: RuleVerdict[] = [];
      for (const end of [...journeyFinals.keys()].sort((a, b) => a - b)) {
        if (end > touchpointFrontier) break;
        for (const entry of journeyFinals.get(end)!.values()) {
          if (!guard.isNew(entry.keyId, end)) continue;
          const verdict = judge(entry, end);
          if (verdict) out.push(verdict);
        }
        journeyFinals.delete(end);
        judgedUpTo = end;
      }
      prune();
      return out;
    },
  };
}
