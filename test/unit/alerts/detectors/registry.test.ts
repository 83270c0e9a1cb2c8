import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DETECTOR,
  DETECTOR_NAMES,
  createDetector,
  isDetectorName,
} from '../../../../src/alerts/detectors/registry.js';
import { scoreToZ, zToScore } from '../../../../src/alerts/detectors/detector.js';

describe('detector registry', () => {
  it('names four detectors, the ensemble by default, each built under its name', () => {
    expect(DETECTOR_NAMES).toEqual(['seasonal', 'ewma', 'cusum', 'ensemble']);
    expect(DEFAULT_DETECTOR).toBe('ensemble');
    for (const name of DETECTOR_NAMES) expect(createDetector(name).name).toBe(name);
    expect(isDetectorName('toString')).toBe(false);
    expect(isDetectorName('nope')).toBe(false);
  });

  it('passes the threshold on: a lower one alarms where the default does not', () => {
    const lenient = createDetector('ewma', 0.1);
    const strict = createDetector('ewma');
    let l = 0;
    let s = 0;
    for (let i = 0; i < 100; i++) {
      const v = 100 + (i % 2) + (i === 80 ? 1.5 : 0);
      if (lenient.update(i * 1000, v).isAnomaly) l++;
      if (strict.update(i * 1000, v).isAnomaly) s++;
    }
    expect(l).toBeGreaterThan(s);
  });
});

describe('zToScore', () => {
  it('maps the reference deviation to 0.5, is monotone, and inverts', () => {
    expect(zToScore(0, 4)).toBe(0);
    expect(zToScore(4, 4)).toBeCloseTo(0.5, 12);
    expect(zToScore(8, 4)).toBeCloseTo(0.8, 12);
    expect(zToScore(Infinity, 4)).toBe(1);
    expect(scoreToZ(0.8, 4)).toBeCloseTo(8, 12);
  });
});
