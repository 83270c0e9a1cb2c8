import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeEvent } from '../../../src/events/decode.js';
import { EVENT_TYPES } from '../../../src/events/types.js';
import { EXAMPLE_NOW } from './examples.js';

// The examples in docs/events.md are part of the contract producers copy from: keep them decodable.
const docs = readFileSync(new URL('../../../docs/events.md', import.meta.url), 'utf8');
const examples = [...docs.matchAll(/```json event\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe('docs/events.md examples', () => {
  it('has an example for every shape', () => {
    const types = new Set(examples.map((e) => (JSON.parse(e) as { type: string }).type));
    expect(examples.length).toBeGreaterThanOrEqual(6);
    for (const prefix of [
      'contact.',
      'agent.state',
      'survey.response',
      'feedback.social',
      'touchpoint.event',
      'account.usage',
    ]) {
      expect([...types].some((t) => t.startsWith(prefix))).toBe(true);
    }
    expect([...types].every((t) => (EVENT_TYPES as readonly string[]).includes(t))).toBe(true);
  });

  it.each(examples.map((e) => [(JSON.parse(e) as { id: string }).id, e]))(
    'example %s decodes',
    (_id, json) => {
      const result = decodeEvent(json, { now: EXAMPLE_NOW });
      expect(result).toMatchObject({ ok: true });
    },
  );

  it('shows a dead-letter message the decoder would actually produce', () => {
    const block = /```json\n(\{\n {2}"v": 1,[\s\S]*?)```/.exec(docs)?.[1];
    const value = JSON.parse(block!) as {
      reason: string;
      detail: string;
      originalBase64: string;
      originalSize: number;
    };
    const original = Buffer.from(value.originalBase64, 'base64');
    expect(original.length).toBe(value.originalSize);
    expect(decodeEvent(original, { now: EXAMPLE_NOW })).toEqual({
      ok: false,
      reason: value.reason,
      detail: value.detail,
    });
  });
});
