/**
 * Runs shipped pipelines and their alert rules over a simulated scenario in event time, as the
 * incidents benchmark does (bench/incidents.bench.ts): a VirtualTimeScheduler is moved in step with
 * the simulated clock, one simulated second per batch, so alert times are event times.
 */
import { Subject, VirtualTimeScheduler, merge } from 'rxjs';
import type { AlertTransition } from '../../../../src/alerts/alert.js';
import { alertEngine } from '../../../../src/alerts/alert-engine.js';
import { loadPipelineFile } from '../../../../src/config/pipeline-loader.js';
import type { CxEvent } from '../../../../src/events/types.js';
import { EMPTY_SCENARIO, loadScenarioFile } from '../../../../src/sources/simulator/scenario.js';
import type { IncidentLabel } from '../../../../src/sources/simulator/scenario.js';
import { createScenarioSimulator } from '../../../../src/sources/simulator/scripted-simulator.js';
import type { IndicatorValue } from '../../../../src/windows/indicator-value.js';
import { pipelineIndicators } from '../../../../src/windows/pipeline-indicators.js';
import { replayInEventTime } from '../../../support/event-time.js';

/** Monday 2026-01-05 08:00 UTC, the incidents benchmark's start: the morning ramp-up. */
export const START = Date.UTC(2026, 0, 5, 8);
export const MINUTE = 60_000;

export interface ScenarioRun {
  labels: IncidentLabel[];
  transitions: AlertTransition[];
  /** Final values (and corrections) of every pipeline. */
  values: IndicatorValue[];
}

export async function runScenario(options: {
  pipelineFiles: string[];
  /** A scenario file, or undefined for plain traffic (the healthy twin). */
  scenarioFile?: string;
  seed: number;
  rate: number;
  spanMs: number;
}): Promise<ScenarioRun> {
  const pipelines = options.pipelineFiles.map((f) => loadPipelineFile(f));
  const scenario = options.scenarioFile ? await loadScenarioFile(options.scenarioFile) : EMPTY_SCENARIO;
  const sim = createScenarioSimulator({ seed: options.seed, startTs: START, rate: options.rate, scenario });
  const clock = new VirtualTimeScheduler();
  clock.frame = START;
  const events$ = new Subject<CxEvent[]>();
  const values$ = merge(...pipelines.map((p) => events$.pipe(pipelineIndicators(p, { scheduler: clock }))));
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
  replayInEventTime(sim, clock, (batch) => events$.next(batch), {
    from: START,
    to: START + options.spanMs,
    stopped: () => failure !== undefined,
  });
  if (failure !== undefined) throw failure;
  // Not completed (that would flush open windows as finals no live run emits), just dropped.
  return { labels: sim.labels(), transitions, values };
}

/** Transitions into firing, in time order. */
export function firings(run: ScenarioRun, pipeline: string): AlertTransition[] {
  return run.transitions.filter(
    (t) => t.alert.pipeline === pipeline && t.change === 'firing' && t.from !== 'firing',
  );
}
