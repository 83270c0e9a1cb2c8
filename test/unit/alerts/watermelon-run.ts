/**
 * Runs the shipped journey pipelines and their alert rules over a simulated scenario in event time:
 * a VirtualTimeScheduler moves with the simulated clock, one simulated second per batch, so alert
 * times are event times (as bench/incidents.bench.ts does).
 */
import { Subject, VirtualTimeScheduler, merge, share } from 'rxjs';
import type { AlertTransition } from '../../../src/alerts/alert.js';
import { alertEngine } from '../../../src/alerts/alert-engine.js';
import { loadPipelines } from '../../../src/config/pipeline-loader.js';
import type { CxEvent } from '../../../src/events/types.js';
import {
  EMPTY_SCENARIO,
  loadScenarioFile,
  type IncidentLabel,
} from '../../../src/sources/simulator/scenario.js';
import { createScenarioSimulator } from '../../../src/sources/simulator/scripted-simulator.js';
import type { IndicatorValue } from '../../../src/windows/indicator-value.js';
import { pipelineIndicators } from '../../../src/windows/pipeline-indicators.js';

export const START = Date.UTC(2026, 0, 5, 9);
export const MINUTE = 60_000;
export const JOURNEY_PIPELINES = [
  'pipelines/journey-outcomes.yaml',
  'pipelines/digital-journeys.yaml',
  'pipelines/journey-funnels.yaml',
];

export interface WatermelonRun {
  labels: IncidentLabel[];
  transitions: AlertTransition[];
  /** Final values of every pipeline. */
  values: IndicatorValue[];
}

export async function runJourneys(options: {
  scenarioFile?: string;
  seed: number;
  rate: number;
  spanMs: number;
  /** Simulated time per batch (and per clock step); default 1 s. */
  stepMs?: number;
}): Promise<WatermelonRun> {
  const pipelines = loadPipelines(JOURNEY_PIPELINES);
  const scenario = options.scenarioFile ? await loadScenarioFile(options.scenarioFile) : EMPTY_SCENARIO;
  const sim = createScenarioSimulator({
    seed: options.seed,
    startTs: START,
    rate: options.rate,
    seasonality: false,
    scenario,
  });
  const clock = new VirtualTimeScheduler();
  clock.frame = START;
  const events$ = new Subject<CxEvent[]>();
  const values$ = merge(
    ...pipelines.map((p) => events$.pipe(pipelineIndicators(p, { scheduler: clock }))),
  ).pipe(share());
  const values: IndicatorValue[] = [];
  const transitions: AlertTransition[] = [];
  let failure: unknown;
  values$.subscribe({
    next: (batch) => {
      for (const v of batch) if (v.kind !== 'early') values.push(v);
    },
    error: (error: unknown) => (failure = error),
  });
  values$.pipe(alertEngine({ pipelines, scheduler: clock })).subscribe({
    next: (batch) => transitions.push(...batch),
    error: (error: unknown) => (failure = error),
  });
  for (
    let t = START + 1000;
    t <= START + options.spanMs && failure === undefined;
    t += options.stepMs ?? 1000
  ) {
    const batch = sim.nextBatch(t);
    clock.maxFrames = t;
    clock.flush();
    clock.frame = t;
    if (batch.length > 0) events$.next(batch);
  }
  if (failure !== undefined) throw failure;
  // Not completed: that would flush the open windows as finals no live run emits.
  return { labels: sim.labels(), transitions, values };
}
