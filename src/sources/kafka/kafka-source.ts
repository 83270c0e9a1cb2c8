/**
 * kafkajs behind our EventSource port. kafkajs is no longer maintained upstream; nothing outside
 * src/sources/kafka and src/sinks/kafka imports it, so another client stays a local change.
 *
 * Delivery: at least once. Offsets are resolved as soon as a batch is handed downstream (so the
 * fetcher moves on) but committed only when downstream acknowledges the batch and every earlier batch
 * of its partition. Back-pressure: when `maxInFlightBatches` batches are unreleased, eachBatch waits
 * (heartbeating) until downstream catches up, so memory stays bounded by that many batches instead
 * of growing with the backlog. It waits rather than calling consumer.pause(): a pause drops the
 * rest of the fetch it arrives in, and the next fetch again serves the first partitions first, so
 * under steady back-pressure the last partitions starve and their events reach the windows after
 * the watermark has passed them.
 */
import { Kafka, logLevel, type Consumer, type EachBatchPayload } from 'kafkajs';
import { Subject } from 'rxjs';
import { CxPulseError } from '../../errors/codes.js';
import { publish } from '../../observability/instrumentation.js';
import type { EventSource, SourceBatch } from '../source-port.js';
import { OffsetTracker } from './offset-tracker.js';

const HEARTBEAT_WHILE_WAITING_MS = 1_000;

export interface KafkaSourceOptions {
  brokers: string[];
  clientId: string;
  groupId: string;
  topics: string[];
  /** Pause fetching when this many batches are unacknowledged downstream. */
  maxInFlightBatches: number;
  /** Where a group with no committed offset starts. Default false (newest), as a live monitor wants. */
  fromBeginning?: boolean;
  sessionTimeoutMs?: number;
  /** Upper bound of bytes per partition fetch; bounds one batch's size. */
  maxBytesPerPartition?: number;
  /**
   * Longest wait of one fetch for new data. Default 500 ms.
   */
  maxWaitTimeMs?: number;
}

export function createKafkaSource(options: KafkaSourceOptions): EventSource {
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    logLevel: logLevel.WARN,
    retry: { initialRetryTime: 300, retries: 10 },
  });
  const consumer: Consumer = kafka.consumer({
    groupId: options.groupId,
    allowAutoTopicCreation: false,
    sessionTimeout: options.sessionTimeoutMs ?? 30_000,
    maxBytesPerPartition: options.maxBytesPerPartition ?? 1_048_576,
    maxWaitTimeInMs: options.maxWaitTimeMs ?? 500,
  });
  const tracker = new OffsetTracker();
  const batches = new Subject<SourceBatch>();
  let ready = false;
  let stopping = false;
  let committing: Promise<void> | null = null;
  /** Batches neither released nor acknowledged: what pauses fetching. */
  let unreleased = 0;
  let commitAgain = false;

  consumer.on(consumer.events.GROUP_JOIN, (event) => {
    const assigned = event.payload.memberAssignment;
    tracker.forget((topic, partition) => (assigned[topic] ?? []).includes(partition));
    ready = true;
  });
  consumer.on(consumer.events.CRASH, (event) => {
    ready = false;
    publish('source.kafka.crash', { error: event.payload.error, restart: event.payload.restart });
  });
  consumer.on(consumer.events.STOP, () => {
    ready = false;
  });

  const commit = (): void => {
    if (committing) {
      commitAgain = true;
      return;
    }
    const offsets = tracker.takeCommittable();
    if (offsets.length === 0) return;
    committing = consumer
      .commitOffsets(offsets)
      .then(
        () => publish('source.kafka.commit', { offsets: offsets.length }),
        // A commit lost in a rebalance is safe: the partition's next owner re-reads from the last commit.
        (error: unknown) => publish('source.kafka.commit_failed', { error }),
      )
      .finally(() => {
        committing = null;
        if (commitAgain) {
          commitAgain = false;
          commit();
        }
      });
  };

  /** Resolves a waiting eachBatch once a batch is released (or the source stops). */
  let wakeUp: (() => void) | null = null;
  const wake = (): void => {
    const resolve = wakeUp;
    wakeUp = null;
    resolve?.();
  };

  /**
   * Holds the fetcher while downstream is full. Heartbeats keep the membership; a rebalance makes
   * heartbeat() throw, which hands the partitions on (their unacknowledged batches are re-read).
   */
  const waitForRoom = async (payload: EachBatchPayload): Promise<void> => {
    if (unreleased < options.maxInFlightBatches) return;
    publish('source.kafka.paused', { inFlight: unreleased });
    while (
      unreleased >= options.maxInFlightBatches &&
      !stopping &&
      payload.isRunning() &&
      !payload.isStale()
    ) {
      await new Promise<void>((resolve) => {
        wakeUp = resolve;
        setTimeout(wake, HEARTBEAT_WHILE_WAITING_MS);
      });
      await payload.heartbeat();
    }
    publish('source.kafka.resumed', { inFlight: unreleased });
  };

  const eachBatch = async (payload: EachBatchPayload): Promise<void> => {
    const { batch, resolveOffset, heartbeat } = payload;
    if (batch.isEmpty()) return;
    const lastOffset = batch.lastOffset();
    const acknowledge = tracker.track(batch.topic, batch.partition, lastOffset);
    let acked = false;
    const lag = Number(batch.offsetLag());
    publish('source.kafka.batch', {
      topic: batch.topic,
      partition: batch.partition,
      messages: batch.messages.length,
      lag,
    });
    let released = false;
    unreleased++;
    const release = (): void => {
      if (released) return;
      released = true;
      unreleased--;
      wake();
    };
    batches.next({
      topic: batch.topic,
      partition: batch.partition,
      messages: batch.messages,
      lag,
      release,
      ack: () => {
        if (acked) return;
        acked = true;
        acknowledge();
        commit();
        release();
      },
    });
    resolveOffset(lastOffset);
    await heartbeat();
    await waitForRoom(payload);
  };

  return {
    batches$: batches.asObservable(),
    async start() {
      try {
        await consumer.connect();
        for (const topic of options.topics) {
          await consumer.subscribe({ topic, fromBeginning: options.fromBeginning ?? false });
        }
        await consumer.run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          partitionsConsumedConcurrently: 1,
          eachBatch,
        });
      } catch (error) {
        throw new CxPulseError('CXP_ERR_SOURCE_KAFKA', `cannot start the Kafka consumer: ${String(error)}`, {
          cause: error,
        });
      }
    },
    async stop() {
      if (stopping) return;
      stopping = true;
      wake();
      commit();
      while (committing) await committing;
      await consumer.disconnect();
      ready = false;
      batches.complete();
    },
    isReady: () => ready,
    inFlight: () => unreleased,
  };
}
