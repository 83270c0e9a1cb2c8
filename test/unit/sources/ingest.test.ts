import { firstValueFrom, of, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ingest } from '../../../src/sources/ingest.js';
import type { SourceBatch } from '../../../src/sources/source-port.js';
import { createMemoryDeadLetterSink } from '../../../src/sinks/kafka/dead-letter-sink.js';
import type { DeadLetterSink } from '../../../src/sinks/kafka/dead-letter-sink.js';

const NOW = Date.parse('2026-11-22T12:00:00Z');

function batch(values: Array<string | null>, acks: string[], name = 'b'): SourceBatch {
  return {
    topic: 'cx.events',
    partition: 2,
    lag: 0,
    messages: values.map((v, i) => ({
      offset: String(100 + i),
      key: null,
      value: v === null ? null : Buffer.from(v),
    })),
    ack: () => acks.push(name),
    release: () => {},
  };
}

const valid = (id: string) =>
  JSON.stringify({
    id,
    type: 'contact.queued',
    ts: NOW - 1000,
    channel: 'voice',
    queue: 'billing',
    contactId: `c-${id}`,
  });

describe('ingest', () => {
  it('passes valid events on in order and dead-letters the rest with reason and position', async () => {
    const deadLetters = createMemoryDeadLetterSink();
    const acks: string[] = [];
    const out = await firstValueFrom(
      of(
        batch(
          [valid('a'), '{not json', valid('b'), JSON.stringify({ id: 'x', type: 'nope', ts: NOW }), null],
          acks,
        ),
      ).pipe(ingest({ sourceName: 'test', limits: {}, deadLetters, now: () => NOW }), toArray()),
    );
    expect(out).toHaveLength(1);
    expect(out[0]!.events.map((e) => e.id)).toEqual(['a', 'b']);
    expect(acks).toEqual([]);
    out[0]!.ack();
    expect(acks).toEqual(['b']);
    const dl = deadLetters.recent();
    expect(dl.map((d) => [d.reason, d.source.offset, d.source.partition])).toEqual([
      ['invalid-json', '101', 2],
      ['unknown-type', '103', 2],
      ['invalid-json', '104', 2],
    ]);
    expect(dl[0]!.originalBytes.toString()).toBe('{not json');
  });

  it('acknowledges a batch with no valid event itself, after its dead letters are stored', async () => {
    const order: string[] = [];
    const deadLetters: DeadLetterSink = {
      publish: async (d) => void order.push(`dead-letters:${d.length}`),
      close: async () => {},
    };
    const out = await firstValueFrom(
      of(batch(['[]', '"x"'], order)).pipe(
        ingest({ sourceName: 'test', limits: {}, deadLetters, now: () => NOW }),
        toArray(),
      ),
    );
    expect(out).toEqual([]);
    expect(order).toEqual(['dead-letters:2', 'b']);
  });

  it('holds the batch back while the dead-letter sink has not stored its letters', async () => {
    let release!: () => void;
    const stored = new Promise<void>((resolve) => (release = resolve));
    const deadLetters: DeadLetterSink = { publish: () => stored, close: async () => {} };
    const seen: number[] = [];
    const done = firstValueFrom(
      of(batch(['oops', valid('z')], [])).pipe(
        ingest({ sourceName: 't', limits: {}, deadLetters, now: () => NOW }),
        toArray(),
      ),
    ).then((b) => seen.push(b.length));
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).toEqual([]);
    release();
    await done;
    expect(seen).toEqual([1]);
  });
});
