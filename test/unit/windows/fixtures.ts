/** Small pipelines, events and accumulators for the window engine tests. */
import type { PipelineDefinition, WindowDefinition } from '../../../src/config/pipeline-definition.js';
import type { ContactEvent } from '../../../src/events/types.js';
import type { IndicatorAccumulator } from '../../../src/indicators/accumulator.js';
import type { IndicatorValue } from '../../../src/windows/indicator-value.js';

export function testPipeline(overrides: Partial<PipelineDefinition> = {}): PipelineDefinition {
  const windows: WindowDefinition[] = overrides.windows ?? [{ name: '10', sizeMs: 10, hopMs: 10 }];
  return {
    name: 'test',
    source: { topics: ['events'] },
    keyBy: ['queue'],
    allowedLatenessMs: 5,
    correctionHorizonMs: 20,
    idleTimeoutMs: 0,
    earlyFiringIntervalMs: 0,
    keyIdleEvictMs: 1_000,
    maxKeys: 100,
    indicators: [{ id: 'contacts_offered', name: 'count', params: {}, targetsByKey: {} }],
    ...overrides,
    windows,
  };
}

let seq = 0;
export function ev(
  ts: number,
  queue = 'q1',
  waitMs = 1,
  channel: ContactEvent['channel'] = 'voice',
): ContactEvent {
  return { id: `e${++seq}`, type: 'contact.queued', ts, channel, queue, contactId: `c${seq}`, waitMs };
}

/** Counts contact.queued events. */
export function countAccumulator(name = 'count'): IndicatorAccumulator<{ n: number }> {
  return {
    name,
    eventTypes: ['contact.queued'],
    create: () => ({ n: 0 }),
    add: (s) => {
      s.n++;
    },
    merge: (into, from) => {
      into.n += from.n;
    },
    result: (s) => ({ value: s.n }),
  };
}

/** Sums waitMs of contact.queued events. */
export function sumAccumulator(name = 'sum'): IndicatorAccumulator<{ sum: number }> {
  return {
    name,
    eventTypes: ['contact.queued'],
    create: () => ({ sum: 0 }),
    add: (s, e) => {
      s.sum += (e as ContactEvent).waitMs ?? 0;
    },
    merge: (into, from) => {
      into.sum += from.sum;
    },
    result: (s) => ({ value: s.sum }),
  };
}

/** Compact text of a value, so marble expectations stay readable: `final#1 10 queue=q1 [0,10) count=2`. */
export function show(v: IndicatorValue): string {
  return `${v.kind}#${v.version} ${v.window} ${v.keyId} [${v.windowStart},${v.windowEnd}) ${v.indicator}=${v.value}`;
}
