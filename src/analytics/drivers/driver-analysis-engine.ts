/**
 * Driver analysis: which touchpoints drive satisfaction now. Every survey answer is linked to the
 * touchpoints its customer passed within `lookback` before it (touchpoint events carry the same
 * customerId), and for each touchpoint the answers linked to it give a failure indicator x (1 when
 * any of the customer's outcomes there within the lookback was a failed one) and the score y.
 * Per touchpoint the correlation of x and y, its slope, interval, p-value and impact on the overall
 * mean (failure-correlation.ts has the formulas) rank the touchpoints; those significant after a
 * Bonferroni correction over the touchpoints tested, lowering the score, and with an impact of at
 * least `minImpact` of the score's range are the drivers.
 *
 * Rolling in event time: answers are summed into buckets of the window's hop; at each hop boundary
 * the watermark (newest event time − the pipeline's lateness) passes, the last `size / hop` buckets
 * are merged and reported, one insight per score. An answer whose bucket has already left every
 * future window is too late and ignored.
 *
 * Memory is bounded: per customer the newest `touchpointsPerCustomer` outcomes (16 bytes each), for
 * at most `maxCustomers` customers, dropped once their newest outcome is older than the lookback
 * (least recently active first when the cap is reached); per bucket one set of sums per touchpoint
 * and score, at most `maxTouchpoints` touchpoints (outcomes at others are ignored and counted).
 *
 * Pure: no I/O, no wall clock, no RxJS; the operator in driver-analysis-operator.ts wraps it.
 */
import {
  SURVEY_SCORE_RANGE,
  type DriverAnalysisDefinition,
  type SurveyScore,
} from '../../config/insight-sections.js';
import type { CxEvent, SurveyResponseEvent } from '../../events/types.js';
import { insightId, type DriverAnalysisInsight, type DriverEstimate } from '../insights/insight.js';
import { failureCorrelation, normalQuantile, type FailureSums } from './failure-correlation.js';

/** Sums per touchpoint and score: n, failures, Σy, Σxy, Σy². */
const TP_FIELDS = 5;
/** Sums per score: answers, Σy, linked answers. */
const SCORE_FIELDS = 3;

interface Bucket {
  scores: Float64Array;
  touchpoints: Map<number, Float64Array>;
}

/** The newest outcomes of one customer, a ring: [ts, code × 2 + failed] per slot. */
interface CustomerRecord {
  slots: Float64Array;
  used: number;
  next: number;
  newestTs: number;
}

export interface DriverAnalysisStats {
  answers: number;
  linkedAnswers: number;
  /** Answers whose bucket had left every window still to be reported. */
  tooLate: number;
  customersExpired: number;
  customersEvicted: number;
  /** Outcomes at touchpoints beyond maxTouchpoints, ignored. */
  touchpointsDropped: number;
  reports: number;
}

export interface DriverAnalysisEngineOptions {
  pipeline: string;
  definition: DriverAnalysisDefinition;
  /** The pipeline's lateness: a hop is reported once the watermark has passed its end. */
  allowedLatenessMs: number;
}

export class DriverAnalysisEngine {
  readonly stats: DriverAnalysisStats = {
    answers: 0,
    linkedAnswers: 0,
    tooLate: 0,
    customersExpired: 0,
    customersEvicted: 0,
    touchpointsDropped: 0,
    reports: 0,
  };
  private readonly def: DriverAnalysisDefinition;
  private readonly pipeline: string;
  private readonly lateness: number;
  private readonly hops: number;
  private readonly zQuantile: number;
  private readonly failed: Set<string>;
  private readonly codeOf = new Map<string, number>();
  private readonly names: string[] = [];
  private readonly customers = new Map<string, CustomerRecord>();
  private readonly buckets = new Map<number, Bucket>();
  /** Hop boundary (index) of the last report; NaN before the first event. */
  private reported = NaN;
  private newestTs = -Infinity;
  /** Scratch: touchpoint code → failed (1) or not (0) for the answer being linked. */
  private readonly linked = new Map<number, number>();

  constructor(options: DriverAnalysisEngineOptions) {
    this.def = options.definition;
    this.pipeline = options.pipeline;
    this.lateness = options.allowedLatenessMs;
    this.hops = Math.max(1, Math.round(this.def.windowMs / this.def.everyMs));
    this.zQuantile = normalQuantile((1 + this.def.confidence) / 2);
    this.failed = new Set(this.def.failedOutcomes);
  }

  /** Customers whose outcomes are held. */
  get customerCount(): number {
    return this.customers.size;
  }

  get bucketCount(): number {
    return this.buckets.size;
  }

