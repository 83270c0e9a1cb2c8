/** How indicator values and pipelines look to clients: the wire form shared by the REST API and the WebSocket. */
import type { PipelineDefinition } from '../config/pipeline-definition.js';
import { indicatorMetadata } from '../indicators/registry.js';
import type { IndicatorValue } from '../windows/indicator-value.js';
import { LIVE_WINDOW } from '../windows/pipeline-indicators.js';
import type { TargetResolver } from './target-status.js';
import type { CatalogPipeline, WireValue } from './ws/protocol.js';

export function toWireValue(v: IndicatorValue, targets: TargetResolver): WireValue {
  const wire: WireValue = {
    pipeline: v.pipeline,
    indicator: v.indicator,
    window: v.window,
    key: v.key,
    keyId: v.keyId,
    windowStart: v.windowStart,
    windowEnd: v.windowEnd,
    value: v.value,
    kind: v.kind === 'correction' ? 'final' : v.kind,
    version: v.version,
    status: targets.statusOf(v),
  };
  if (v.quantiles !== undefined) wire.quantiles = v.quantiles;
  if (v.samples !== undefined) wire.samples = v.samples;
  return wire;
}

export function catalogOf(pipelines: readonly PipelineDefinition[]): CatalogPipeline[] {
  return pipelines.map((p) => {
    const hasGauges = p.indicators.some((d) => indicatorMetadata(d.id).kind === 'gauge');
    return {
      name: p.name,
      keyBy: [...p.keyBy],
      windows: [...p.windows.map((w) => w.name), ...(hasGauges ? [LIVE_WINDOW] : [])],
      indicators: p.indicators.map((d) => {
        const meta = indicatorMetadata(d.id);
        return {
          name: d.name,
          id: d.id,
          unit: meta.unit,
          direction: d.target?.direction ?? meta.direction,
          ...(meta.range ? { range: meta.range } : {}),
          ...(d.target ? { target: d.target } : {}),
        };
      }),
    };
  });
}

/** Stable identity of a value's series: what conflation keeps one entry per. */
export function seriesId(v: Pick<IndicatorValue, 'pipeline' | 'indicator' | 'window' | 'keyId'>): string {
  return `${v.pipeline}\u0000${v.indicator}\u0000${v.window}\u0000${v.keyId}`;
}
