/**
 * Deterministic random numbers for the synthetic data: one stream per (dataset seed, identity index),
 * so identity i is the same whatever the dataset's size or the order it is made in.
 */
export interface RandomSource {
  /** Uniform in [0, 1). */
  next(): number;
  uniform(low: number, high: number): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[], weights?: readonly number[]): T;
  /** A 32-bit integer seed for code that takes one (noise fields, strand noise). */
  seed(): number;
}

/** splitmix32: mixes (seed, index) into a well-spread 32-bit state. */
function mix(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

export function randomSource(seed: number, stream = 0): RandomSource {
  let state = mix(mix(seed >>> 0) ^ Math.imul(stream + 1, 0x27d4eb2d)) || 1;
  // mulberry32
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const source: RandomSource = {
    next,
    uniform: (low, high) => low + (high - low) * next(),
    normal: () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next()),
    chance: (p) => next() < p,
    pick<T>(items: readonly T[], weights?: readonly number[]): T {
      if (!weights) return items[Math.floor(next() * items.length)]!;
      const total = weights.reduce((a, b) => a + b, 0);
      let u = next() * total;
      for (const [i, w] of weights.entries()) {
        u -= w;
        if (u < 0) return items[i]!;
      }
      return items[items.length - 1]!;
    },
    seed: () => Math.floor(next() * 4294967296) >>> 0,
  };
  return source;
}
