/**
 * The `account-usage` incident: prepaid accounts reporting what they consume of one metered
 * allowance (account.usage events), laid over the simulated traffic. It exists to show the
 * proactive-care forecasts end to end: "an account heading for zero balance"
 * (scenarios/zero-balance.yaml) beside healthy twins — accounts that consume steadily within their
 * balance, and accounts that top up before they run low (scenarios/zero-balance-healthy.yaml).
 *
 * Each account reports every `reportEveryMs` (default 1 h; the first report a random share of that
 * after `from`, so accounts do not report in lockstep). A report uses
 *   dailyUsage × reportEveryMs / 1 day × (1 + 0.6 sin(2π (hour − 10) / 24)) × noise,
 * the sine a daily rhythm peaking at 16:00 UTC (mean 1 over a day) and the noise log-normal with
 * median 1 and σ `variation` (default 0.3). The balance never goes below zero: the report that
 * would overdraw it uses what is left, and an empty account reports no more (unless it tops up).
 * With `topUp`, an account whose balance falls below `topUp.below` tops up `topUp.amount` one
 * minute later: an event with used 0, `topUp` set and the balance risen.
 *
 * Like `customer-contacts` it draws nothing from the simulator's PRNG (its own stream, seeded from
 * the run's seed and the incident's position) and numbers its events in its own id space, so the
 * rest of the traffic is the same event for event with or without it.
 */
import type { AccountUsageEvent, CxEvent } from '../../events/types.js';
import { hashString, Prng } from './prng.js';

export interface AccountUsageIncident {
  kind: 'account-usage';
  fromMs: number;
  toMs?: number;
  /** The account id; with `accounts` > 1 the prefix of `<account>-<i>`. */
  account: string;
  /** How many accounts behave alike; default 1. */
  accounts?: number;
  segment: string;
  /** What is metered, e.g. `data-mb`. */
  metric: string;
  unit?: string;
  /** Balance at `from`. */
  balance: number;
  /** Mean consumption per day. */
  dailyUsage: number;
  /** Between two reports of an account, ms; default 1 h. */
  reportEveryMs?: number;
  /** σ of the log-normal noise of each report; default 0.3. */
  variation?: number;
  topUp?: { below: number; amount: number };
}

/** When `to` is not given, the accounts report for this long after `from`. */
const DEFAULT_SPAN_MS = 10 * 86_400_000;
const DEFAULT_REPORT_EVERY_MS = 3_600_000;
const DEFAULT_VARIATION = 0.3;
const TOP_UP_AFTER_MS = 60_000;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** JSON Schema of the incident's YAML form (`from`/`to` as in every incident). */
export function accountUsageSchema(times: object): object {
  return {
    properties: {
      kind: { const: 'account-usage' },
      ...times,
      account: { type: 'string', minLength: 1, maxLength: 100 },
      accounts: { type: 'integer', minimum: 1, maximum: 100_000 },
      segment: { type: 'string', minLength: 1, maxLength: 64 },
      metric: { type: 'string', minLength: 1, maxLength: 64 },
      unit: { type: 'string', minLength: 1, maxLength: 32 },
      balance: { type: 'number', minimum: 0 },
      dailyUsage: { type: 'number', exclusiveMinimum: 0 },
      reportEveryMs: { type: 'number', minimum: 60_000 },
      variation: { type: 'number', minimum: 0, maximum: 2 },
      topUp: {
        type: 'object',
        additionalProperties: false,
        required: ['below', 'amount'],
        properties: {
          below: { type: 'number', exclusiveMinimum: 0 },
          amount: { type: 'number', exclusiveMinimum: 0 },
        },
      },
    },
    required: ['kind', 'from', 'account', 'segment', 'metric', 'balance', 'dailyUsage'],
  };
}

/** The ids of the incident's accounts. */
export function accountIds(incident: AccountUsageIncident): string[] {
  const n = incident.accounts ?? 1;
  return n === 1 ? [incident.account] : Array.from({ length: n }, (_, i) => `${incident.account}-${i}`);
}

/**
 * Every event of the incident, in time order, with absolute times from the run's start and ids
 * `<idPrefix>a<incident>.<n>`.
 */
export function accountUsageEvents(
  incident: AccountUsageIncident,
  startTs: number,
  idPrefix: string,
  incidentIndex: number,
  seed: number,
): CxEvent[] {
  const rng = new Prng(hashString(`account-usage/${seed}/${incidentIndex}`));
  const from = startTs + incident.fromMs;
  const to = startTs + (incident.toMs ?? incident.fromMs + DEFAULT_SPAN_MS);
  const every = incident.reportEveryMs ?? DEFAULT_REPORT_EVERY_MS;
  const sigma = incident.variation ?? DEFAULT_VARIATION;
  const perReport = (incident.dailyUsage * every) / DAY_MS;
  const events: CxEvent[] = [];
  let seq = 0;
  const id = () => `${idPrefix}a${incidentIndex.toString(36)}.${(seq++).toString(36)}`;
  for (const accountId of accountIds(incident)) {
    const base = {
      accountId,
      customerId: `cu-${accountId}`,
      segment: incident.segment,
      metric: incident.metric,
      ...(incident.unit !== undefined ? { unit: incident.unit } : {}),
    };
    let balance = incident.balance;
    for (let t = from + Math.floor(rng.next() * every); t < to; t += every) {
      if (balance <= 0) break;
      const hour = (t % DAY_MS) / HOUR_MS;
      const rhythm = 1 + 0.6 * Math.sin((2 * Math.PI * (hour - 10)) / 24);
      const wanted = Math.round(perReport * rhythm * rng.logNormal(1, sigma) * 100) / 100;
      const used = Math.min(wanted, balance);
      balance = Math.round((balance - used) * 100) / 100;
      const usage: AccountUsageEvent = {
        id: id(),
        type: 'account.usage',
        ts: t,
        ...base,
        used,
        remaining: balance,
      };
      events.push(usage);
      const topUp = incident.topUp;
      if (topUp !== undefined && balance < topUp.below && t + TOP_UP_AFTER_MS < to) {
        balance += topUp.amount;
        events.push({
          id: id(),
          type: 'account.usage',
          ts: t + TOP_UP_AFTER_MS,
          ...base,
          used: 0,
          remaining: balance,
          topUp: topUp.amount,
        });
      }
    }
  }
  return events.sort((a, b) => a.ts - b.ts);
}
