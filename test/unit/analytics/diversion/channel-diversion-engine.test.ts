/**
 * The diversion engine counts `for` and `resolve.after` in evaluations, one per window end of the
 * donor (docs/analytics.md), whatever the batches its values come in. It used to evaluate each pair
 * once per batch on the batch's newest verdicts, so a batch closing several windows (a Kafka fetch
 * or a catch-up spanning more than a hop, a fast simulator) counted as one evaluation: with 24 s of
 * events per batch, the shipped scenario's suggestion came at 14.2 minutes instead of 8.8.
 */
import { Subject, VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ChannelDiversionEngine } from '../../../../src/analytics/diversion/channel-diversion-engine.js';
import type { ChannelDiversionInsight } from '../../../../src/analytics/insights/insight.js';
import { loadPipelineFile } from '../../../../src/config/pipeline-loader.js';
import type { CxEvent } from '../../../../src/events/types.js';
import { loadScenarioFile } from '../../../../src/sources/simulator/scenario.js';
import { createScenarioSimulator } from '../../../../src/sources/simulator/scripted-simulator.js';
import type { IndicatorValue } from '../../../../src/windows/indicator-value.js';
import { pipelineIndicators } from '../../../../src/windows/pipeline-indicators.js';
import { replayInEventTime } from '../../../support/event-time.js';

const START = Date.UTC(2026, 0, 5, 9);
const MIN = 60_000;
const pipeline = loadPipelineFile('pipelines/channel-diversion.yaml');

/** The pipeline's value batches over `minutes` of the scenario, one batch per second of events. */
async function valueBatches(scenarioFile: string, minutes: number): Promise<IndicatorValue[][]> {
  const simulator = createScenarioSimulator({
    seed: 1,
    startTs: START,
    rate: 30,
    seasonality: false,
    scenario: await loadScenarioFile(scenarioFile),
  });
  const clock = new VirtualTimeScheduler();
  clock.frame = START;
  const events$ = new Subject<CxEvent[]>();
  const batches: IndicatorValue[][] = [];
  events$.pipe(pipelineIndicators(pipeline, { scheduler: clock })).subscribe((v) => batches.push(v));
  replayInEventTime(simulator, clock, (batch) => events$.next(batch), {
    from: START,
    to: START + minutes * MIN,
  });
  return batches;
}

/** The insights of one engine fed the batches joined `join` at a time (same values, same order). */
function insightsOf(batches: IndicatorValue[][], join: number): ChannelDiversionInsight[] {
  const engine = new ChannelDiversionEngine(pipeline, pipeline.channelDiversion!);
  const out: ChannelDiversionInsight[] = [];
  for (let i = 0; i < batches.length; i += join) engine.observe(batches.slice(i, i + join).flat(), out);
  return out;
}

describe('ChannelDiversionEngine', () => {
  it('raises the same insights whether a batch closes one window or several', async () => {
    const batches = await valueBatches('scenarios/voice-overload-idle-chat.yaml', 45);
    const perSecond = insightsOf(batches, 1);
    expect(perSecond.map((i) => [i.key, i.state])).toEqual([
      ['billing/voice->billing/chat', 'suggested'],
      ['billing/voice->billing/chat', 'resolved'],
    ]);
    // Batches of 24 and 60 seconds of values: two to six 10-second window ends each. The same
    // evaluations, so the same window ends. The numbers may differ a little: the staffing rule's
    // patience estimate keeps its queue-length samples by batch (src/alerts/rules/erlang-c-rule.ts).
    const when = (insights: ChannelDiversionInsight[]) =>
      insights.map((i) => [i.key, i.state, i.ts, i.details.suggestedAt]);
    for (const join of [24, 60]) {
      const joined = insightsOf(batches, join);
      expect(when(joined)).toEqual(when(perSecond));
      expect(
        Math.abs(joined[0]!.details.contactsPerHour - perSecond[0]!.details.contactsPerHour),
      ).toBeLessThanOrEqual(20);
    }
  }, 60_000);
});
