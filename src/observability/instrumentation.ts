/**
 * Namespaced instrumentation events. Core code publishes; metrics and logs subscribe.
 * Built on node:diagnostics_channel, whose publish costs a boolean check when nobody listens,
 * so the hot path pays nothing for observability it does not use.
 */
import diagnosticsChannel from 'node:diagnostics_channel';

export interface InstrumentationEvents {
  /** One fetched batch handed downstream. */
  'source.kafka.batch': { topic: string; partition: number; messages: number; lag: number };
  'source.kafka.paused': { inFlight: number };
  'source.kafka.resumed': { inFlight: number };
  'source.kafka.commit': { offsets: number };
  'source.kafka.commit_failed': { error: unknown };
  'source.kafka.crash': { error: unknown; restart: boolean };
  /** Decoded and validated events of one batch, counted by type. */
  'events.decoded': { source: string; byType: Record<string, number> };
  /** Rejected messages of one batch, counted by reason. */
  'events.dead_lettered': { source: string; byReason: Record<string, number> };
  'sink.kafka.dead_letter_failed': { error: unknown; messages: number };
  'pipeline.values': { pipeline: string; values: number };
  'pipeline.rejected': { pipeline: string; reason: string; count: number };
  /** One batch stored in a ClickHouse table (after any retries); duration of the successful attempt. */
  'sink.clickhouse.insert': { table: string; rows: number; durationSeconds: number };
  /** One failed insert attempt; `retriable` false means the batch's writes were rejected. */
  'sink.clickhouse.insert_failed': { table: string; rows: number; error: unknown; retriable: boolean };
  /** Rows accepted by a writer and not yet stored (buffered or being inserted), against its bound. */
  'sink.clickhouse.buffer': { table: string; rows: number; capacity: number };
  /** Old daily partitions dropped by the retention job (servers without TTL). */
  'sink.clickhouse.retention': { table: string; partitionsDropped: number };
  /** One alert lifecycle transition (pending, firing, resolved, cancelled, flapping, unsilenced). */
  'alerts.transition': { pipeline: string; rule: string; change: string };
  /** Transitions a notifier delivered (after any retries). */
  'sink.alert.sent': { notifier: string; count: number };
  /** One failed delivery attempt; `final` when the batch was given up (retries exhausted or not retriable). */
  'sink.alert.failed': { notifier: string; count: number; error: unknown; final: boolean };
  /** Transitions dropped, oldest first, because the notifier's queue was full. */
  'sink.alert.dropped': { notifier: string; count: number };
  /** Transitions waiting in a notifier's queue, against its bound. */
  'sink.alert.queue': { notifier: string; size: number; capacity: number };
}

export type InstrumentationName = keyof InstrumentationEvents;

const channels = new Map<string, diagnosticsChannel.Channel>();

function channel(name: InstrumentationName): diagnosticsChannel.Channel {
  let ch = channels.get(name);
  if (!ch) {
    ch = diagnosticsChannel.channel(`cxpulse:${name}`);
    channels.set(name, ch);
  }
  return ch;
}

export function publish<N extends InstrumentationName>(name: N, payload: InstrumentationEvents[N]): void {
  const ch = channel(name);
  if (ch.hasSubscribers) ch.publish(payload);
}

/** True when someone listens: lets callers skip building a payload at all. */
export function isObserved(name: InstrumentationName): boolean {
  return channel(name).hasSubscribers;
}

export function subscribe<N extends InstrumentationName>(
  name: N,
  listener: (payload: InstrumentationEvents[N]) => void,
): () => void {
  const handler = (message: unknown) => listener(message as InstrumentationEvents[N]);
  diagnosticsChannel.subscribe(`cxpulse:${name}`, handler);
  return () => diagnosticsChannel.unsubscribe(`cxpulse:${name}`, handler);
}
