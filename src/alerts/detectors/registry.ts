/** Detectors by name, each built from its documented defaults plus any overrides. */
import { CusumDetector } from './cusum.js';
import type { Detector } from './detector.js';
import { EnsembleDetector } from './ensemble.js';
import { EwmaDetector } from './ewma.js';
import { SeasonalDetector } from './seasonal.js';

export const DEFAULT_DETECTOR = 'ensemble';

/** Builds a detector whose alarm threshold (on its 0..1 score) is `threshold` when given. */
const FACTORIES = {
  seasonal: (threshold?: number) => new SeasonalDetector(threshold === undefined ? {} : { threshold }),
  ewma: (threshold?: number) => new EwmaDetector(threshold === undefined ? {} : { threshold }),
  cusum: (threshold?: number) => new CusumDetector(threshold === undefined ? {} : { threshold }),
  ensemble: (threshold?: number) => new EnsembleDetector(threshold === undefined ? {} : { threshold }),
} as const satisfies Record<string, (threshold?: number) => Detector>;

export type DetectorName = keyof typeof FACTORIES;

export const DETECTOR_NAMES = Object.keys(FACTORIES) as DetectorName[];

export function isDetectorName(name: string): name is DetectorName {
  return Object.hasOwn(FACTORIES, name);
}

export function createDetector(name: DetectorName, threshold?: number): Detector {
  return FACTORIES[name](threshold);
}
