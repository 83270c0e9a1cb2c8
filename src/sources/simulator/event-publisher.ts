/**
 * The port through which `cxpulse simulate` writes to Kafka. The kafkajs-backed implementation
 * lives in src/sources/kafka/; the simulator never imports a client library.
 */
import type { CxEvent } from '../../events/types.js';

export interface EventPublisher {
  /** Resolves when the broker has acknowledged every message. */
  publish(topic: string, messages: { key: string; value: Buffer }[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * Partition key: contacts by queue (so one queue's lifecycle events stay in order on one
 * partition), touchpoints by journey, account usage by account (its forecast reads it in order),
 * everything else by its id (spread evenly).
 */
export function partitionKey(event: CxEvent): string {
  switch (event.type) {
    case 'contact.queued':
    case 'contact.answered':
    case 'contact.abandoned':
    case 'contact.transferred':
    case 'contact.ended':
      return event.queue;
    case 'touchpoint.event':
      return event.journeyId;
    case 'account.usage':
      return event.accountId;
    default:
      return event.id;
  }
}
