/**
 * The shipped scenarios through the shipped rules: "a VIP with three bad contacts in a day"
 * (scenarios/vip-bad-day.yaml) raises exactly one work order, for that customer; its healthy twin
 * (vip-good-day.yaml) raises nothing. The rest of the simulated traffic is identical in all runs, so
 * whatever it raises must be the same with either scenario as with none.
 */
import { describe, expect, it } from 'vitest';
import { AtRiskTracker } from '../../../../src/analytics/at-risk/at-risk-tracker.js';
import type { WorkOrder } from '../../../../src/analytics/at-risk/work-order.js';
import { loadPipelineFile } from '../../../../src/config/pipeline-loader.js';
import { createPseudonymiser } from '../../../../src/sinks/clickhouse/pseudonymiser.js';
import { loadScenarioFile } from '../../../../src/sources/simulator/scenario.js';
import { createScenarioSimulator } from '../../../../src/sources/simulator/scripted-simulator.js';

const START = Date.UTC(2026, 0, 5, 8);
const RUN_MS = 3.5 * 3_600_000;
const pipeline = loadPipelineFile('pipelines/at-risk.yaml');
const pseudonymise = createPseudonymiser('test-secret');

async function workOrders(scenarioFile?: string) {
  const scenario = scenarioFile ? await loadScenarioFile(scenarioFile) : undefined;
  const simulator = createScenarioSimulator({
    seed: 7,
    startTs: START,
    rate: 4,
    seasonality: false,
    ...(scenario ? { scenario } : {}),
  });
  const tracker = new AtRiskTracker({ pipeline: pipeline.name, rules: pipeline.atRisk!, pseudonymise });
  const out: WorkOrder[] = [];
  const types = new Set<string>(pipeline.source.eventTypes);
  while (simulator.now < START + RUN_MS) {
    tracker.processBatch(
      simulator.nextBatch(simulator.now + 60_000).filter((e) => types.has(e.type)),
      out,
    );
  }
  return { out, labels: simulator.labels() };
}

describe('at-risk scenarios', () => {
  it('raise one work order for the VIP with three bad contacts, and none for the healthy twin', async () => {
    const none = await workOrders();
    const bad = await workOrders('scenarios/vip-bad-day.yaml');
    const good = await workOrders('scenarios/vip-good-day.yaml');
    const vip = pseudonymise('cu-scripted-vip');

    expect(bad.labels).toEqual([
      {
        scenario: 'vip-bad-day',
        kind: 'customer-contacts',
        target: 'cu-scripted-vip',
        startTs: START + 10 * 60_000,
        endTs: START + 3 * 3_600_000,
      },
    ]);
    const raised = bad.out.filter((w) => w.customer === vip);
    expect(raised).toEqual([
      expect.objectContaining({
        customer: vip,
        segment: 'vip',
        cause: 'abandons',
        causes: ['abandons', 'longWaits'],
        threshold: 3,
        evidence: { abandons: 3, failedTouchpoints: 0, negativeAnswers: 0, longWaits: 3, repeatContacts: 2 },
        touchpoint: 'vip/voice',
        ownerTeam: 'vip-care',
        // The third contact queues at 10m + 2 × (3h − 10m) / 3 and hangs up 6 minutes later.
        ts: START + 10 * 60_000 + Math.floor((2 * (3 * 3_600_000 - 10 * 60_000)) / 3) + 360_000,
      }),
    ]);
    expect(JSON.stringify(bad.out)).not.toContain('cu-scripted-vip');

    expect(good.out.filter((w) => w.customer === vip)).toEqual([]);
    expect(good.out).toEqual(none.out);
    expect(bad.out.filter((w) => w.customer !== vip)).toEqual(none.out);
    // The comparison with the plain traffic means something only if that traffic raises some too.
    expect(none.out.length).toBeGreaterThan(0);
  }, 30_000);
});
