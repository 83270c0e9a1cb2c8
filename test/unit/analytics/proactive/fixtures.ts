/** Definitions and event builders shared by the proactive-care tests. */
import type { ProactiveCareDefinition } from '../../../../src/config/proactive-care-section.js';
import type { ProactiveNotification } from '../../../../src/analytics/proactive/proactive-notification.js';
import type { AccountUsageEvent } from '../../../../src/events/types.js';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
/** A Monday 00:00 UTC: day buckets start here. */
export const T0 = Date.UTC(2026, 0, 5);

export function care(overrides: Partial<ProactiveCareDefinition> = {}): ProactiveCareDefinition {
  return {
    entityField: 'accountId',
    seriesField: 'metric',
    valueField: 'used',
    limitField: 'remaining',
    bucketMs: DAY,
    horizonMs: 7 * DAY,
    margin: 0.1,
    minHistory: 3,
    smoothing: { level: 0.4, trend: 0.1 },
    expireAfterMs: 30 * DAY,
    maxSeries: 1_000_000,
    ...overrides,
  };
}

/** Not an HMAC: tests only need a pseudonym that is visibly not the id. */
export const pseudonymise = (id: string): string => `pn(${[...id].reverse().join('')})`;

let seq = 0;

export function usage(
  accountId: string,
  ts: number,
  used: number,
  remaining: number | undefined,
  extra: Partial<AccountUsageEvent> = {},
): AccountUsageEvent {
  return {
    id: `u${++seq}`,
    type: 'account.usage',
    ts,
    accountId,
    metric: 'data-mb',
    used,
    ...(remaining !== undefined ? { remaining } : {}),
    ...extra,
  };
}

/**
 * One account using `perDay` in `reportsPerDay` equal reports a day from `fromTs` (at the middle of
 * each report's slot) for `days`, starting with `balance`.
 */
export function steadyAccount(
  accountId: string,
  fromTs: number,
  days: number,
  perDay: number,
  balance: number,
  reportsPerDay = 24,
): AccountUsageEvent[] {
  const events: AccountUsageEvent[] = [];
  const step = DAY / reportsPerDay;
  const each = perDay / reportsPerDay;
  let left = balance;
  for (let i = 0; i < days * reportsPerDay; i++) {
    left -= each;
    events.push(usage(accountId, fromTs + i * step + step / 2, each, left));
  }
  return events;
}

/** A notification as the forecaster raises it, for the sinks' and the server's tests. */
export function notification(n: number, extra: Partial<ProactiveNotification> = {}): ProactiveNotification {
  return {
    id: `pn-${n}`,
    ts: T0 + n * HOUR,
    pipeline: 'proactive-care',
    entityField: 'accountId',
    entity: pseudonymise(`acc-${n}`),
    customer: pseudonymise(`cu-${n}`),
    segment: 'prepaid',
    series: 'data-mb',
    remaining: 1840,
    predictedUsage: 1680,
    horizonMs: 7 * DAY,
    margin: 0.1,
    predictedRunOutTs: T0 + n * HOUR + 184 * HOUR,
    runOutProbability: 0.25,
    usageNextBucket: 240,
    bucketMs: DAY,
    level: 239.5,
    trend: 0.5,
    residualSd: 12.5,
    historyBuckets: 7,
    cycleStartTs: T0,
    ...extra,
  };
}
