import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { detectCommand, parseTimestamp } from '../../../src/cli/detect-command.js';
import { EnsembleDetector } from '../../../src/alerts/detectors/ensemble.js';
import { DAY_POINTS, series } from '../../support/synthetic-series.js';

function start(argv: string[] = []) {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += c));
  stderr.on('data', (c) => (err += c));
  const done = detectCommand.run(argv, { stdin, stdout, stderr, env: {} });
  return { stdin, done, out: () => out, err: () => err };
}

async function detect(input: string, argv: string[] = []) {
  const run = start(argv);
  run.stdin.end(input);
  const code = await run.done;
  return { code, out: run.out(), err: run.err() };
}

describe('cxpulse detect', () => {
  it('writes one row per input row, in order, scored by the same ensemble', async () => {
    const points = series(2 * DAY_POINTS, (i) => (i === 400 ? 130 : 100));
    const csv = `timestamp,value\n${points.map((p) => `${new Date(p.ts).toISOString()},${p.value}`).join('\n')}\n`;
    const { code, out, err } = await detect(csv);
    expect(code).toBe(0);
    expect(err).toBe('');
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toBe('timestamp,value,anomaly_score,is_anomaly');
    expect(lines).toHaveLength(points.length + 1);
    const direct = new EnsembleDetector();
    points.forEach((p, i) => {
      const [t, v, score, flag] = lines[i + 1]!.split(',');
      const r = direct.update(p.ts, p.value);
      expect(t).toBe(new Date(p.ts).toISOString());
      expect(Number(v)).toBe(p.value);
      expect(Number(score)).toBeCloseTo(r.score, 6);
      expect(flag).toBe(r.isAnomaly ? '1' : '0');
    });
    expect(lines[401]!.endsWith(',1')).toBe(true);
  });

  it('streams: a row is answered before the input ends', async () => {
    const run = start(['--detector', 'ewma']);
    run.stdin.write('timestamp,value\n2024-01-01 00:00:00,5\n');
    await new Promise((r) => setTimeout(r, 50));
    expect(run.out()).toBe('timestamp,value,anomaly_score,is_anomaly\n2024-01-01 00:00:00,5,0,0\n');
    run.stdin.end('1704067500000,6\n');
    expect(await run.done).toBe(0);
    expect(run.out().trimEnd().split('\n')).toHaveLength(3);
  });

  it('accepts CRLF, the three timestamp forms, and a blank last line', async () => {
    const { code, out } = await detect(
      'timestamp,value\r\n2014-07-06 20:10:00,1.5\r\n2014-07-06T20:15:00Z,2\r\n1404677700000,3\r\n\r\n',
      ['--detector', 'cusum'],
    );
    expect(code).toBe(0);
    expect(
      out
        .split('\n')
        .slice(1, 4)
        .map((l) => l.split(',').slice(0, 2).join(',')),
    ).toEqual(['2014-07-06 20:10:00,1.5', '2014-07-06T20:15:00Z,2', '1404677700000,3']);
  });

  it('stops with exit 2 at a malformed row and names its line', async () => {
    const rows = [
      'timestamp,value',
      ...Array.from({ length: 15 }, (_, i) => `2024-01-01 00:${String(i).padStart(2, '0')}:00,${i}`),
      '2024-01-01 00:16:00,abc',
      '2024-01-01 00:17:00,1',
    ];
    const { code, out, err } = await detect(`${rows.join('\n')}\n`);
    expect(code).toBe(2);
    expect(err).toBe('cxpulse detect: line 17: value "abc" is not a number\n');
    // Every good row before it was written.
    expect(out.trimEnd().split('\n')).toHaveLength(16);
  });

  it.each([
    ['time,value\n', 'line 1: expected the header "timestamp,value", got "time,value"'],
    ['timestamp,value\n2024-13-01 00:00:00,1\n', 'line 2: timestamp "2024-13-01 00:00:00" is not ISO-8601'],
    ['timestamp,value\n2024-01-01 00:00:00\n', 'line 2: expected 2 fields (timestamp,value), got 1'],
    ['timestamp,value\n2024-01-01 00:00:00,\n', 'line 2: value "" is not a number'],
    ['', 'no header "timestamp,value" (empty input)'],
  ])('rejects %j', async (input, message) => {
    const { code, err } = await detect(input);
    expect(code).toBe(2);
    expect(err).toContain(message);
  });

  it('rejects an unknown detector and a threshold outside (0, 1] as usage errors', async () => {
    await expect(detect('', ['--detector', 'magic'])).rejects.toMatchObject({ code: 'CXP_ERR_CLI_USAGE' });
    await expect(detect('', ['--threshold', '1.5'])).rejects.toMatchObject({ code: 'CXP_ERR_CLI_USAGE' });
    await expect(detect('', ['--threshold', '0'])).rejects.toMatchObject({ code: 'CXP_ERR_CLI_USAGE' });
  });

  it('a lower --threshold flags more rows', async () => {
    const points = series(DAY_POINTS, () => 100);
    const csv = `timestamp,value\n${points.map((p) => `${p.ts},${p.value}`).join('\n')}\n`;
    const count = (out: string) => out.split('\n').filter((l) => l.endsWith(',1')).length;
    const strict = await detect(csv, ['--detector', 'ewma']);
    const lenient = await detect(csv, ['--detector', 'ewma', '--threshold', '0.05']);
    expect(count(lenient.out)).toBeGreaterThan(count(strict.out));
  });
});

describe('parseTimestamp', () => {
  it('reads naive timestamps as UTC and rejects impossible dates', () => {
    expect(parseTimestamp('2014-07-06 20:10:00')).toBe(Date.UTC(2014, 6, 6, 20, 10));
    expect(parseTimestamp('2014-07-06 20:10:00.500000')).toBe(Date.UTC(2014, 6, 6, 20, 10, 0, 500));
    expect(parseTimestamp('2014-07-06T22:10:00+02:00')).toBe(Date.UTC(2014, 6, 6, 20, 10));
    expect(parseTimestamp('2014-02-30 00:00:00')).toBeUndefined();
    expect(parseTimestamp('yesterday')).toBeUndefined();
  });
});
