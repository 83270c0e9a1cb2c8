/**
 * Anomaly rule: one streaming detector (src/alerts/detectors, by name) per key, fed the final
 * values of one indicator and window. An alarm (`isAnomaly`) is `bad`, a score still at or above
 * the threshold without an alarm is `hold` (keeps the alert firing), only a score below it is `ok`.
 *
 * The ensemble is built without its own suppression (`suppressFor: 0`): the engine already makes
 * one incident one alert (`for`, `resolve.after`, flapping). Its NAB default (576 observations, two
 * days of 5-minute data) is 96 minutes of a 10-second hop: one early alarm, even one the floors
 * below turned down, left the key blind for an hour and a half (the login latency incident was
 * missed that way).
 *
 * Floors that turn an alarm into `ok` (the detector still learns from the value): `minDeviation`
 * (|value − expected| in the indicator's unit) and `minRelativeDeviation` (the same as a share of
 * |expected|: a p90 of 15.8 s against 15 s is no incident on an IVR step, 4 s against 0.7 s is one
 * on a login), and `minZ` for rates: the window's count must be at least as unlikely under the
 * expected rate as a minZ-σ normal excursion, by the exact binomial tail (binomial.ts). A fixed
 * 5-point floor is noise on a hundred attempts of a 1.5 % touchpoint (seven failures happen in one
 * window of about 1 200) and overwhelming evidence on a thousand.
 */
import type { AnomalyAlertRule, PipelineDefinition } from '../../config/pipeline-definition.js';
import type { Detector } from '../detectors/detector.js';
import { EnsembleDetector } from '../detectors/ensemble.js';
import { DEFAULT_DETECTOR, createDetector, isDetectorName } from '../detectors/registry.js';
import { binomialLowerTail, binomialUpperTail, normalUpperTail } from './binomial.js';
import {
  WindowEndGuard,
  newFinalValues,
  describeKey,
  formatValue,
  type RuleEvaluator,
  type RuleVerdict,
} from './rule-evaluator.js';

const DEFAULT_SCORE_THRESHOLD = 0.5;

export function anomalyRule(pipeline: PipelineDefinition, rule: AnomalyAlertRule): RuleEvaluator {
  const name = isDetectorName(rule.detector) ? rule.detector : DEFAULT_DETECTOR;
  const threshold = rule.threshold ?? DEFAULT_SCORE_THRESHOLD;
  // One detector per key, bounded by the pipeline's maxKeys like the keys themselves.
  const detectors = new Map<string, Detector>();
  const guard = new WindowEndGuard();

  return {
    pipeline,
    rule,
    observe(values) {
      const out: RuleVerdict[] = [];
      for (const v of newFinalValues(values, pipeline.name, rule, guard)) {
        let detector = detectors.get(v.keyId);
        if (!detector) {
          if (detectors.size >= pipeline.maxKeys) continue;
          detector =
            name === 'ensemble'
              ? new EnsembleDetector({
                  suppressFor: 0,
                  ...(rule.threshold !== undefined ? { threshold: rule.threshold } : {}),
                })
              : createDetector(name as Parameters<typeof createDetector>[0], rule.threshold);
          detectors.set(v.keyId, detector);
        }
        const result = detector.update(v.windowEnd, v.value);
        // The detector still learns from every value; only the verdict is held to the floor.
        const deviation = result.expected === null ? null : Math.abs(v.value - result.expected);
        const smallDeviation =
          deviation !== null &&
          ((rule.minDeviation !== undefined && deviation < rule.minDeviation) ||
            (rule.minRelativeDeviation !== undefined &&
              deviation < rule.minRelativeDeviation * Math.abs(result.expected!)) ||
            (rule.minZ !== undefined &&
              v.denominator !== undefined &&
              !isSignificantCount(
                v.numerator ?? Math.round(v.value * v.denominator),
                v.denominator,
                result.expected!,
                rule.minZ,
              )));
        const verdict = smallDeviation
          ? 'ok'
          : result.isAnomaly
            ? 'bad'
            : result.score >= threshold
              ? 'hold'
              : 'ok';
        const expected =
          result.expected === null
            ? 'still learning'
            : `expected ${formatValue(result.expected)}${result.band ? ` (band ${formatValue(result.band[0])}–${formatValue(result.band[1])})` : ''}`;
        const where = `${describeKey(v.key)} (${v.window})`;
        out.push({
          verdict,
          keyId: v.keyId,
          key: v.key,
          indicator: v.indicator,
          window: v.window,
          value: v.value,
          threshold,
          annotations: {
            summary:
              rule.summary ?? `${rule.indicator} ${formatValue(v.value)} on ${where} is unusual: ${expected}`,
            description: `${name} detector: score ${formatValue(result.score)} (alarm at ${formatValue(threshold)}), decided by ${result.detector}${result.reason ? `: ${result.reason}` : ''}.`,
            value: formatValue(v.value),
            expected: formatValue(result.expected),
            band: result.band ? `${formatValue(result.band[0])}..${formatValue(result.band[1])}` : 'n/a',
            detector: result.detector,
            score: formatValue(result.score),
          },
        });
      }
      return out;
    },
  };
}

/**
 * Whether `count` successes in `n` are at least as unlikely under the expected rate as a `minZ`-σ
 * normal excursion, by the exact binomial tail on the side the count lies (the expected rate is held
 * half a trial away from 0 and 1: a touchpoint that never failed yet still has a finite floor).
 */
export function isSignificantCount(count: number, n: number, expected: number, minZ: number): boolean {
  if (!(n > 0)) return false;
  const p = Math.min(1 - 0.5 / n, Math.max(0.5 / n, expected));
  const tail = count >= n * p ? binomialUpperTail(count, n, p) : binomialLowerTail(count, n, p);
  return tail <= normalUpperTail(minZ);
}
