/**
 * The contact-centre workload shared by the window benchmarks: the real pipeline definition
 * (pipelines/contact-center.yaml, through the real loader) reduced to its windowed counts, rates and
 * means, the real accumulators from the indicator registry, and a synthetic, pre-decoded event stream.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IndicatorId, PipelineDefinition } from '../src/config/pipeline-definition.js';
import { loadPipelineFile } from '../src/config/pipeline-loader.js';
import { CHANNELS, type ContactEvent, type CxEvent } from '../src/events/types.js';
import type { IndicatorAccumulator } from '../src/indicators/accumulator.js';
import { createAccumulator } from '../src/indicators/registry.js';

/** The pipeline's indicators that are plain counts, rates and means over the window's events. */
export const COUNT_RATE_MEAN_IDS: readonly IndicatorId[] = [
  'contacts_offered',
  'contacts_answered',
  'contacts_abandoned',
  'abandonment_rate',
  'service_level',
  'asa_seconds',
  'aht_seconds',
  'transfer_rate',
];

export function contactCenterPipeline(overrides: Partial<PipelineDefinition> = {}): PipelineDefinition {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const full = loadPipelineFile(join(root, 'pipelines', 'contact-center.yaml'));
  return {
    ...full,
    indicators: full.indicators.filter((d) => COUNT_RATE_MEAN_IDS.includes(d.id)),
    ...overrides,
  };
}

export function contactCenterAccumulators(pipeline: PipelineDefinition): IndicatorAccumulator[] {
  return pipeline.indicators.map((d) => createAccumulator(d));
}

export interface WorkloadOptions {
  events: number;
  queues: number;
  /** Channels per queue (keys = queues × channels). */
  channels: number;
  /** Event-time rate of the whole stream. */
  eventsPerSecond: number;
  /** Events are up to this much older than the stream's clock (must stay within the lateness). */
  disorderMs: number;
  startTs?: number;
  seed?: number;
}

/** Small deterministic PRNG (mulberry32): the same stream in every run and both contenders. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function contactCenterEvents(o: WorkloadOptions): CxEvent[] {
  const rnd = random(o.seed ?? 42);
  const start = o.startTs ?? Date.UTC(2026, 0, 5, 8);
  const step = 1000 / o.eventsPerSecond;
  const queues = Array.from({ length: o.queues }, (_, i) => `queue-${i}`);
  const channels = CHANNELS.slice(0, o.channels);
  const events: CxEvent[] = [];
  for (let i = 0; i < o.events; i++) {
    const ts = Math.round(start + i * step - rnd() * o.disorderMs);
    const r = rnd();
    if (r < 0.08) {
      events.push({
        id: `a${i}`,
        type: 'agent.state',
        ts,
        agentId: `agent-${i % 500}`,
        team: 'team-1',
        queues: [queues[i % queues.length]!],
        state: 'available',
      });
      continue;
    }
    const type: ContactEvent['type'] =
      r < 0.36
        ? 'contact.queued'
        : r < 0.6
          ? 'contact.answered'
          : r < 0.66
            ? 'contact.abandoned'
            : r < 0.7
              ? 'contact.transferred'
              : 'contact.ended';
    const e: ContactEvent = {
      id: `e${i}`,
      type,
      ts,
      channel: channels[Math.floor(rnd() * channels.length)]!,
      queue: queues[Math.floor(rnd() * queues.length)]!,
      contactId: `c${i >> 2}`,
      segment: rnd() < 0.1 ? 'vip' : 'standard',
    };
    if (type === 'contact.answered' || type === 'contact.abandoned') e.waitMs = Math.floor(rnd() * 60_000);
    if (type === 'contact.ended') {
      e.talkMs = Math.floor(rnd() * 600_000);
      e.holdMs = Math.floor(rnd() * 60_000);
      e.wrapMs = Math.floor(rnd() * 60_000);
    }
    events.push(e);
  }
  return events;
}

export function inBatches<T>(items: readonly T[], size: number): T[][] {
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  return batches;
}

/**
 * A long stream of batches replayed from a small pool: batch j is pool batch j mod P with its events'
 * timestamps moved forward by ⌊j / P⌋ × spanMs (rewritten in place when the batch is taken).
 *
 * Why not all batches generated ahead: 500 000 decoded events are ~100 MB that stay live for the
 * whole benchmark, and every major GC then marks them — a cost that lands in whichever round
 * crosses the heap limit and has nothing to do with the code measured (in production, decoded
 * events die with their batch). A pool of 50 000 keeps the live heap near what a pipeline holds.
 * Rewriting `ts` costs both contenders the same one store per event.
 */
export class ReplayedBatches {
  private readonly baseTs: Float64Array[];

  constructor(
    private readonly pool: CxEvent[][],
    /** Batches in the stream. */
    readonly count: number,
    /** Event time one pass over the pool covers, ms. */
    private readonly spanMs: number,
  ) {
    this.baseTs = pool.map((b) => Float64Array.from(b, (e) => e.ts));
  }

  batch(j: number): CxEvent[] {
    const p = j % this.pool.length;
    const offset = Math.floor(j / this.pool.length) * this.spanMs;
    const batch = this.pool[p]!;
    const base = this.baseTs[p]!;
    for (let i = 0; i < batch.length; i++) (batch[i] as { ts: number }).ts = base[i]! + offset;
    return batch;
  }
}
