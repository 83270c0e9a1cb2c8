/**
 * Target status of an indicator value: ok, warn or breach, from the pipeline's target for the
 * indicator, or the per-key override whose dimensions all match the value's key (the most specific
 * override wins: `queue=vip/voice,channel=voice` before `queue=vip/voice`).
 */
import type { PipelineDefinition, TargetDefinition } from '../config/pipeline-definition.js';
import type { IndicatorValue } from '../windows/indicator-value.js';

export type TargetStatus = 'ok' | 'warn' | 'breach';

/** Status of `value` against `target`; null when there is no target or no value to judge. */
export function targetStatus(
  value: number | null,
  target: TargetDefinition | undefined,
): TargetStatus | null {
  if (target === undefined || value === null || !Number.isFinite(value)) return null;
  if (target.direction === 'higher-is-better') {
    if (value <= target.breach) return 'breach';
    if (value <= target.warn) return 'warn';
    return 'ok';
  }
  if (value >= target.breach) return 'breach';
  if (value >= target.warn) return 'warn';
  return 'ok';
}

interface KeyOverride {
  match: [string, string][];
  target: TargetDefinition;
}

interface IndicatorTargets {
  target: TargetDefinition | undefined;
  /** Most specific first. */
  overrides: KeyOverride[];
}

/** Looks up targets by (pipeline, indicator name, key); built once from the pipeline definitions. */
export class TargetResolver {
  private readonly byIndicator = new Map<string, IndicatorTargets>();
  /** keyId → resolved target, per pipeline and indicator: keys repeat on every update. */
  private readonly cache = new Map<string, TargetDefinition | null>();

  constructor(pipelines: readonly PipelineDefinition[]) {
    for (const p of pipelines) {
      for (const def of p.indicators) {
        const overrides = Object.entries(def.targetsByKey).map(([spec, target]) => ({
          match: spec.split(',').map((pair) => {
            const at = pair.indexOf('=');
            return [pair.slice(0, at).trim(), pair.slice(at + 1).trim()] as [string, string];
          }),
          target,
        }));
        overrides.sort((a, b) => b.match.length - a.match.length);
        this.byIndicator.set(`${p.name}\u0000${def.name}`, { target: def.target, overrides });
      }
    }
  }

  targetFor(
    pipeline: string,
    indicator: string,
    key: Readonly<Record<string, string>>,
    keyId: string,
  ): TargetDefinition | undefined {
    const id = `${pipeline}\u0000${indicator}`;
    const targets = this.byIndicator.get(id);
    if (targets === undefined) return undefined;
    if (targets.overrides.length === 0) return targets.target;
    const cacheId = `${id}\u0000${keyId}`;
    const cached = this.cache.get(cacheId);
    if (cached !== undefined) return cached ?? undefined;
    const override = targets.overrides.find((o) => o.match.every(([dim, v]) => key[dim] === v));
    const resolved = override?.target ?? targets.target;
    // Bounded like the keys themselves; a reset costs only recomputation.
    if (this.cache.size > 100_000) this.cache.clear();
    this.cache.set(cacheId, resolved ?? null);
    return resolved;
  }

  statusOf(v: IndicatorValue): TargetStatus | null {
    return targetStatus(v.value, this.targetFor(v.pipeline, v.indicator, v.key, v.keyId));
  }
}
