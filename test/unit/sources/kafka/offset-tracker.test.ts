import { describe, expect, it } from 'vitest';
import { OffsetTracker } from '../../../../src/sources/kafka/offset-tracker.js';

describe('OffsetTracker', () => {
  it('commits the offset after the last message once a batch is acknowledged', () => {
    const tracker = new OffsetTracker();
    const ack = tracker.track('t', 0, '41');
    expect(tracker.inFlight()).toBe(1);
    expect(tracker.takeCommittable()).toEqual([]);
    ack();
    expect(tracker.inFlight()).toBe(0);
    expect(tracker.takeCommittable()).toEqual([{ topic: 't', partition: 0, offset: '42' }]);
    expect(tracker.takeCommittable()).toEqual([]);
  });

  it('never commits past a batch that is still open, even when later ones are done', () => {
    const tracker = new OffsetTracker();
    const first = tracker.track('t', 0, '9');
    const second = tracker.track('t', 0, '19');
    const third = tracker.track('t', 0, '29');
    second();
    third();
    expect(tracker.takeCommittable()).toEqual([]);
    first();
    expect(tracker.takeCommittable()).toEqual([{ topic: 't', partition: 0, offset: '30' }]);
  });

  it('keeps partitions independent', () => {
    const tracker = new OffsetTracker();
    const p0 = tracker.track('t', 0, '5');
    tracker.track('t', 1, '7');
    p0();
    expect(tracker.takeCommittable()).toEqual([{ topic: 't', partition: 0, offset: '6' }]);
    expect(tracker.inFlight()).toBe(1);
  });

  it('treats a repeated ack as one', () => {
    const tracker = new OffsetTracker();
    const ack = tracker.track('t', 0, '1');
    tracker.track('t', 0, '2');
    ack();
    ack();
    expect(tracker.inFlight()).toBe(1);
  });

  it('handles 64-bit offsets beyond Number precision', () => {
    const tracker = new OffsetTracker();
    tracker.track('t', 0, '9007199254740993')();
    expect(tracker.takeCommittable()[0]?.offset).toBe('9007199254740994');
  });

  it('forgets revoked partitions: late acks neither commit nor count twice', () => {
    const tracker = new OffsetTracker();
    const revoked = tracker.track('t', 0, '10');
    const kept = tracker.track('t', 1, '20');
    tracker.forget((_topic, partition) => partition === 1);
    expect(tracker.inFlight()).toBe(1);
    revoked();
    expect(tracker.inFlight()).toBe(1);
    expect(tracker.takeCommittable()).toEqual([]);
    kept();
    expect(tracker.takeCommittable()).toEqual([{ topic: 't', partition: 1, offset: '21' }]);
  });
});