  /** Adds a batch of events (in order); reports of every hop boundary passed are appended to `out`. */
  processBatch(events: readonly CxEvent[], out: DriverAnalysisInsight[]): void {
    const every = this.def.everyMs;
    for (const e of events) {
      if (e.type !== 'touchpoint.event' && e.type !== 'survey.response') continue;
      if (e.ts > this.newestTs) {
        this.newestTs = e.ts;
        const boundary = Math.floor((e.ts - this.lateness) / every);
        // The first event only sets the clock: a report of the time before it would be empty.
        if (Number.isNaN(this.reported)) this.reported = boundary;
        else if (boundary > this.reported) this.report(boundary, out);
      }
      if (e.type === 'touchpoint.event') {
        if (e.customerId !== undefined)
          this.addOutcome(e.customerId, e.touchpoint, this.failed.has(e.outcome), e.ts);
      } else this.addAnswer(e);
    }
    this.expireCustomers();
  }

  private addOutcome(customerId: string, touchpoint: string, failed: boolean, ts: number): void {
    let code = this.codeOf.get(touchpoint);
    if (code === undefined) {
      if (this.names.length >= this.def.maxTouchpoints) {
        this.stats.touchpointsDropped++;
        return;
      }
      code = this.names.length;
      this.names.push(touchpoint);
      this.codeOf.set(touchpoint, code);
    }
    let record = this.customers.get(customerId);
    if (record === undefined) {
      if (this.customers.size >= this.def.maxCustomers) {
        // The least recently active customer: the Map keeps insertion order, and every update re-inserts.
        const oldest = this.customers.keys().next().value!;
        this.customers.delete(oldest);
        this.stats.customersEvicted++;
      }
      record = {
        slots: new Float64Array(2 * this.def.touchpointsPerCustomer),
        used: 0,
        next: 0,
        newestTs: ts,
      };
    } else this.customers.delete(customerId);
    this.customers.set(customerId, record);
    const at = 2 * record.next;
    record.slots[at] = ts;
    record.slots[at + 1] = code * 2 + (failed ? 1 : 0);
    record.next = (record.next + 1) % this.def.touchpointsPerCustomer;
    if (record.used < this.def.touchpointsPerCustomer) record.used++;
    if (ts > record.newestTs) record.newestTs = ts;
  }

  private addAnswer(e: SurveyResponseEvent): void {
    const scores = this.def.scores;
    let any = false;
    for (const s of scores) if (typeof e[s] === 'number') any = true;
    if (!any) return;
    const index = Math.floor(e.ts / this.def.everyMs);
    if (!Number.isNaN(this.reported) && index < this.reported + 1 - this.hops) {
      this.stats.tooLate++;
      return;
    }
    this.stats.answers++;
    const linked = this.linked;
    linked.clear();
    const record = e.customerId === undefined ? undefined : this.customers.get(e.customerId);
    if (record !== undefined) {
      const from = e.ts - this.def.lookbackMs;
      for (let i = 0; i < record.used; i++) {
        const ts = record.slots[2 * i]!;
        if (ts < from || ts > e.ts) continue;
        const packed = record.slots[2 * i + 1]!;
        const code = packed >> 1;
        linked.set(code, (linked.get(code) ?? 0) | (packed & 1));
      }
    }
    if (linked.size > 0) this.stats.linkedAnswers++;
    const bucket = this.bucketAt(index);
    scores.forEach((score, si) => {
      const y = e[score];
      if (typeof y !== 'number') return;
      const base = si * SCORE_FIELDS;
      bucket.scores[base]! += 1;
      bucket.scores[base + 1]! += y;
      if (linked.size > 0) bucket.scores[base + 2]! += 1;
      for (const [code, x] of linked) {
        let sums = bucket.touchpoints.get(code);
        if (sums === undefined) {
          sums = new Float64Array(scores.length * TP_FIELDS);
          bucket.touchpoints.set(code, sums);
        }
        const t = si * TP_FIELDS;
        sums[t]! += 1;
        sums[t + 1]! += x;
        sums[t + 2]! += y;
        sums[t + 3]! += x * y;
        sums[t + 4]! += y * y;
      }
    });
  }

  private bucketAt(index: number): Bucket {
    let bucket = this.buckets.get(index);
    if (bucket === undefined) {
      bucket = { scores: new Float64Array(this.def.scores.length * SCORE_FIELDS), touchpoints: new Map() };
      this.buckets.set(index, bucket);
    }
    return bucket;
  }

  private expireCustomers(): void {
    const horizon = this.newestTs - this.lateness - this.def.lookbackMs;
    for (const [id, record] of this.customers) {
      if (record.newestTs >= horizon) break;
      this.customers.delete(id);
      this.stats.customersExpired++;
    }
  }

