import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  loadScenarioFile,
  parseDurationMs,
  parseScenario,
  scenarioLabels,
} from '../../../../src/sources/simulator/scenario.js';

const understaffing = {
  kind: 'understaffing',
  queues: ['billing/voice'],
  awayFraction: 0.5,
  from: '1m',
  to: '10m',
};

function errorOf(doc: unknown): string {
  try {
    parseScenario(doc, 'scenarios/x.yaml');
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected a validation error');
}

describe('scenario files', () => {
  it('loads the shipped demo and baseline scenarios', async () => {
    const demo = await loadScenarioFile('scenarios/demo.yaml');
    expect(demo.name).toBe('demo');
    const first = demo.incidents[0];
    expect(first?.kind).toBe('understaffing');
    // The demo must turn red quickly: its first incident starts within two simulated minutes.
    expect(first?.fromMs).toBeLessThanOrEqual(120_000);
    const baseline = await loadScenarioFile('scenarios/baseline.yaml');
    expect(baseline.incidents).toEqual([]);
  });

  it('parses durations', () => {
    expect(parseDurationMs(90)).toBe(90_000);
    expect(parseDurationMs('90s')).toBe(90_000);
    expect(parseDurationMs('1h30m')).toBe(5_400_000);
    expect(parseDurationMs('250ms')).toBe(250);
  });

  it('names the file and key of an out-of-range value', () => {
    const msg = errorOf({ name: 'x', incidents: [{ ...understaffing, awayFraction: 1.5 }] });
    expect(msg).toContain('scenarios/x.yaml');
    expect(msg).toContain('incidents[0].awayFraction');
  });

  it('names a missing key', () => {
    const { awayFraction: _omit, ...rest } = understaffing;
    expect(errorOf({ name: 'x', incidents: [rest] })).toMatch(/incidents\[0\]\.awayFraction/);
  });

  it('names an unknown key, an unknown kind, a bad queue and a bad duration', () => {
    expect(errorOf({ name: 'x', incidents: [{ ...understaffing, colour: 'red' }] })).toContain(
      'incidents[0].colour',
    );
    expect(errorOf({ name: 'x', incidents: [{ ...understaffing, kind: 'meteor' }] })).toMatch(
      /incidents\[0\]\.kind.*understaffing/,
    );
    expect(errorOf({ name: 'x', incidents: [{ ...understaffing, queues: ['nope/voice'] }] })).toContain(
      'incidents[0].queues[0]',
    );
    expect(errorOf({ name: 'x', incidents: [{ ...understaffing, from: 'soon' }] })).toContain(
      'incidents[0].from',
    );
    expect(errorOf({ name: 'x', incidents: [{ ...understaffing, from: '10m', to: '5m' }] })).toContain(
      'incidents[0].to must be after from',
    );
    expect(errorOf({ incidents: [] })).toContain('name');
  });

  it('reports invalid YAML with the file name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cxp-scenario-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'name: [unclosed\n');
    await expect(loadScenarioFile(file)).rejects.toThrow(/bad\.yaml: not valid YAML/);
    await expect(loadScenarioFile(join(dir, 'missing.yaml'))).rejects.toThrow(
      /missing\.yaml: cannot be read/,
    );
  });

  it('turns incidents into ground-truth labels in start order', () => {
    const scenario = parseScenario(
      {
        name: 'lab',
        incidents: [
          { kind: 'touchpoint-outage', touchpoint: 'payment-gateway', failureProbability: 0.4, from: '5m' },
          understaffing,
        ],
      },
      'inline',
    );
    expect(scenarioLabels(scenario, 1_000_000)).toEqual([
      {
        scenario: 'lab',
        kind: 'understaffing',
        target: 'billing/voice',
        startTs: 1_060_000,
        endTs: 1_600_000,
      },
      {
        scenario: 'lab',
        kind: 'touchpoint-outage',
        target: 'payment-gateway',
        startTs: 1_300_000,
        endTs: null,
      },
    ]);
  });
});
