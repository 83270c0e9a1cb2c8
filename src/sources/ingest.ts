/**
 * Ingest: raw source batches → validated events, with every rejected message sent to the dead-letter
 * sink before its batch can be acknowledged. The first stage behind every source.
 */
import { concatMap, filter, type OperatorFunction } from 'rxjs';
import { decodeBatch, type DecodeLimits } from '../events/decode.js';
import type { CxEvent } from '../events/types.js';
import { publish } from '../observability/instrumentation.js';
import type { DeadLetterSink } from '../sinks/kafka/dead-letter-sink.js';
import type { SourceBatch } from './source-port.js';

export interface IngestedBatch {
  events: CxEvent[];
  /** Acknowledge once everything downstream derived from these events is handled. */
  ack(): void;
  /** Processed and stored, offsets still to wait: frees the batch's place for back-pressure. */
  release(): void;
}

export interface IngestOptions {
  /** Label for metrics: `kafka`, `simulator`, `replay`. */
  sourceName: string;
  limits: DecodeLimits;
  deadLetters: DeadLetterSink;
  /** Clock for the event-time bounds; injectable for tests. */
  now?: () => number;
}

export function ingest(options: IngestOptions): OperatorFunction<SourceBatch, IngestedBatch> {
  const now = options.now ?? Date.now;
  return (batches) =>
    batches.pipe(
      // concatMap keeps each partition's order; the source pauses fetching while batches queue here.
      concatMap(async (batch): Promise<IngestedBatch | null> => {
        const decoded = decodeBatch(batch.messages, now(), {
          ...options.limits,
          topic: batch.topic,
          partition: batch.partition,
        });
        publish('events.decoded', { source: options.sourceName, byType: decoded.countsByType });
        if (decoded.deadLetters.length > 0) {
          publish('events.dead_lettered', {
            source: options.sourceName,
            byReason: decoded.deadLettersByReason,
          });
          await options.deadLetters.publish(decoded.deadLetters);
        }
        if (decoded.events.length === 0) {
          batch.ack();
          return null;
        }
        return { events: decoded.events, ack: batch.ack, release: batch.release };
      }),
      filter((b): b is IngestedBatch => b !== null),
    );
}