  /** Reports the window ending at hop boundary `boundary`, then forgets the buckets no window needs. */
  private report(boundary: number, out: DriverAnalysisInsight[]): void {
    this.reported = boundary;
    const first = boundary - this.hops;
    const scores = this.def.scores;
    const totals = new Float64Array(scores.length * SCORE_FIELDS);
    const perTouchpoint = new Map<number, Float64Array>();
    for (const [index, bucket] of this.buckets) {
      if (index < first || index >= boundary) continue;
      for (let i = 0; i < totals.length; i++) totals[i]! += bucket.scores[i]!;
      for (const [code, sums] of bucket.touchpoints) {
        let acc = perTouchpoint.get(code);
        if (acc === undefined) perTouchpoint.set(code, (acc = new Float64Array(sums.length)));
        for (let i = 0; i < sums.length; i++) acc[i]! += sums[i]!;
      }
    }
    // The next report covers buckets from boundary + 1 − hops on.
    for (const index of this.buckets.keys()) if (index < boundary + 1 - this.hops) this.buckets.delete(index);
    const windowStart = first * this.def.everyMs;
    const windowEnd = boundary * this.def.everyMs;
    scores.forEach((score, si) => {
      out.push(this.insightFor(score, si, totals, perTouchpoint, windowStart, windowEnd));
      this.stats.reports++;
    });
  }

  private insightFor(
    score: SurveyScore,
    si: number,
    totals: Float64Array,
    perTouchpoint: ReadonlyMap<number, Float64Array>,
    windowStart: number,
    windowEnd: number,
  ): DriverAnalysisInsight {
    const def = this.def;
    const answers = totals[si * SCORE_FIELDS]!;
    const sumY = totals[si * SCORE_FIELDS + 1]!;
    const linkedAnswers = totals[si * SCORE_FIELDS + 2]!;
    const [low, high] = SURVEY_SCORE_RANGE[score];
    const minImpact = def.minImpact * (high - low);
    const estimates: DriverEstimate[] = [];
    for (const [code, acc] of perTouchpoint) {
      const t = si * TP_FIELDS;
      const sums: FailureSums = {
        n: acc[t]!,
        failures: acc[t + 1]!,
        sumY: acc[t + 2]!,
        sumXY: acc[t + 3]!,
        sumYY: acc[t + 4]!,
      };
      if (sums.n < def.minAnswers) continue;
      const c = failureCorrelation(sums, this.zQuantile);
      if (c === undefined) continue;
      estimates.push({
        touchpoint: this.names[code]!,
        n: sums.n,
        failures: sums.failures,
        meanScoreFailed: c.meanFailed,
        meanScoreOk: c.meanOk,
        effect: c.effect,
        r: c.r,
        rLow: c.rLow,
        rHigh: c.rHigh,
        pValue: c.pValue,
        impact: answers > 0 ? (sums.failures / answers) * (c.meanOk - c.meanFailed) : 0,
        driver: false,
      });
    }
    const alpha = (1 - def.confidence) / Math.max(1, estimates.length);
    for (const d of estimates) {
      d.driver =
        d.pValue < alpha &&
        d.effect < 0 &&
        d.failures >= def.minFailures &&
        d.n - d.failures >= def.minFailures &&
        d.impact >= minImpact;
    }
    estimates.sort((a, b) => b.impact - a.impact || a.r - b.r || (a.touchpoint < b.touchpoint ? -1 : 1));
    const drivers = estimates.filter((d) => d.driver);
    const ranked = estimates.slice(0, def.top);
    const headline = drivers[0] ?? ranked[0];
    const meanScore = answers > 0 ? sumY / answers : null;
    return {
      id: insightId(this.pipeline, 'driver-analysis', score, 'report', windowEnd),
      kind: 'driver-analysis',
      pipeline: this.pipeline,
      key: score,
      state: 'report',
      ts: windowEnd,
      windowStart,
      windowEnd,
      summary: summaryOf(score, answers, estimates.length, drivers, ranked[0], meanScore),
      subject: headline?.touchpoint ?? '',
      value: headline?.impact ?? null,
      details: {
        score,
        answers,
        linkedAnswers,
        meanScore,
        confidence: def.confidence,
        touchpointsTested: estimates.length,
        driverTouchpoints: drivers.map((d) => d.touchpoint),
        drivers: ranked,
      },
    };
  }
}

function summaryOf(
  score: SurveyScore,
  answers: number,
  tested: number,
  drivers: readonly DriverEstimate[],
  strongest: DriverEstimate | undefined,
  mean: number | null,
): string {
  const name = score.toUpperCase();
  const top = drivers[0];
  if (top === undefined) {
    return (
      `No touchpoint drives ${name} significantly now (${answers} answers, ${tested} touchpoints tested)` +
      (strongest ? `; strongest: ${strongest.touchpoint}, r ${fmt(strongest.r)}` : '')
    );
  }
  const others = drivers.slice(1).map((d) => d.touchpoint);
  return (
    `${name} is driven down most by ${top.touchpoint} now: answers after a failure there score ` +
    `${fmt(-top.effect)} lower (r ${fmt(top.r)}, n ${top.n}, p ${pText(top.pValue)}), ` +
    `${fmt(top.impact)} points off the mean of ${fmt(mean)}` +
    (others.length > 0 ? `; also ${others.join(', ')}` : '')
  );
}

function fmt(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return 'n/a';
  return String(Number(v.toPrecision(2)));
}

function pText(p: number): string {
  return p < 0.001 ? '< 0.001' : String(Number(p.toPrecision(2)));
}
