import { describe, expect, it } from 'vitest';
import { CxPulseError } from '../../../src/errors/codes.js';
import { retryDelayMs, withRetry, type RetryPolicy } from '../../../src/errors/retry-policy.js';

const policy: RetryPolicy = { initialDelayMs: 100, maxDelayMs: 1000, factor: 2, jitter: 0.2, maxRetries: 3 };

describe('retry policy', () => {
  it('grows exponentially, caps at maxDelayMs and spreads by ±jitter', () => {
    expect(retryDelayMs(policy, 1, () => 0.5)).toBe(100);
    expect(retryDelayMs(policy, 3, () => 0.5)).toBe(400);
    expect(retryDelayMs(policy, 10, () => 0.5)).toBe(1000);
    expect(retryDelayMs(policy, 1, () => 0)).toBe(80);
    expect(retryDelayMs(policy, 1, () => 1)).toBe(120);
  });

  it('retries retriable failures until success', async () => {
    let calls = 0;
    const waits: number[] = [];
    const result = await withRetry(
      async () => {
        calls++;
        if (calls < 3) throw new CxPulseError('CXP_ERR_SINK_KAFKA');
        return 'done';
      },
      { policy, sleep: async (ms) => void waits.push(ms) },
    );
    expect(result).toBe('done');
    expect(calls).toBe(3);
    expect(waits).toHaveLength(2);
  });

  it('gives up after maxRetries and throws the last error', async () => {
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw new CxPulseError('CXP_ERR_SINK_CLICKHOUSE', `attempt ${calls}`);
        },
        { policy, sleep: async () => {} },
      ),
    ).rejects.toThrow('attempt 4');
    expect(calls).toBe(4);
  });

  it('does not retry an error that says it is not retriable', async () => {
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw new CxPulseError('CXP_ERR_EVENT_INVALID');
        },
        { policy, sleep: async () => {} },
      ),
    ).rejects.toBeInstanceOf(CxPulseError);
    expect(calls).toBe(1);
  });

  it('stops when the signal is aborted', async () => {
    const controller = new AbortController();
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          if (calls === 2) controller.abort();
          throw new Error('down');
        },
        { policy: { ...policy, maxRetries: Infinity }, signal: controller.signal, sleep: async () => {} },
      ),
    ).rejects.toThrow('down');
    expect(calls).toBe(2);
  });
});
