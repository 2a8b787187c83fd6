/**
 * A small seeded generator (mulberry32): the same seed gives the same bad inputs on every machine, so a
 * case the fuzz reports can be reproduced by its name alone.
 */
export interface SeededRandom {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  bytes(n: number): Buffer;
}

export function seededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  return {
    next,
    int,
    bytes(n) {
      const out = Buffer.alloc(n);
      for (let i = 0; i < n; i++) out[i] = int(256);
      return out;
    },
  };
}

/** The bytes with `flips` bits flipped at seeded positions (the first `keep` bytes left alone). */
export function flipBits(bytes: Buffer, flips: number, seed: number, keep = 0): Buffer {
  const out = Buffer.from(bytes);
  const rnd = seededRandom(seed);
  for (let i = 0; i < flips; i++) {
    const at = keep + rnd.int(out.length - keep);
    out[at] = out[at]! ^ (1 << rnd.int(8));
  }
  return out;
}
