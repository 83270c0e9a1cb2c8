/**
 * Traffic simulator throughput: events generated per second of wall time, in process.
 *
 * Two worlds: `--rate 50000` (the largest rate we promise; the contact centre is capped at 5 000
 * agents, so journeys carry most of it) and `--rate 1000` (demo-sized). Each round advances the
 * simulation by one simulated second after a warm-up that fills the pipeline (journeys in flight,
 * agents busy), so the steady state is measured, not the empty start.
 * Two costs: the generator alone, and the generator plus what `--output kafka` adds per event
 * (JSON.stringify + Buffer.from). Target: both ≥ 50 000 events/s at rate 50 000, i.e. the generator
 * keeps up with real time at that rate.
 */
import type { CxEvent } from '../src/events/types.js';
import { createSimulator } from '../src/sources/simulator/simulator.js';
import { compared, measureRates, type BenchResult } from './harness.js';

export const name = 'simulate';

const START = Date.UTC(2026, 0, 5, 12);
const TARGET = 50_000;

interface World {
  step: (serialise: boolean) => number;
  /** Serialised bytes and events so far (also keeps the serialisation from being optimised away). */
  bytes: number;
  serialised: number;
}

function warmed(rate: number): World {
  const sim = createSimulator({ seed: 1, startTs: START, rate, seasonality: false });
  sim.nextBatch(START + 120_000);
  const world: World = {
    bytes: 0,
    serialised: 0,
    step(serialise) {
      const batch: CxEvent[] = sim.nextBatch(sim.now + 1000);
      if (serialise) {
        for (const e of batch) world.bytes += Buffer.from(JSON.stringify(e)).length;
        world.serialised += batch.length;
      }
      return batch.length;
    },
  };
  return world;
}

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const rate of [TARGET, 1000]) {
    // Separate simulators so the two measurements advance separate, identical worlds.
    const plain = warmed(rate);
    const json = warmed(rate);
    const rounds = rate === TARGET ? { warmup: 2, rounds: 7 } : { warmup: 20, rounds: 61 };
    const measured = measureRates(
      { generate: () => plain.step(false), generateJson: () => json.step(true) },
      rounds,
    );
    results.push({
      name: `simulate.generate.rate-${rate}`,
      value: Math.round(measured.generate),
      unit: 'events/s',
      target: rate === TARGET ? TARGET : undefined,
      realTimeFactor: Math.round((measured.generate / rate) * 10) / 10,
    });
    results.push(
      compared(`simulate.generate+json.rate-${rate}`, 'events/s', measured.generateJson, measured.generate, {
        target: rate === TARGET ? TARGET : undefined,
        meanEventBytes: Math.round(json.bytes / json.serialised),
      }),
    );
  }
  return results;
}
