/**
 * The one shape every analytics engine takes as an RxJS operator: batches in, a plain loop inside
 * the engine, output batches out (only non-empty ones). One engine per subscription, built in the
 * closure, so no state leaks between subscribers; an engine's error reaches the subscriber, not
 * rxjs' unhandled-error hook. Event time only: nothing here reads a clock, so it needs no scheduler.
 */
import { Observable, type OperatorFunction } from 'rxjs';

/** Appends what one input batch produces to `out`. */
export type BatchStep<I, O> = (batch: readonly I[], out: O[]) => void;

export function batchEngineOperator<I, O, E>(
  createEngine: () => E,
  step: (engine: E) => BatchStep<I, O>,
  onEngine?: (engine: E) => void,
  /** Input kinds the engine reads (an event's `type`); absent: all. */
  wantedTypes?: readonly string[],
): OperatorFunction<readonly I[], O[]> {
  const wanted = wantedTypes ? new Set<string>(wantedTypes) : null;
  return (source) =>
    new Observable<O[]>((subscriber) => {
      const engine = createEngine();
      onEngine?.(engine);
      const process = step(engine);
      return source.subscribe({
        next: (batch) => {
          const input = wanted ? batch.filter((e) => wanted.has((e as { type: string }).type)) : batch;
          const out: O[] = [];
          try {
            process(input, out);
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
