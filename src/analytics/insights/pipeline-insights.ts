/**
 * Every insight the pipelines' `channelDiversion:` and `driverAnalysis:` sections raise, as one
 * stream: the diversion reads the pipelines' indicator values (its own pipeline's, through the
 * staffing rule), the driver analysis reads the events. buildApp, `cxpulse replay`-like runs and
 * the tests build it the same way.
 */
import { merge, type Observable } from 'rxjs';
import type { PipelineDefinition } from '../../config/pipeline-definition.js';
import type { CxEvent } from '../../events/types.js';
import type { IndicatorValue } from '../../windows/indicator-value.js';
import { channelDiversion } from '../diversion/channel-diversion-operator.js';
import type { ChannelDiversionEngine } from '../diversion/channel-diversion-engine.js';
import { driverAnalysis } from '../drivers/driver-analysis-operator.js';
import type { DriverAnalysisEngine } from '../drivers/driver-analysis-engine.js';
import type { Insight } from './insight.js';

export interface PipelineInsightsOptions {
  onDiversionEngine?: (pipeline: string, engine: ChannelDiversionEngine) => void;
  onDriverEngine?: (pipeline: string, engine: DriverAnalysisEngine) => void;
}

export function hasInsights(pipelines: readonly PipelineDefinition[]): boolean {
  return pipelines.some((p) => p.channelDiversion !== undefined || p.driverAnalysis !== undefined);
}

export function pipelineInsights(
  pipelines: readonly PipelineDefinition[],
  events$: Observable<readonly CxEvent[]>,
  values$: Observable<readonly IndicatorValue[]>,
  options: PipelineInsightsOptions = {},
): Observable<Insight[]> {
  const streams: Observable<Insight[]>[] = [];
  for (const p of pipelines) {
    if (p.channelDiversion) {
      streams.push(
        values$.pipe(
          channelDiversion({
            pipeline: p,
            definition: p.channelDiversion,
            onEngine: (engine) => options.onDiversionEngine?.(p.name, engine),
          }),
        ),
      );
    }
    if (p.driverAnalysis) {
      streams.push(
        events$.pipe(
          driverAnalysis({
            pipeline: p.name,
            definition: p.driverAnalysis,
            allowedLatenessMs: p.allowedLatenessMs,
            onEngine: (engine) => options.onDriverEngine?.(p.name, engine),
          }),
        ),
      );
    }
  }
  return merge(...streams);
}
