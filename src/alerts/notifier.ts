/**
 * The notifier port (Alertmanager, webhook, Kafka implement it in src/sinks) and the queue in front
 * of each notifier. The pipeline only ever calls `enqueue`, which returns at once: a notifier that
 * is slow or down can never hold the pipeline back. Each queue is bounded; when it is full the
 * OLDEST transitions are dropped and counted (`sink.alert.dropped`), on the reasoning that the
 * newest state of an alert matters more than its history. Delivery is one batch at a time, retried
 * with the shared retry policy (src/errors/retry-policy.ts); a batch that still fails is counted
 * (`sink.alert.failed` with final = true) and given up.
 */
import { DEFAULT_RETRY_POLICY, withRetry, type RetryPolicy } from '../errors/retry-policy.js';
import { publish } from '../observability/instrumentation.js';
import { isNotifiable, type AlertTransition } from './alert.js';

export interface AlertNotifier {
  /** Metrics label, e.g. `alertmanager`, `webhook`, `kafka`. */
  readonly name: string;
  /**
   * `notifiable` (default): firing, re-firing after a silence or flapping mark, and resolved after
   * firing, not silenced; `all`: every transition (an audit log such as the Kafka topic).
   */
  readonly accepts?: 'notifiable' | 'all';
  /** Delivers one batch; throws on failure (a CxPulseError says whether retrying can help). */
  send(transitions: readonly AlertTransition[]): Promise<void>;
  close?(): Promise<void>;
}

export interface NotificationQueueOptions {
  /** Transitions held at most; default 1000. */
  capacity?: number;
  /** Transitions per delivery; default 100. */
  maxBatch?: number;
  retry?: RetryPolicy;
}

export interface NotificationQueueStats {
  sent: number;
  /** Transitions given up after their retries. */
  failed: number;
  /** Failed attempts, retried or not. */
  failedAttempts: number;
  dropped: number;
}

export class NotificationQueue {
  readonly stats: NotificationQueueStats = { sent: 0, failed: 0, failedAttempts: 0, dropped: 0 };
  private readonly queue: AlertTransition[] = [];
  private readonly capacity: number;
  private readonly maxBatch: number;
  private readonly retry: RetryPolicy;
  private readonly abort = new AbortController();
  private draining: Promise<void> | undefined;

  constructor(
    readonly notifier: AlertNotifier,
    options: NotificationQueueOptions = {},
  ) {
    this.capacity = options.capacity ?? 1000;
    this.maxBatch = options.maxBatch ?? 100;
    this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
  }

  /** Queues what this notifier accepts and returns at once; delivery happens in the background. */
  enqueue(transitions: readonly AlertTransition[]): void {
    if (this.abort.signal.aborted) return;
    const all = this.notifier.accepts === 'all';
    for (const t of transitions) if (all || isNotifiable(t)) this.queue.push(t);
    const overflow = this.queue.length - this.capacity;
    if (overflow > 0) {
      this.queue.splice(0, overflow);
      this.stats.dropped += overflow;
      publish('sink.alert.dropped', { notifier: this.notifier.name, count: overflow });
    }
    this.publishSize();
    if (this.queue.length > 0) this.draining ??= this.drain().finally(() => (this.draining = undefined));
  }

  get size(): number {
    return this.queue.length;
  }

  /** Resolves when the queue is empty and nothing is being delivered (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  /** Stops retrying, waits for the delivery in flight, then closes the notifier. Queued transitions are dropped. */
  async close(): Promise<void> {
    this.abort.abort();
    this.queue.length = 0;
    await this.idle();
    await this.notifier.close?.();
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0 && !this.abort.signal.aborted) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.publishSize();
      const name = this.notifier.name;
      try {
        await withRetry(() => this.notifier.send(batch), {
          policy: this.retry,
          signal: this.abort.signal,
          onRetry: (error) => {
            this.stats.failedAttempts++;
            publish('sink.alert.failed', { notifier: name, count: batch.length, error, final: false });
          },
        });
        this.stats.sent += batch.length;
        publish('sink.alert.sent', { notifier: name, count: batch.length });
      } catch (error) {
        this.stats.failedAttempts++;
        this.stats.failed += batch.length;
        publish('sink.alert.failed', { notifier: name, count: batch.length, error, final: true });
      }
    }
  }

  private publishSize(): void {
    publish('sink.alert.queue', {
      notifier: this.notifier.name,
      size: this.queue.length,
      capacity: this.capacity,
    });
  }
}
