/**
 * The driver analysis as an RxJS operator: event batches in, insight batches out (only non-empty
 * ones: a report per score at each hop boundary the watermark passes). One engine per
 * subscription, in the closure; event time only, so it needs no scheduler.
 */
import { Observable, type OperatorFunction } from 'rxjs';
import type { CxEvent } from '../../events/types.js';
import type { DriverAnalysisInsight } from '../insights/insight.js';
import { DriverAnalysisEngine, type DriverAnalysisEngineOptions } from './driver-analysis-engine.js';

export interface DriverAnalysisOptions extends DriverAnalysisEngineOptions {
  /** Receives each subscription's engine (stats, sizes). */
  onEngine?: (engine: DriverAnalysisEngine) => void;
}

export function driverAnalysis(
  options: DriverAnalysisOptions,
): OperatorFunction<readonly CxEvent[], DriverAnalysisInsight[]> {
  return (source) =>
    new Observable<DriverAnalysisInsight[]>((subscriber) => {
      const engine = new DriverAnalysisEngine(options);
      options.onEngine?.(engine);
      return source.subscribe({
        next: (batch) => {
          const out: DriverAnalysisInsight[] = [];
          try {
            engine.processBatch(batch, out);
          } catch (error) {
            subscriber.error(error);
            return;
          }
          if (out.length > 0) subscriber.next(out);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
    });
}
