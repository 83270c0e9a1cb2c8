import { describe, expect, it } from 'vitest';
import { chunkBySize } from '../../../../src/sinks/kafka/kafka-publisher.js';

describe('chunkBySize', () => {
  it('keeps order and splits so that no chunk exceeds the bound (unless one message alone does)', () => {
    const messages = Array.from({ length: 10 }, (_, i) => ({
      key: null,
      value: 'x'.repeat(i === 5 ? 2000 : 100),
    }));
    const chunks = chunkBySize(messages, 500);
    expect(chunks.flat()).toEqual(messages);
    for (const chunk of chunks) {
      const size = chunk.reduce((n, m) => n + m.value.length + 64, 0);
      expect(size <= 500 || chunk.length === 1).toBe(true);
    }
    expect(chunks.some((c) => c.length === 1 && c[0]!.value.length === 2000)).toBe(true);
  });

  it('returns nothing for nothing', () => {
    expect(chunkBySize([], 100)).toEqual([]);
  });
});
