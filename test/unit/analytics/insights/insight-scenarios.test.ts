/**
 * The shipped scenarios through the shipped pipelines, the way a live consumer sees them (a virtual
 * clock moved with event time, one second of events at a time, as bench/incidents.bench.ts does):
 * "an overloaded voice queue beside an idle chat queue" gets one diversion suggestion with the
 * right pair and numbers, then its resolution; "a touchpoint's failures drive CSAT down" names that
 * touchpoint the driver; each healthy twin raises nothing.
 */
import { Subject, VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { serviceLevelAt } from '../../../../src/analytics/diversion/diversion-plan.js';
import type {
  ChannelDiversionInsight,
  DriverAnalysisInsight,
  Insight,
} from '../../../../src/analytics/insights/insight.js';
import { pipelineInsights } from '../../../../src/analytics/insights/pipeline-insights.js';
import { loadPipelineFile } from '../../../../src/config/pipeline-loader.js';
import type { CxEvent } from '../../../../src/events/types.js';
import { loadScenarioFile } from '../../../../src/sources/simulator/scenario.js';
import { createScenarioSimulator } from '../../../../src/sources/simulator/scripted-simulator.js';
import type { IndicatorValue } from '../../../../src/windows/indicator-value.js';
import { pipelineIndicators } from '../../../../src/windows/pipeline-indicators.js';
import { replayInEventTime } from '../../../support/event-time.js';

const START = Date.UTC(2026, 0, 5, 9);
const MIN = 60_000;

async function insightsOf(pipelineFile: string, scenarioFile: string, minutes: number) {
  const pipeline = loadPipelineFile(pipelineFile);
  const scenario = await loadScenarioFile(scenarioFile);
  const simulator = createScenarioSimulator({
    seed: 1,
    startTs: START,
    rate: 30,
    seasonality: false,
    scenario,
  });
  const clock = new VirtualTimeScheduler();
  clock.frame = START;
  const events$ = new Subject<CxEvent[]>();
  const values$ = new Subject<IndicatorValue[]>();
  const out: Insight[] = [];
  pipelineInsights([pipeline], events$, values$).subscribe((batch) => out.push(...batch));
  events$.pipe(pipelineIndicators(pipeline, { scheduler: clock })).subscribe((v) => values$.next(v));
  replayInEventTime(simulator, clock, (batch) => events$.next(batch), {
    from: START,
    to: START + minutes * MIN,
  });
  return { out, labels: simulator.labels() };
}

describe('channel diversion scenarios', () => {
  it('suggests moving billing voice callers to chat once while voice is overloaded, then resolves', async () => {
    const { out, labels } = await insightsOf(
      'pipelines/channel-diversion.yaml',
      'scenarios/voice-overload-idle-chat.yaml',
      50,
    );
    expect(labels.map((l) => [l.kind, l.target])).toEqual([
      ['overstaffing', 'billing/chat'],
      ['understaffing', 'billing/voice'],
    ]);
    const incident = labels.find((l) => l.kind === 'understaffing')!;
    const insights = out as ChannelDiversionInsight[];
    expect(insights.map((i) => [i.key, i.state])).toEqual([
      ['billing/voice->billing/chat', 'suggested'],
      ['billing/voice->billing/chat', 'resolved'],
    ]);
    const [suggested, resolved] = insights as [ChannelDiversionInsight, ChannelDiversionInsight];
    // Within five minutes of the drop: the window takes in the drop, then three minutes of `for`.
    expect(suggested.ts).toBeGreaterThan(incident.startTs + 3 * MIN);
    expect(suggested.ts).toBeLessThan(incident.startTs + 5 * MIN);
    const d = suggested.details;
    expect(d).toMatchObject({
      fromQueue: 'billing/voice',
      fromChannel: 'voice',
      toQueue: 'billing/chat',
      toChannel: 'chat',
    });
    expect(d.contactsPerHour).toBeGreaterThan(0);
    expect(d.contactsPerHour % 5).toBe(0);
    expect(d.contactsPerHour).toBeLessThanOrEqual(0.5 * d.fromArrivalsPerHour);
    expect(d.fromServiceLevelNow).toBeLessThan(d.fromTarget);
    expect(d.fromServiceLevelAfter).toBeGreaterThanOrEqual(d.fromTarget);
    expect(d.toServiceLevelNow).toBeGreaterThanOrEqual(d.toTarget);
    expect(d.toServiceLevelAfter).toBeGreaterThanOrEqual(d.toTarget);
    expect([d.fromTarget, d.toTarget, d.fromAnswerWithinSeconds, d.toAnswerWithinSeconds]).toEqual([
      0.7, 0.7, 20, 60,
    ]);
    // The numbers are the Erlang A model's at the reported inputs, and one step less is not enough.
    const model = (side: 'from' | 'to') => ({
      model: d.model,
      windowEnd: suggested.ts,
      arrivalRatePerSecond: d[`${side}ArrivalsPerHour`] / 3600,
      ahtSeconds: d[`${side}AhtSeconds`],
      agents: d[`${side}Agents`],
      patienceSeconds: d[`${side}PatienceSeconds`]!,
      answerWithinSeconds: d[`${side}AnswerWithinSeconds`],
      shortAbandonSeconds: 5,
      target: d[`${side}Target`],
      serviceLevel: d[`${side}ServiceLevelNow`],
    });
    const at = (side: 'from' | 'to', perHour: number) =>
      serviceLevelAt(model(side), (d[`${side}ArrivalsPerHour`] + perHour) / 3600);
    expect(at('from', 0)).toBeCloseTo(d.fromServiceLevelNow, 9);
    expect(at('from', -d.contactsPerHour)).toBeCloseTo(d.fromServiceLevelAfter, 9);
    expect(at('from', -(d.contactsPerHour - 5))).toBeLessThan(d.fromTarget);
    expect(at('to', d.contactsPerHour)).toBeCloseTo(d.toServiceLevelAfter, 9);
    expect(suggested.summary).toMatch(
      /^billing\/voice predicted \d+ % within 20 s \(target 70 %\) while billing\/chat has slack .*: move \d+ contacts\/hour/,
    );
    expect(suggested.value).toBe(d.contactsPerHour);

    // Resolved once voice has its agents back, and not before.
    expect(resolved.ts).toBeGreaterThan(incident.endTs!);
    expect(resolved.ts).toBeLessThan(incident.endTs! + 5 * MIN);
    expect(resolved.details.suggestedAt).toBe(suggested.ts);
    expect(resolved.summary).toMatch(/^Diversion billing\/voice → billing\/chat no longer needed/);
    expect(new Set(insights.map((i) => i.id)).size).toBe(2);
  }, 60_000);

  it('raises nothing when chat is idle but voice is staffed to plan (the healthy twin)', async () => {
    const { out } = await insightsOf('pipelines/channel-diversion.yaml', 'scenarios/idle-chat.yaml', 50);
    expect(out).toEqual([]);
  }, 60_000);
});

describe('driver analysis scenarios', () => {
  it('names payment-gateway the driver of CSAT while its failures lower the answers', async () => {
    const { out, labels } = await insightsOf(
      'pipelines/driver-analysis.yaml',
      'scenarios/payment-failures-drive-csat.yaml',
      40,
    );
    const outage = labels.find((l) => l.kind === 'touchpoint-outage')!;
    expect(outage.target).toBe('payment-gateway');
    const csat = (out as DriverAnalysisInsight[]).filter((i) => i.key === 'csat');
    // A report every 2 minutes over the last 30.
    expect(csat.length).toBe(20);
    for (const r of csat) expect(r.windowEnd - r.windowStart).toBe(30 * MIN);
    const flagged = csat.filter((r) => r.details.driverTouchpoints.length > 0);
    // Nothing before the outage, payment-gateway alone after it starts.
    expect(flagged.length).toBeGreaterThan(0);
    for (const r of flagged) {
      expect(r.ts).toBeGreaterThan(outage.startTs);
      expect(r.details.driverTouchpoints).toEqual(['payment-gateway']);
    }
    // Detected within six minutes of the outage (answers come 20 s after a journey).
    expect(flagged[0]!.ts).toBeLessThanOrEqual(outage.startTs + 6 * MIN);
    const last = flagged.at(-1)!;
    const top = last.details.drivers[0]!;
    expect(top.touchpoint).toBe('payment-gateway');
    expect(top.driver).toBe(true);
    expect(top.effect).toBeLessThan(-0.5);
    expect(top.rHigh).toBeLessThan(0);
    expect(top.pValue).toBeLessThan(0.05 / last.details.touchpointsTested);
    expect(top.impact).toBeGreaterThanOrEqual(0.08);
    expect(last.subject).toBe('payment-gateway');
    expect(last.summary).toMatch(/^CSAT is driven down most by payment-gateway now/);
  }, 60_000);

  it('names no driver during the same survey campaign without the outage (the healthy twin)', async () => {
    const { out } = await insightsOf('pipelines/driver-analysis.yaml', 'scenarios/survey-campaign.yaml', 40);
    const reports = out as DriverAnalysisInsight[];
    expect(reports.length).toBe(40);
    expect(reports.filter((r) => r.details.driverTouchpoints.length > 0)).toEqual([]);
    // Not because nothing was measured: touchpoints were tested.
    expect(Math.max(...reports.map((r) => r.details.touchpointsTested))).toBeGreaterThan(3);
  }, 60_000);
});
