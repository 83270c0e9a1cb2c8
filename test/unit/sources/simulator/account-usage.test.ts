import { describe, expect, it } from 'vitest';
import { decodeEvent } from '../../../../src/events/decode.js';
import type { AccountUsageEvent, CxEvent } from '../../../../src/events/types.js';
import {
  accountUsageEvents,
  type AccountUsageIncident,
} from '../../../../src/sources/simulator/account-usage.js';
import { parseScenario, scenarioLabels } from '../../../../src/sources/simulator/scenario.js';
import { createScenarioSimulator } from '../../../../src/sources/simulator/scripted-simulator.js';

const START = Date.UTC(2026, 0, 5, 8);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const incident = (extra: Partial<AccountUsageIncident> = {}): AccountUsageIncident => ({
  kind: 'account-usage',
  fromMs: 0,
  toMs: 10 * DAY,
  account: 'acc',
  segment: 'prepaid',
  metric: 'data-mb',
  balance: 2000,
  dailyUsage: 200,
  ...extra,
});

const usageOf = (events: CxEvent[]) => events as AccountUsageEvent[];

describe('account-usage incident', () => {
  it('reports hourly what each account uses, its balance falling by exactly that, never below zero', () => {
    const events = usageOf(accountUsageEvents(incident({ accounts: 3 }), START, 'p-', 0, 7));
    const byAccount = new Map<string, AccountUsageEvent[]>();
    for (const e of events) byAccount.set(e.accountId, [...(byAccount.get(e.accountId) ?? []), e]);
    expect([...byAccount.keys()].sort()).toEqual(['acc-0', 'acc-1', 'acc-2']);
    for (const [, own] of byAccount) {
      let balance = 2000;
      for (const [i, e] of own.entries()) {
        expect(e).toMatchObject({ type: 'account.usage', segment: 'prepaid', metric: 'data-mb' });
        expect(e.customerId).toBe(`cu-${e.accountId}`);
        if (i > 0) expect(e.ts - own[i - 1]!.ts).toBe(HOUR);
        balance = Math.round((balance - e.used) * 100) / 100;
        expect(e.remaining).toBe(balance);
        expect(e.remaining).toBeGreaterThanOrEqual(0);
      }
      // 2000 at about 200 a day: gone in about ten days, the last report taking what was left.
      expect(own.at(-1)!.remaining).toBe(0);
      const days = (own.at(-1)!.ts - START) / DAY;
      expect(days).toBeGreaterThan(8);
      expect(days).toBeLessThan(10);
    }
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    for (let i = 1; i < events.length; i++) expect(events[i]!.ts).toBeGreaterThanOrEqual(events[i - 1]!.ts);
    for (const e of events) expect(decodeEvent(JSON.stringify(e), { now: e.ts })).toMatchObject({ ok: true });
  });

  it('tops up by the amount one minute after the balance falls below the mark, and never runs out', () => {
    const events = usageOf(
      accountUsageEvents(incident({ topUp: { below: 1500, amount: 1000 } }), START, 'p-', 0, 7),
    );
    const topUps = events.filter((e) => e.topUp !== undefined);
    expect(topUps.length).toBeGreaterThanOrEqual(1);
    for (const t of topUps) {
      const i = events.indexOf(t);
      const before = events[i - 1]!;
      expect(before.remaining).toBeLessThan(1500);
      expect(t).toMatchObject({ used: 0, topUp: 1000, remaining: before.remaining! + 1000 });
      expect(t.ts - before.ts).toBe(60_000);
    }
    expect(Math.min(...events.map((e) => e.remaining!))).toBeGreaterThan(1400);
  });

  it('is deterministic per seed and incident, and another seed draws other amounts', () => {
    const a = accountUsageEvents(incident(), START, 'p-', 0, 7);
    expect(accountUsageEvents(incident(), START, 'p-', 0, 7)).toEqual(a);
    expect(accountUsageEvents(incident(), START, 'p-', 0, 8)).not.toEqual(a);
  });

  it('is a scenario incident with a label, and leaves the rest of the traffic as it was', () => {
    const scenario = parseScenario(
      {
        name: 'zero',
        incidents: [
          {
            kind: 'account-usage',
            account: 'acc',
            segment: 'prepaid',
            metric: 'data-mb',
            balance: 500,
            dailyUsage: 200,
            from: '1h',
            to: '48h',
          },
        ],
      },
      'zero.yaml',
    );
    expect(scenarioLabels(scenario, START)).toEqual([
      {
        scenario: 'zero',
        kind: 'account-usage',
        target: 'acc',
        startTs: START + HOUR,
        endTs: START + 48 * HOUR,
      },
    ]);
    // A low rate: the simulator is slow per simulated day, and two days are needed.
    const options = { seed: 3, startTs: START, rate: 0.01, seasonality: false } as const;
    const withIt = createScenarioSimulator({ ...options, scenario }).nextBatch(START + 2 * DAY);
    const without = createScenarioSimulator(options).nextBatch(START + 2 * DAY);
    expect(withIt.filter((e) => e.type !== 'account.usage')).toEqual(without);
    expect(withIt.filter((e) => e.type === 'account.usage').length).toBeGreaterThan(40);
  });

  it('refuses a scenario without a balance, naming the key', () => {
    expect(() =>
      parseScenario(
        {
          name: 'bad',
          incidents: [
            { kind: 'account-usage', account: 'a', segment: 's', metric: 'm', dailyUsage: 1, from: 0 },
          ],
        },
        'bad.yaml',
      ),
    ).toThrow('scenario bad.yaml: incidents[0].balance is required');
  });
});
