import { describe, expect, it } from 'vitest';
import type { CxEvent } from '../../../src/events/types.js';
import { CommitGate } from '../../../src/sources/commit-gate.js';

const ev = (type: string, ts: number) => ({ id: `${type}${ts}`, type, ts }) as CxEvent;

describe('CommitGate', () => {
  const gate = () =>
    new CommitGate([
      { name: 'calls', windows: [{ sizeMs: 60_000, hopMs: 60_000 }], eventTypes: ['contact.queued'] },
      { name: 'surveys', windows: [{ sizeMs: 900_000, hopMs: 60_000 }], eventTypes: ['survey.response'] },
    ]);

  it('acks a batch once every pipeline that read it has a stored watermark past its windows', () => {
    const g = gate();
    const acks: string[] = [];
    g.hold([ev('contact.queued', 10_000), ev('contact.queued', 50_000)], () => acks.push('a'));
    g.advance([59_999, -Infinity]);
    expect(acks).toEqual([]); // the window [0, 60 s) holding both events is not closed yet
    g.advance([60_000, -Infinity]);
    expect(acks).toEqual(['a']); // the survey pipeline read nothing of it, so its watermark is irrelevant
    expect(g.size()).toBe(0);
  });

  it('waits for the slowest pipeline that read the batch, and acks out of order when coverage allows', () => {
    const g = gate();
    const acks: string[] = [];
    g.hold([ev('contact.queued', 0), ev('survey.response', 0)], () => acks.push('both'));
    g.hold([ev('contact.queued', 1_000)], () => acks.push('calls-only'));
    g.advance([70_000, 60_000]);
    expect(acks).toEqual(['calls-only']); // the survey at 0 s is in windows up to [0, 15 min)
    g.advance([70_000, 900_000]);
    expect(acks).toEqual(['calls-only', 'both']);
  });

  it('releases everything at shutdown', () => {
    const g = gate();
    const acks: number[] = [];
    g.hold([ev('contact.queued', 5)], () => acks.push(1));
    g.hold([ev('survey.response', 5)], () => acks.push(2));
    g.releaseAll();
    expect(acks).toEqual([1, 2]);
    expect(g.size()).toBe(0);
  });

  it('acks at once a batch no pipeline reads', () => {
    const g = gate();
    const acks: number[] = [];
    g.hold([ev('agent.state', 5)], () => acks.push(1));
    g.advance([-Infinity, -Infinity]);
    expect(acks).toEqual([1]);
  });
});
