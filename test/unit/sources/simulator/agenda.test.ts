import { describe, expect, it } from 'vitest';
import { Agenda } from '../../../../src/sources/simulator/agenda.js';

interface Item {
  t: number;
  seq: number;
  name: string;
}
const item = (t: number, name: string): Item => ({ t, seq: 0, name });

function drain(agenda: Agenda<Item>): string[] {
  const out: string[] = [];
  for (let x = agenda.pop(); x !== undefined; x = agenda.pop()) out.push(x.name);
  return out;
}

describe('Agenda', () => {
  it('is empty at first', () => {
    const agenda = new Agenda<Item>(1000);
    expect(agenda.peekTime()).toBe(Number.POSITIVE_INFINITY);
    expect(agenda.pop()).toBeUndefined();
  });

  it('orders by millisecond, then by insertion within a millisecond', () => {
    const agenda = new Agenda<Item>(0);
    agenda.schedule(item(30, 'c'));
    agenda.schedule(item(10.9, 'a1'));
    agenda.schedule(item(10.1, 'a2'));
    agenda.schedule(item(20, 'b'));
    expect(agenda.size).toBe(4);
    expect(agenda.peekTime()).toBe(10);
    expect(drain(agenda)).toEqual(['a1', 'a2', 'b', 'c']);
  });

  it('keeps far-future tasks (beyond the ring) in time order with near ones', () => {
    const agenda = new Agenda<Item>(0);
    agenda.schedule(item(3_600_000, 'hour'));
    agenda.schedule(item(100_000, '100s'));
    agenda.schedule(item(5, 'soon'));
    agenda.schedule(item(70_000, '70s'));
    agenda.schedule(item(86_400_000, 'day'));
    expect(drain(agenda)).toEqual(['soon', '70s', '100s', 'hour', 'day']);
  });

  it('runs a task scheduled in the past in the current millisecond', () => {
    const agenda = new Agenda<Item>(0);
    agenda.schedule(item(50, 'first'));
    agenda.schedule(item(60, 'later'));
    expect(agenda.pop()?.name).toBe('first');
    agenda.schedule(item(10, 'late-arrival'));
    expect(agenda.peekTime()).toBe(50);
    expect(drain(agenda)).toEqual(['late-arrival', 'later']);
  });

  it('matches a sort by (ms, insertion) on random interleaved schedule/pop', () => {
    const agenda = new Agenda<Item>(0);
    const expected: { ms: number; seq: number; name: string }[] = [];
    let seq = 0;
    let now = 0;
    let x = 12345;
    const rand = (): number => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 4294967296;
    const popped: string[] = [];
    const reference: string[] = [];
    for (let step = 0; step < 3000; step++) {
      if (rand() < 0.6) {
        const t = now + rand() * (rand() < 0.1 ? 200_000 : 2_000);
        const name = `n${step}`;
        agenda.schedule(item(t, name));
        expected.push({ ms: Math.floor(t), seq: seq++, name });
      } else if (expected.length > 0) {
        expected.sort((a, b) => a.ms - b.ms || a.seq - b.seq);
        const next = expected.shift() as { ms: number; name: string };
        reference.push(next.name);
        const got = agenda.pop() as Item;
        popped.push(got.name);
        now = Math.floor(got.t);
      }
    }
    expect(popped).toEqual(reference);
  });
});
