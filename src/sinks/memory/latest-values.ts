/**
 * The newest value of every (pipeline, indicator, window, key): what a wallboard snapshot and
 * GET /api/indicators serve. Bounded: the oldest entries are dropped beyond `capacity`.
 */
import type { IndicatorValue } from '../../windows/indicator-value.js';

export class LatestValues {
  private readonly values = new Map<string, IndicatorValue>();

  constructor(private readonly capacity = 200_000) {}

  update(batch: readonly IndicatorValue[]): void {
    for (const v of batch) {
      const id = `${v.pipeline}\u0000${v.indicator}\u0000${v.window}\u0000${v.keyId}`;
      const current = this.values.get(id);
      // A newer window always wins; within a window the higher version (final over early, corrections) wins.
      if (
        current &&
        (current.windowStart > v.windowStart ||
          (current.windowStart === v.windowStart && current.version > v.version))
      ) {
        continue;
      }
      this.values.delete(id);
      this.values.set(id, v);
      if (this.values.size > this.capacity) {
        const oldest = this.values.keys().next().value;
        if (oldest !== undefined) this.values.delete(oldest);
      }
    }
  }

  all(): IndicatorValue[] {
    return [...this.values.values()];
  }

  size(): number {
    return this.values.size;
  }
}
