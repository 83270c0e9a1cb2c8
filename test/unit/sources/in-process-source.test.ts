import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { CxEvent } from '../../../src/events/types.js';
import { createInProcessSource } from '../../../src/sources/in-process-source.js';
import type { SourceBatch } from '../../../src/sources/source-port.js';

describe('in-process source', () => {
  it('serialises event batches to JSON messages with increasing offsets and tracks acks', async () => {
    const events = new Subject<CxEvent[]>();
    const source = createInProcessSource(events, { topic: 'sim' });
    const seen: SourceBatch[] = [];
    source.batches$.subscribe((b) => seen.push(b));
    expect(source.isReady()).toBe(false);
    await source.start();
    expect(source.isReady()).toBe(true);
    const e = {
      id: '1',
      type: 'agent.state',
      ts: 5,
      agentId: 'a',
      team: 't',
      queues: ['q'],
      state: 'busy',
    } as CxEvent;
    events.next([e, { ...e, id: '2' }]);
    events.next([{ ...e, id: '3' }]);
    expect(seen.map((b) => b.messages.map((m) => m.offset))).toEqual([['0', '1'], ['2']]);
    expect(JSON.parse(seen[0]!.messages[1]!.value!.toString())).toEqual({ ...e, id: '2' });
    expect(source.inFlight()).toBe(2);
    seen[0]!.ack();
    seen[0]!.ack();
    expect(source.inFlight()).toBe(1);
    let completed = false;
    source.batches$.subscribe({ complete: () => (completed = true) });
    await source.stop();
    expect(completed).toBe(true);
  });
});
