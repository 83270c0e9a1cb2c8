/**
 * The shipped scenarios through the shipped pipeline: "an account heading for zero balance"
 * (scenarios/zero-balance.yaml) raises exactly one proactive notification, for that account, days
 * before it runs out; its healthy counterparts (zero-balance-healthy.yaml: accounts that stay within
 * their balance, accounts that top up in time) raise none. The simulated traffic around them (a low
 * rate: the run spans 16 simulated days) carries no account usage, so it raises nothing either.
 */
import { describe, expect, it } from 'vitest';
import type { ProactiveNotification } from '../../../../src/analytics/proactive/proactive-notification.js';
import { UsageForecaster } from '../../../../src/analytics/proactive/usage-forecaster.js';
import { loadPipelineFile } from '../../../../src/config/pipeline-loader.js';
import type { AccountUsageEvent } from '../../../../src/events/types.js';
import { createPseudonymiser } from '../../../../src/sinks/clickhouse/pseudonymiser.js';
import { loadScenarioFile } from '../../../../src/sources/simulator/scenario.js';
import { createScenarioSimulator } from '../../../../src/sources/simulator/scripted-simulator.js';

const DAY = 86_400_000;
const START = Date.UTC(2026, 0, 5, 8);
const RUN_MS = 16 * DAY;
const pipeline = loadPipelineFile('pipelines/proactive-care.yaml');
const pseudonymise = createPseudonymiser('test-secret');

async function notifications(scenarioFile?: string, margin = pipeline.proactiveCare!.margin) {
  const scenario = scenarioFile ? await loadScenarioFile(scenarioFile) : undefined;
  const simulator = createScenarioSimulator({
    seed: 7,
    startTs: START,
    rate: 0.001,
    seasonality: false,
    ...(scenario ? { scenario } : {}),
  });
  const forecaster = new UsageForecaster({
    pipeline: pipeline.name,
    care: { ...pipeline.proactiveCare!, margin },
    pseudonymise,
  });
  const out: ProactiveNotification[] = [];
  const usage: AccountUsageEvent[] = [];
  const types = new Set<string>(pipeline.source.eventTypes);
  while (simulator.now < START + RUN_MS) {
    const batch = simulator.nextBatch(simulator.now + 3_600_000).filter((e) => types.has(e.type));
    usage.push(...(batch as AccountUsageEvent[]));
    forecaster.processBatch(batch, out);
  }
  return { out, usage, stats: forecaster.stats, labels: simulator.labels() };
}

describe('proactive-care scenarios', () => {
  it('notify the account heading for zero balance days before it runs out, with the right content', async () => {
    const { out, usage, stats, labels } = await notifications('scenarios/zero-balance.yaml');
    expect(labels).toEqual([
      {
        scenario: 'zero-balance',
        kind: 'account-usage',
        target: 'acc-zero-balance',
        startTs: START,
        endTs: START + RUN_MS,
      },
    ]);
    const ranOut = usage.find((e) => e.remaining === 0)!;
    expect(ranOut).toBeDefined();
    expect(out).toHaveLength(1);
    const n = out[0]!;
    const before = usage.filter((e) => e.ts <= n.ts).at(-1)!;
    expect(n).toMatchObject({
      pipeline: 'proactive-care',
      entityField: 'accountId',
      entity: pseudonymise('acc-zero-balance'),
      customer: pseudonymise('cu-acc-zero-balance'),
      segment: 'prepaid',
      series: 'data-mb',
      remaining: before.remaining,
      horizonMs: 7 * DAY,
      cycleStartTs: usage[0]!.ts,
    });
    // Notified once the week ahead (with its 10 % margin) would use what is left, and only then.
    expect(n.predictedUsage * 1.1).toBeGreaterThanOrEqual(n.remaining);
    // About 200 MB a day (the incident's rhythm and noise average to e^(0.3²/2) × 200 ≈ 209).
    expect(n.usageNextBucket).toBeGreaterThan(180);
    expect(n.usageNextBucket).toBeLessThan(240);
    // Lead time in simulated time: 7.2 days with this seed; the forecast's run-out within half a day.
    const leadDays = (ranOut.ts - n.ts) / DAY;
    expect(leadDays).toBeGreaterThan(6.5);
    expect(leadDays).toBeLessThan(8);
    expect(Math.abs(n.predictedRunOutTs! - ranOut.ts)).toBeLessThan(DAY / 2);
    expect(stats).toMatchObject({ notifications: 1, ranOutUnnotified: 0 });
    expect(JSON.stringify(out)).not.toContain('acc-zero-balance');
  }, 60_000);

  it('raise nothing for accounts within their balance or topping up in time, nor for plain traffic', async () => {
    const healthy = await notifications('scenarios/zero-balance-healthy.yaml');
    expect(healthy.out).toEqual([]);
    expect(new Set(healthy.usage.map((e) => e.accountId)).size).toBe(20);
    // The top-up accounts did top up (each several times), and the steady ones never ran dry.
    expect(healthy.stats.topUps).toBeGreaterThanOrEqual(20);
    expect(healthy.usage.filter((e) => e.accountId.startsWith('acc-top-up') && e.topUp).length).toBe(
      healthy.stats.topUps,
    );
    expect(healthy.usage.every((e) => e.remaining! > 0)).toBe(true);
    // They were forecast, and not by a wide margin: asked to warn at twice a week's use, every one
    // of them would have been warned.
    const wary = await notifications('scenarios/zero-balance-healthy.yaml', 1);
    expect(new Set(wary.out.map((n) => n.entity)).size).toBe(20);
    const none = await notifications();
    expect(none.usage).toEqual([]);
    expect(none.out).toEqual([]);
  }, 60_000);
});
