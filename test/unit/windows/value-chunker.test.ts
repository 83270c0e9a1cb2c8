import { describe, expect, it } from 'vitest';
import type { IndicatorValue } from '../../../src/windows/indicator-value.js';
import { ValueChunker } from '../../../src/windows/value-chunker.js';

/** Stand-ins: the chunker only moves values, it never reads them. */
const values = (n: number): IndicatorValue[] =>
  Array.from({ length: n }, (_, i) => ({ version: i }) as unknown as IndicatorValue);

describe('ValueChunker', () => {
  it('hands values on in order, in fresh arrays of at most the limit, the rest on flush', () => {
    const chunks: IndicatorValue[][] = [];
    const chunker = new ValueChunker(3, (chunk) => chunks.push(chunk));
    const input = values(7);
    for (const v of input) chunker.push(v);
    expect(chunks.map((c) => c.length)).toEqual([3, 3]);
    chunker.flush();
    expect(chunks.map((c) => c.length)).toEqual([3, 3, 1]);
    expect(chunks.flat()).toEqual(input);
    expect(new Set(chunks).size).toBe(3);
  });

  it('emits a full chunk as soon as it is full, not on the next push', () => {
    let emitted = 0;
    const chunker = new ValueChunker(2, () => emitted++);
    chunker.push(values(1)[0]!);
    expect(emitted).toBe(0);
    chunker.push(values(1)[0]!);
    expect(emitted).toBe(1);
  });

  it('emits nothing on flush when empty, and a consumer may keep the arrays it got', () => {
    const chunks: IndicatorValue[][] = [];
    const chunker = new ValueChunker(2, (chunk) => chunks.push(chunk));
    chunker.flush();
    expect(chunks).toEqual([]);
    for (const v of values(4)) chunker.push(v);
    chunker.flush();
    expect(chunks.map((c) => c.map((v) => v.version))).toEqual([
      [0, 1],
      [2, 3],
    ]);
  });

  it.each([0, -1, 1.5, NaN])('refuses a limit of %s', (limit) => {
    expect(() => new ValueChunker(limit, () => {})).toThrow(/maxValuesPerEmit must be a positive integer/);
  });
});
