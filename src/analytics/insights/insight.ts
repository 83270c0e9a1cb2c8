/**
 * An insight: a typed analytic finding that is neither an indicator value (a number per window and
 * key) nor an alert (a condition with a lifecycle someone acknowledges). "Move 40 voice callers an
 * hour to chat", "payment-gateway failures are what drives CSAT down now". Raised by the channel
 * diversion (src/analytics/diversion) and the driver analysis (src/analytics/drivers), published
 * to `cx.insights`, stored in ClickHouse `insights`, pushed to the wallboard and served on
 * /api/insights. `details` is typed per kind; the wire and the table carry it as JSON.
 */
import { createHash } from 'node:crypto';
import type { SurveyScore } from '../../config/insight-sections.js';

export const INSIGHT_KINDS = ['channel-diversion', 'driver-analysis'] as const;
export type InsightKind = (typeof INSIGHT_KINDS)[number];

/**
 * `suggested` and `resolved` frame a diversion suggestion (one of each per episode); `report` is a
 * periodic finding that replaces the previous one (the driver analysis).
 */
export const INSIGHT_STATES = ['suggested', 'resolved', 'report'] as const;
export type InsightState = (typeof INSIGHT_STATES)[number];

interface InsightBase {
  /** Deterministic (insightId): a replay raises the same id, and the table keeps it once. */
  id: string;
  pipeline: string;
  /** What the finding is about within its kind: `billing/voice->billing/chat`, `csat`. */
  key: string;
  state: InsightState;
  /** Event time the finding was made at, epoch ms. */
  ts: number;
  /** The span of event time the finding rests on. */
  windowStart: number;
  windowEnd: number;
  /** One sentence for people. */
  summary: string;
  /** The entity the finding names first (the donor→receiver pair, the top driver's touchpoint). */
  subject: string;
  /** Its headline number (contacts per hour to move; the top driver's impact in score points). */
  value: number | null;
}

/**
 * Flat on purpose: ClickHouse 18.16 reads JSON with visitParamExtract*, which finds the first
 * `"name":` anywhere in the text, so every field a Grafana panel reads must be unique by name.
 */
export interface ChannelDiversionDetails {
  fromQueue: string;
  fromChannel: string;
  toQueue: string;
  toChannel: string;
  model: 'erlang-a' | 'erlang-c';
  /** Contacts per hour to move from `from` to `to` (0 in a resolved insight). */
  contactsPerHour: number;
  /** contactsPerHour as a share of the donor's arrivals. */
  shareOfArrivals: number;
  fromArrivalsPerHour: number;
  toArrivalsPerHour: number;
  fromAhtSeconds: number;
  toAhtSeconds: number;
  fromAgents: number;
  toAgents: number;
  /** Mean patience of the Erlang A model; null with Erlang C (nobody hangs up). */
  fromPatienceSeconds: number | null;
  toPatienceSeconds: number | null;
  fromAnswerWithinSeconds: number;
  toAnswerWithinSeconds: number;
  fromTarget: number;
  toTarget: number;
  /** Predicted service level now, and after moving contactsPerHour. */
  fromServiceLevelNow: number;
  fromServiceLevelAfter: number;
  toServiceLevelNow: number;
  toServiceLevelAfter: number;
  /** When the suggestion started (its `suggested` insight's ts). */
  suggestedAt: number;
}

export interface DriverEstimate {
  touchpoint: string;
  /** Answers linked to this touchpoint (the customer passed it within the lookback). */
  n: number;
  /** Of them, answers whose customer had a failed outcome there. */
  failures: number;
  meanScoreFailed: number;
  meanScoreOk: number;
  /** meanScoreFailed − meanScoreOk: the least-squares slope of the score on the failure indicator. */
  effect: number;
  /** Pearson correlation of score and failure indicator (point-biserial). */
  r: number;
  /** Confidence interval of r (Fisher z), at the definition's confidence level. */
  rLow: number;
  rHigh: number;
  /** Two-sided p-value of r = 0 (Fisher z). */
  pValue: number;
  /** Points of the overall mean score lost to failures here: failures / answers × (ok − failed). */
  impact: number;
  /** Significant after Bonferroni, lowers the score, and an impact of at least minImpact. */
  driver: boolean;
}

export interface DriverAnalysisDetails {
  score: SurveyScore;
  /** Answers with this score in the window, and how many were linked to some touchpoint. */
  answers: number;
  linkedAnswers: number;
  meanScore: number | null;
  confidence: number;
  /** Touchpoints with at least minAnswers linked answers (the Bonferroni count). */
  touchpointsTested: number;
  /** The touchpoints flagged as drivers, in rank order. */
  driverTouchpoints: string[];
  /** The ranking, by impact, at most `top` entries. */
  drivers: DriverEstimate[];
}

export interface ChannelDiversionInsight extends InsightBase {
  kind: 'channel-diversion';
  details: ChannelDiversionDetails;
}

export interface DriverAnalysisInsight extends InsightBase {
  kind: 'driver-analysis';
  details: DriverAnalysisDetails;
}

export type Insight = ChannelDiversionInsight | DriverAnalysisInsight;

/** `in-` + 32 hex of SHA-256 over pipeline, kind, key, state and ts. */
export function insightId(
  pipeline: string,
  kind: InsightKind,
  key: string,
  state: InsightState,
  ts: number,
): string {
  const digest = createHash('sha256')
    .update(`${pipeline}\u0000${kind}\u0000${key}\u0000${state}\u0000${ts}`)
    .digest('hex');
  return `in-${digest.slice(0, 32)}`;
}

/** Where insights go (the cx.insights topic, ClickHouse): the port the app hands them to. */
export interface InsightSink {
  readonly name: string;
  /** Resolves when the insights are stored or sent; rejects when they could not be. */
  publish(insights: readonly Insight[]): Promise<void>;
  close(): Promise<void>;
}
