import { describe, expect, it } from 'vitest';
import {
  nullAndPerfect,
  normalise,
  probationaryLength,
  scaledSigmoid,
  scoreAtThreshold,
  sweepPoints,
} from '../../support/nab-scoring.js';

// 100 one-minute rows; probation is the first 15; one window on rows 40..59 (width 20).
const ts = Array.from({ length: 100 }, (_, i) => i * 60_000);
const windows: [number, number][] = [[ts[40]!, ts[59]!]];

function rawScore(detections: number[], w = windows): number {
  const scores = ts.map((_, i) => (detections.includes(i) ? 1 : 0));
  return scoreAtThreshold(sweepPoints(ts, scores, w, 'f'), 1).score;
}

describe('NAB scorer (standard profile)', () => {
  it('has NAB’s probation and sigmoid', () => {
    expect(probationaryLength(100)).toBe(15);
    expect(probationaryLength(10_000)).toBe(750);
    expect(scaledSigmoid(-1)).toBeCloseTo(0.98661, 5);
    expect(scaledSigmoid(0)).toBe(0);
    expect(scaledSigmoid(3)).toBe(-1);
  });

  it('scores a detection on the window’s first row +1, and later ones less', () => {
    expect(rawScore([40])).toBeCloseTo(1, 12);
    expect(rawScore([50])).toBeCloseTo(0.84828 / 0.98661, 3); // halfway: σ(−0.5)
    // On the last row: position −1/20, still (just) positive.
    expect(rawScore([59])).toBeCloseTo((2 / (1 + Math.exp(-0.25)) - 1) / (2 / (1 + Math.exp(-5)) - 1), 12);
    expect(rawScore([59])).toBeGreaterThan(0);
  });

  it('counts only the best (first) detection in a window', () => {
    expect(rawScore([40, 45, 50])).toBeCloseTo(1, 12);
    expect(rawScore([45, 50])).toBeCloseTo(rawScore([45]), 12);
  });

  it('charges −1 for a missed window and 0.11·σ for each false positive', () => {
    expect(rawScore([])).toBe(-1);
    // Before any window: the full −0.11.
    expect(rawScore([20])).toBeCloseTo(-1.11, 12);
    expect(rawScore([20, 25])).toBeCloseTo(-1.22, 12);
    // After the window: 0.11·σ(|59 − 70| / 19) ≈ −0.0985, milder close to the window.
    expect(rawScore([70]) + 1).toBeCloseTo(-0.0985, 4);
    expect(rawScore([61]) + 1).toBeGreaterThan(rawScore([70]) + 1);
  });

  it('ignores the probationary period', () => {
    expect(rawScore([3, 10])).toBe(-1);
  });

  it('normalises between the null detector (0) and the perfect one (100)', () => {
    const points = sweepPoints(
      ts,
      ts.map(() => 0),
      windows,
      'f',
    );
    const { null: n, perfect: p } = nullAndPerfect(points);
    expect(n).toBe(-1);
    expect(p).toBeCloseTo(1, 12);
    expect(normalise(rawScore([40]), n, p)).toBeCloseTo(100, 9);
    expect(normalise(rawScore([]), n, p)).toBe(0);
    expect(normalise(rawScore([20]), n, p)).toBeCloseTo(-5.5, 9);
  });

  it('takes rows with an anomaly score at or above the threshold as detections', () => {
    const scores = ts.map((_, i) => (i === 40 ? 0.6 : i === 20 ? 0.4 : 0));
    const points = sweepPoints(ts, scores, windows, 'f');
    expect(scoreAtThreshold(points, 0.5).score).toBeCloseTo(1, 12);
    expect(scoreAtThreshold(points, 0.4).score).toBeCloseTo(0.89, 12);
    expect(scoreAtThreshold(points, 0.7).score).toBe(-1);
  });

  it('rejects a window whose ends are not rows of the file', () => {
    expect(() =>
      sweepPoints(
        ts,
        ts.map(() => 0),
        [[ts[40]! + 1, ts[59]!]],
        'f',
      ),
    ).toThrow(/not a row/);
  });
});
