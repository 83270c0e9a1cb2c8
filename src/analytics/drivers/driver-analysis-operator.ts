/**
 * The driver analysis as an RxJS operator: event batches in, insight batches out (only non-empty
 * ones: a report per score at each hop boundary the watermark passes). One engine per
 * subscription, in the closure; event time only, so it needs no scheduler.
 */
import type { OperatorFunction } from 'rxjs';
import type { CxEvent } from '../../events/types.js';
import { batchEngineOperator } from '../batch-engine-operator.js';
import type { DriverAnalysisInsight } from '../insights/insight.js';
import { DriverAnalysisEngine, type DriverAnalysisEngineOptions } from './driver-analysis-engine.js';

export interface DriverAnalysisOptions extends DriverAnalysisEngineOptions {
  /** Receives each subscription's engine (stats, sizes). */
  onEngine?: (engine: DriverAnalysisEngine) => void;
}

export function driverAnalysis(
  options: DriverAnalysisOptions,
): OperatorFunction<readonly CxEvent[], DriverAnalysisInsight[]> {
  return batchEngineOperator(
    () => new DriverAnalysisEngine(options),
    (engine) => (events: readonly CxEvent[], out: DriverAnalysisInsight[]) =>
      engine.processBatch(events, out),
    options.onEngine,
  );
}
