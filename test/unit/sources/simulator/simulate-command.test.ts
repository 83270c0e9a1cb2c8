import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { CxEvent } from '../../../../src/events/types.js';
import type { EventPublisher } from '../../../../src/sources/simulator/event-publisher.js';
import { runSimulateCommand, type SimulateIo } from '../../../../src/sources/simulator/simulate-command.js';

const START = Date.UTC(2026, 0, 5, 10);

function capture(extra: Partial<SimulateIo> = {}): SimulateIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: { write: (s: string) => out.push(s) },
    stderr: { write: (s: string) => err.push(s) },
    env: {},
    signal: new AbortController().signal,
    ...extra,
  };
}

const tmp = (): string => mkdtempSync(join(tmpdir(), 'cxp-sim-'));

describe('runSimulateCommand', () => {
  it('prints help and exits 0', async () => {
    const io = capture();
    expect(await runSimulateCommand(['--help'], io)).toBe(0);
    expect(io.out.join('')).toContain('Usage: cxpulse simulate');
    expect(io.out.join('')).toContain('--scenario FILE');
  });

  it.each([
    [['--rate', 'fast'], '--rate'],
    [['--rate', '-5'], '--rate'],
    [['--seed', '1.5'], '--seed'],
    [['--speed', '0'], '--speed'],
    [['--duration', 'forever'], '--duration'],
    [['--speed', 'max'], '--speed max needs --duration'],
    [['--output', 'events.txt'], '--output'],
    [['--output', 'kafka'], 'KAFKA_BROKERS'],
    [['--bogus'], 'bogus'],
  ])('rejects %j with exit code 2 and a clear message', async (argv, fragment) => {
    const io = capture();
    expect(await runSimulateCommand(argv, io)).toBe(2);
    expect(io.err.join('')).toContain(fragment);
  });

  it('names the scenario file and key of a scenario error (exit 2)', async () => {
    const io = capture();
    const dir = tmp();
    const file = join(dir, 'bad.yaml');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      file,
      'name: bad\nincidents:\n  - kind: understaffing\n    queues: [billing/voice]\n    awayFraction: 3\n    from: 1m\n',
    );
    expect(await runSimulateCommand(['--scenario', file], io)).toBe(2);
    expect(io.err.join('')).toMatch(/bad\.yaml: incidents\[0\]\.awayFraction/);
  });

  it('writes JSON lines to a file at --speed max, deterministically, with labels', async () => {
    const dir = tmp();
    const args = (out: string, labels: string) => [
      '--seed',
      '9',
      '--rate',
      '300',
      '--speed',
      'max',
      '--duration',
      '3m',
      '--start',
      String(START),
      '--scenario',
      'scenarios/demo.yaml',
      '--output',
      out,
      '--labels',
      labels,
    ];
    const io = capture();
    expect(await runSimulateCommand(args(join(dir, 'a.jsonl'), join(dir, 'a.labels')), io)).toBe(0);
    expect(await runSimulateCommand(args(join(dir, 'b.jsonl'), join(dir, 'b.labels')), capture())).toBe(0);
    const a = readFileSync(join(dir, 'a.jsonl'), 'utf8');
    expect(a).toBe(readFileSync(join(dir, 'b.jsonl'), 'utf8'));
    const events = a
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as CxEvent);
    expect(events.length).toBeGreaterThan(300 * 180 * 0.5);
    expect(events.every((e) => e.ts >= START && e.ts < START + 180_000)).toBe(true);
    // Only the demo's first incident (from 60 s) has started within 3 simulated minutes.
    const labels = readFileSync(join(dir, 'a.labels'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(labels).toEqual([
      {
        scenario: 'demo',
        kind: 'understaffing',
        target: 'billing/voice',
        startTs: START + 60_000,
        endTs: START + 1_500_000,
      },
    ]);
  });

  it('publishes to Kafka through the port, keyed by queue, journey or id', async () => {
    const published: { topic: string; key: string; event: CxEvent }[] = [];
    let closed = false;
    const publisher: EventPublisher = {
      async publish(topic, messages) {
        for (const m of messages)
          published.push({ topic, key: m.key, event: JSON.parse(m.value.toString()) });
      },
      async close() {
        closed = true;
      },
    };
    let brokersSeen: string[] = [];
    const io = capture({
      env: { KAFKA_BROKERS: 'k1:9092, k2:9092' },
      createPublisher: ({ brokers }) => ((brokersSeen = brokers), publisher),
    });
    const argv = [
      '--speed',
      'max',
      '--duration',
      '20s',
      '--start',
      String(START),
      '--output',
      'kafka',
      '--topic',
      't1',
    ];
    expect(await runSimulateCommand(argv, io)).toBe(0);
    expect(brokersSeen).toEqual(['k1:9092', 'k2:9092']);
    expect(closed).toBe(true);
    expect(published.length).toBeGreaterThan(100);
    for (const { topic, key, event } of published) {
      expect(topic).toBe('t1');
      if (event.type.startsWith('contact.')) expect(key).toBe((event as { queue: string }).queue);
      else if (event.type === 'touchpoint.event') expect(key).toBe(event.journeyId);
      else expect(key).toBe(event.id);
    }
  });

  it('paces a real-time run with the scheduler and stops at the duration', async () => {
    const scheduler = new VirtualTimeScheduler();
    const io = capture({ scheduler, now: () => START });
    const done = runSimulateCommand(['--speed', '10', '--duration', '5s', '--rate', '100'], io);
    // Let the command subscribe, then run virtual time to the end.
    await new Promise((r) => setTimeout(r, 10));
    scheduler.flush();
    expect(await done).toBe(0);
    const events = io.out
      .join('')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as CxEvent);
    expect(events.length).toBeGreaterThan(100);
    expect(Math.max(...events.map((e) => e.ts))).toBeLessThan(START + 5000);
  });

  it('stops an open-ended run when the signal aborts', async () => {
    const controller = new AbortController();
    const io = capture({ signal: controller.signal, now: () => START });
    const done = runSimulateCommand(['--speed', '100', '--rate', '100'], io);
    setTimeout(() => controller.abort(), 150);
    expect(await done).toBe(0);
    expect(io.out.join('').length).toBeGreaterThan(0);
  });
});
