/** Deterministic synthetic series for detector tests: a seeded PRNG and a few classic shapes. */

/** mulberry32: a tiny, well-mixed 32-bit PRNG, so every run sees the same series. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draws by Box–Muller. */
export function seededNormal(seed: number): () => number {
  const u = seededRandom(seed);
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

export const T0 = Date.UTC(2024, 0, 1);
export const FIVE_MINUTES = 300_000;
export const DAY_POINTS = 288;

export interface Point {
  ts: number;
  value: number;
}

/** `n` five-minute points of `shape(i) + noise·N(0,1)`. */
export function series(n: number, shape: (i: number) => number, noise = 1, seed = 1): Point[] {
  const normal = seededNormal(seed);
  return Array.from({ length: n }, (_, i) => ({
    ts: T0 + i * FIVE_MINUTES,
    value: shape(i) + noise * normal(),
  }));
}

/** A daily sine of the given amplitude around `level` (5-minute points). */
export function daily(level: number, amplitude: number): (i: number) => number {
  return (i) => level + amplitude * Math.sin((2 * Math.PI * (i % DAY_POINTS)) / DAY_POINTS);
}
