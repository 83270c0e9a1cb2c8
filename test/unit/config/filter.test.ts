import { describe, expect, it } from 'vitest';
import { compileFilter } from '../../../src/config/filter.js';
import type { CxEvent } from '../../../src/events/types.js';

const vipCall = {
  id: '1',
  type: 'contact.answered',
  ts: 0,
  channel: 'voice',
  queue: 'billing',
  contactId: 'c1',
  segment: 'vip',
  waitMs: 25_000,
} as CxEvent;
const survey = { id: '2', type: 'survey.response', ts: 0, csat: 2, tags: ['long-wait', 'rude'] } as CxEvent;

describe('compileFilter', () => {
  it('matches eq, ne, in and numeric bounds', () => {
    expect(compileFilter({ field: 'segment', eq: 'vip' })(vipCall)).toBe(true);
    expect(compileFilter({ field: 'segment', ne: 'vip' })(vipCall)).toBe(false);
    expect(compileFilter({ field: 'channel', in: ['chat', 'voice'] })(vipCall)).toBe(true);
    expect(compileFilter({ field: 'waitMs', gte: 20_000, lt: 30_000 })(vipCall)).toBe(true);
    expect(compileFilter({ field: 'waitMs', gt: 25_000 })(vipCall)).toBe(false);
  });

  it('treats in on an array field as "any element in the set"', () => {
    expect(compileFilter({ field: 'tags', in: ['rude'] })(survey)).toBe(true);
    expect(compileFilter({ field: 'tags', in: ['friendly'] })(survey)).toBe(false);
  });

  it('combines with all, any and not', () => {
    const f = compileFilter({
      all: [{ field: 'type', eq: 'contact.answered' }, { not: { field: 'queue', eq: 'sales' } }],
    });
    expect(f(vipCall)).toBe(true);
    expect(
      compileFilter({
        any: [
          { field: 'csat', lte: 2 },
          { field: 'segment', eq: 'vip' },
        ],
      })(survey),
    ).toBe(true);
  });

  it('checks presence with exists and never reads the prototype chain', () => {
    expect(compileFilter({ field: 'segment', exists: true })(survey)).toBe(false);
    expect(compileFilter({ field: 'toString', exists: true })(survey)).toBe(false);
    expect(compileFilter({ field: 'constructor', exists: false })(survey)).toBe(true);
  });

  it('does not match numeric bounds on missing or non-numeric values', () => {
    expect(compileFilter({ field: 'nps', gte: 0 })(survey)).toBe(false);
    expect(compileFilter({ field: 'queue', gte: 0 })(vipCall)).toBe(false);
  });
});
