/**
 * An EventSource over an in-process Observable of event batches (the embedded simulator in the demo).
 * Events are serialised to JSON bytes and go through the same decode, validation and dead-letter path
 * as Kafka messages, so the demo exercises what production runs.
 */
import { Subject, type Observable, type Subscription } from 'rxjs';
import type { CxEvent } from '../events/types.js';
import type { EventSource, SourceBatch, SourceMessage } from './source-port.js';

export interface InProcessSourceOptions {
  /** Name used as the topic in dead letters and metrics. */
  topic?: string;
}

export function createInProcessSource(
  events$: Observable<CxEvent[]>,
  options: InProcessSourceOptions = {},
): EventSource {
  const topic = options.topic ?? 'in-process';
  const batches = new Subject<SourceBatch>();
  let subscription: Subscription | null = null;
  let nextOffset = 0;
  let open = 0;
  return {
    batches$: batches.asObservable(),
    async start() {
      subscription = events$.subscribe({
        next: (events) => {
          const messages: SourceMessage[] = new Array(events.length);
          for (let i = 0; i < events.length; i++) {
            messages[i] = {
              offset: String(nextOffset++),
              key: null,
              value: Buffer.from(JSON.stringify(events[i])),
            };
          }
          let released = false;
          open++;
          const release = () => {
            if (released) return;
            released = true;
            open--;
          };
          batches.next({ topic, partition: 0, messages, lag: 0, ack: release, release });
        },
        error: (error) => batches.error(error),
        complete: () => batches.complete(),
      });
    },
    async stop() {
      subscription?.unsubscribe();
      subscription = null;
      batches.complete();
    },
    isReady: () => subscription !== null,
    inFlight: () => open,
  };
}
