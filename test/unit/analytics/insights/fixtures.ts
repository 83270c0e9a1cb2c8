/** Insights as the engines raise them, for the sink, server and wiring tests. */
import type {
  ChannelDiversionInsight,
  DriverAnalysisInsight,
} from '../../../../src/analytics/insights/insight.js';

export const T0 = Date.UTC(2026, 0, 5, 9);
export const MINUTE = 60_000;

export function diversion(overrides: Partial<ChannelDiversionInsight> = {}): ChannelDiversionInsight {
  return {
    id: 'in-diversion-1',
    kind: 'channel-diversion',
    pipeline: 'channel-diversion',
    key: 'billing/voice->billing/chat',
    state: 'suggested',
    ts: T0 + 9 * MINUTE,
    windowStart: T0 + 4 * MINUTE,
    windowEnd: T0 + 9 * MINUTE,
    summary: 'billing/voice predicted 8 % within 20 s (target 70 %) while billing/chat has slack',
    subject: 'billing/voice → billing/chat',
    value: 400,
    details: {
      fromQueue: 'billing/voice',
      fromChannel: 'voice',
      toQueue: 'billing/chat',
      toChannel: 'chat',
      model: 'erlang-a',
      contactsPerHour: 400,
      shareOfArrivals: 0.19,
      fromArrivalsPerHour: 2100,
      toArrivalsPerHour: 950,
      fromAhtSeconds: 300,
      toAhtSeconds: 450,
      fromAgents: 130,
      toAgents: 210,
      fromPatienceSeconds: 150,
      toPatienceSeconds: 300,
      fromAnswerWithinSeconds: 20,
      toAnswerWithinSeconds: 60,
      fromTarget: 0.7,
      toTarget: 0.7,
      fromServiceLevelNow: 0.08,
      fromServiceLevelAfter: 0.71,
      toServiceLevelNow: 1,
      toServiceLevelAfter: 0.98,
      suggestedAt: T0 + 9 * MINUTE,
    },
    ...overrides,
  };
}

export function driverReport(overrides: Partial<DriverAnalysisInsight> = {}): DriverAnalysisInsight {
  return {
    id: 'in-drivers-1',
    kind: 'driver-analysis',
    pipeline: 'driver-analysis',
    key: 'csat',
    state: 'report',
    ts: T0 + 30 * MINUTE,
    windowStart: T0,
    windowEnd: T0 + 30 * MINUTE,
    summary: 'CSAT is driven down most by payment-gateway now',
    subject: 'payment-gateway',
    value: 0.2,
    details: {
      score: 'csat',
      answers: 400,
      linkedAnswers: 300,
      meanScore: 3.8,
      confidence: 0.95,
      touchpointsTested: 3,
      driverTouchpoints: ['payment-gateway'],
      drivers: [
        {
          touchpoint: 'payment-gateway',
          n: 200,
          failures: 80,
          meanScoreFailed: 3,
          meanScoreOk: 4,
          effect: -1,
          r: -0.5,
          rLow: -0.6,
          rHigh: -0.39,
          pValue: 1e-12,
          impact: 0.2,
          driver: true,
        },
        {
          touchpoint: 'login',
          n: 150,
          failures: 3,
          meanScoreFailed: 3.5,
          meanScoreOk: 4,
          effect: -0.5,
          r: -0.1,
          rLow: -0.25,
          rHigh: 0.06,
          pValue: 0.2,
          impact: 0.004,
          driver: false,
        },
      ],
    },
    ...overrides,
  };
}
