/** Runs a detector over a series and returns the indices it alarmed on, and every result. */
import type { Detector, DetectorResult } from '../../../../src/alerts/detectors/detector.js';
import type { Point } from '../../../support/synthetic-series.js';

export function run(
  detector: Detector,
  points: readonly Point[],
): { alarms: number[]; results: DetectorResult[] } {
  const results = points.map((p) => detector.update(p.ts, p.value));
  const alarms = results.flatMap((r, i) => (r.isAnomaly ? [i] : []));
  return { alarms, results };
}
