/**
 * The one retry policy, used by every sink and client wrapper.
 *
 * Delay before attempt n (n = 1 for the first retry):
 *   delay(n) = min(maxDelayMs, initialDelayMs × factor^(n−1)) × (1 − jitter + 2 × jitter × random)
 * i.e. exponential growth capped at maxDelayMs, spread by ±jitter so that many instances retrying the
 * same server do not hammer it in step (the same shape kafkajs uses for its own retries).
 */
import { isRetriable } from './codes.js';

export interface RetryPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  factor: number;
  /** 0..1: share of the delay randomised. */
  jitter: number;
  /** Attempts after the first; Infinity retries until stopped (for data that must not be lost). */
  maxRetries: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  initialDelayMs: 100,
  maxDelayMs: 30_000,
  factor: 2,
  jitter: 0.2,
  maxRetries: 8,
};

export function retryDelayMs(
  policy: RetryPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.factor ** Math.max(0, attempt - 1));
  return Math.round(base * (1 - policy.jitter + 2 * policy.jitter * random()));
}

export interface RetryOptions {
  policy?: RetryPolicy;
  /** Called before each wait; lets callers count and log failures. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** Stops retrying (e.g. on shutdown); the last error is thrown. */
  signal?: AbortSignal;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function withRetry<T>(operation: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  const sleep = options.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (attempt > policy.maxRetries || !isRetriable(error) || options.signal?.aborted) throw error;
      const delay = retryDelayMs(policy, attempt);
      options.onRetry?.(error, attempt, delay);
      await sleep(delay);
    }
  }
}
