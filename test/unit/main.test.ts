import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/main.js';
import { commands } from '../../src/cli/commands.js';

function io(env: NodeJS.ProcessEnv = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += c));
  stderr.on('data', (c) => (err += c));
  return { io: { stdout, stderr, stdin: new PassThrough(), env }, out: () => out, err: () => err };
}

describe('cxpulse CLI', () => {
  it('lists every command in its help', async () => {
    const t = io();
    expect(await main(['--help'], t.io)).toBe(0);
    for (const c of commands) expect(t.out()).toContain(c.name);
  });

  it.each(commands.map((c) => c.name))('%s --help prints its usage and exits 0', async (name) => {
    const t = io();
    expect(await main([name, '--help'], t.io)).toBe(0);
    expect(t.out()).toMatch(/^Usage: cxpulse /);
  });

  it('exits 2 on an unknown command and on no command', async () => {
    const t = io();
    expect(await main(['frobnicate'], t.io)).toBe(2);
    expect(t.err()).toContain('unknown command "frobnicate"');
    expect(await main([], io().io)).toBe(2);
  });

  it('exits 2 naming the variable when the environment holds a bad value', async () => {
    const t = io({ PORT: 'abc' });
    expect(await main(['demo'], t.io)).toBe(2);
    expect(t.err()).toContain('env PORT');
  });

  it('exits 2 naming file, line and key for a bad configuration file', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'cxpulse-cli-'));
    const file = join(dir, 'cxpulse.yaml');
    writeFileSync(file, 'server:\n  port: 8080\nkafka:\n  brokres: [a]\n');
    const t = io();
    expect(await main(['run', '--config', file], t.io)).toBe(2);
    expect(t.err()).toMatch(/cxpulse\.yaml:4:\d+: kafka\.brokres/);
  });

  it('exits 2 on an unknown option', async () => {
    const t = io();
    expect(await main(['replay', '--frob'], t.io)).toBe(2);
    expect(t.err()).toContain('--frob');
  });
});
