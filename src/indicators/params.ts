/**
 * Reading indicator parameters. The pipeline loader validates the YAML shape; these helpers
 * check the one value an indicator needs and fail at build time (never on the hot path).
 */
import type { IndicatorDefinition } from '../config/pipeline-definition.js';
import { CxPulseError } from '../errors/codes.js';

function invalid(def: IndicatorDefinition, key: string, expected: string): CxPulseError {
  return new CxPulseError(
    'CXP_ERR_PIPELINE_INVALID',
    `indicator ${def.name} (${def.id}): param ${key} must be ${expected}`,
  );
}

export function numberParam(def: IndicatorDefinition, key: string, fallback: number): number {
  const raw = def.params[key];
  if (raw === undefined) return fallback;
  if (typeof raw !== 'number' || !Number.isFinite(raw)) throw invalid(def, key, 'a finite number');
  return raw;
}

export function stringParam<T extends string>(
  def: IndicatorDefinition,
  key: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const raw = def.params[key];
  if (raw === undefined) return fallback;
  if (typeof raw !== 'string' || !(allowed as readonly string[]).includes(raw)) {
    throw invalid(def, key, `one of ${allowed.join(', ')}`);
  }
  return raw as T;
}

export function numberRecordParam(def: IndicatorDefinition, key: string): Readonly<Record<string, number>> {
  const raw = def.params[key];
  if (raw === undefined) return {};
  if (typeof raw !== 'object' || raw === null) throw invalid(def, key, 'a map of numbers');
  for (const v of Object.values(raw)) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw invalid(def, key, 'a map of finite numbers');
  }
  return raw;
}
