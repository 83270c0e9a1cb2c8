/**
 * The channel diversion as an RxJS operator over a pipeline's indicator values: value batches in,
 * insight batches out (only non-empty ones). One engine per subscription; the staffing rule inside
 * works on final windows in event time, so it needs no scheduler.
 */
import type { OperatorFunction } from 'rxjs';
import type { ChannelDiversionDefinition } from '../../config/insight-sections.js';
import type { PipelineDefinition } from '../../config/pipeline-definition.js';
import type { IndicatorValue } from '../../windows/indicator-value.js';
import { batchEngineOperator } from '../batch-engine-operator.js';
import type { ChannelDiversionInsight } from '../insights/insight.js';
import { ChannelDiversionEngine } from './channel-diversion-engine.js';

export interface ChannelDiversionOptions {
  pipeline: PipelineDefinition;
  definition: ChannelDiversionDefinition;
  onEngine?: (engine: ChannelDiversionEngine) => void;
}

export function channelDiversion(
  options: ChannelDiversionOptions,
): OperatorFunction<readonly IndicatorValue[], ChannelDiversionInsight[]> {
  return batchEngineOperator(
    () => new ChannelDiversionEngine(options.pipeline, options.definition),
    (engine) => (values: readonly IndicatorValue[], out: ChannelDiversionInsight[]) =>
      engine.observe(values, out),
    options.onEngine,
  );
}
