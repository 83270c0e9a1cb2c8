import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/main.js';

function run(argv: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += c));
  stderr.on('data', (c) => (err += c));
  return main(argv, { stdout, stderr, stdin: new PassThrough(), env: {} }).then((code) => ({
    code,
    out,
    err,
  }));
}

describe('cxpulse replay', () => {
  it('writes one final value per key and window, computed over the whole file, and reports bad lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cxpulse-replay-'));
    const pipeline = join(dir, 'p.yaml');
    writeFileSync(
      pipeline,
      `name: calls
source: { topics: [cx.events] }
keyBy: [queue]
windows: [{ size: 1m }]
lateness: 10s
indicators:
  - id: contacts_offered
  - id: asa_seconds
`,
    );
    const t0 = Date.parse('2025-03-01T10:00:00Z');
    const lines: string[] = [];
    const expected = new Map<string, { offered: number; waits: number[] }>();
    for (let i = 0; i < 300; i++) {
      const queue = i % 3 === 0 ? 'sales' : 'billing';
      const ts = t0 + i * 1000 + (i % 7 === 0 ? -4000 : 0); // a little disorder, inside the lateness
      const minute = Math.floor(ts / 60_000) * 60_000;
      const id = `${queue}|${minute}`;
      const entry = expected.get(id) ?? { offered: 0, waits: [] };
      entry.offered++;
      lines.push(
        JSON.stringify({
          id: `q${i}`,
          type: 'contact.queued',
          ts,
          channel: 'voice',
          queue,
          contactId: `c${i}`,
        }),
      );
      const waitMs = (i % 5) * 1000;
      entry.waits.push(waitMs);
      lines.push(
        JSON.stringify({
          id: `a${i}`,
          type: 'contact.answered',
          ts,
          channel: 'voice',
          queue,
          contactId: `c${i}`,
          waitMs,
        }),
      );
      expected.set(id, entry);
    }
    lines.splice(10, 0, '{"broken": ');
    lines.splice(20, 0, '');
    const input = join(dir, 'events.jsonl');
    writeFileSync(input, `${lines.join('\n')}\n`);

    const { code, out, err } = await run([
      'replay',
      '--pipeline',
      pipeline,
      '--input',
      input,
      '--batch-size',
      '37',
    ]);
    expect(code).toBe(0);
    const values = out
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as {
            indicator: string;
            key: { queue: string };
            windowStart: string;
            value: number;
            kind: string;
          },
      );
    expect(values.every((v) => v.kind === 'final')).toBe(true);
    const offered = values.filter((v) => v.indicator === 'contacts_offered');
    expect(offered).toHaveLength(expected.size);
    for (const v of offered) {
      const e = expected.get(`${v.key.queue}|${Date.parse(v.windowStart)}`)!;
      expect(v.value).toBe(e.offered);
      const asa = values.find(
        (x) =>
          x.indicator === 'asa_seconds' && x.key.queue === v.key.queue && x.windowStart === v.windowStart,
      )!;
      expect(asa.value).toBeCloseTo(e.waits.reduce((a, b) => a + b, 0) / e.waits.length / 1000, 9);
    }
    expect(err).toContain('"line":11');
    expect(err).toContain('"reason":"invalid-json"');
    expect(err).toMatch(/replay: 600 events, 1 rejected lines/);
  });

  it('exits 2 without --pipeline and names a bad pipeline file', async () => {
    expect((await run(['replay', '--input', 'x.jsonl'])).code).toBe(2);
    const dir = mkdtempSync(join(tmpdir(), 'cxpulse-replay-'));
    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      'name: x\nsource: { topics: [a] }\nkeyBy: [queue]\nwindows: [{ size: 1m }]\nindicators:\n  - id: csatt\n',
    );
    const r = await run(['replay', '--pipeline', bad, '--input', 'x.jsonl']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bad\.yaml:6:\d+: indicators\[0\]\.id/);
  });
});
