/**
 * Where the window engine puts the values it produces, and the bounded sink the operator uses.
 *
 * Why chunks: at every pane boundary the engine closes windows for every live key (with 10 000 keys
 * and the contact-centre pipeline, up to 264 000 values at once). Gathered in one array, all of them
 * (and the array) survive young-generation scavenges, get promoted, and the old generation grows far
 * past the live heap; V8 then keeps those pages. Handed on a few thousand at a time, each chunk is
 * dropped by its consumer before the next one is built, and dies young. See docs/windows.md, Memory.
 */
import { CxPulseError } from '../errors/codes.js';
import type { IndicatorValue } from './indicator-value.js';

/** Receives values in output order. A plain `IndicatorValue[]` is one (tests collect into arrays). */
export interface ValueSink {
  push(value: IndicatorValue): unknown;
}

/** Largest array the operator emits by default: small enough to die young, large enough to batch I/O. */
export const DEFAULT_MAX_VALUES_PER_EMIT = 4_096;

/** Returns `limit` when it is a positive integer; throws CXP_ERR_CONFIG_INVALID otherwise. */
export function checkChunkLimit(limit: number): number {
  if (!(Number.isInteger(limit) && limit >= 1)) {
    throw new CxPulseError(
      'CXP_ERR_CONFIG_INVALID',
      `maxValuesPerEmit must be a positive integer, got ${limit}`,
    );
  }
  return limit;
}

/**
 * Collects values and hands them to `emit` in fresh arrays of at most `limit` values, as soon as one
 * is full; `flush()` hands on the rest. Order is kept. `emit` is called synchronously from inside
 * the engine's loop: it must not feed events back into the same engine.
 */
export class ValueChunker implements ValueSink {
  private chunk: IndicatorValue[] = [];

  constructor(
    private readonly limit: number,
    private readonly emit: (chunk: IndicatorValue[]) => void,
  ) {
    checkChunkLimit(limit);
  }

  push(value: IndicatorValue): void {
    const chunk = this.chunk;
    chunk.push(value);
    if (chunk.length >= this.limit) {
      // A fresh array each time: the consumer may keep the one it got.
      this.chunk = [];
      this.emit(chunk);
    }
  }

  /** Emits what is left (nothing when empty). */
  flush(): void {
    const chunk = this.chunk;
    if (chunk.length === 0) return;
    this.chunk = [];
    this.emit(chunk);
  }
}
