/**
 * Where the sampler's Gaussian noise comes from: the initial latents and the z of each DDIM step.
 * The app's source is seeded and counter-based — the noise of step k depends only on (seed, k) — so
 * its whole state is the seed, a resumed run draws exactly what an uninterrupted one would, and the
 * order in which steps ask does not matter. Parity tests feed the PyTorch side's noise from files.
 */
export interface NoiseSource {
  /** For reports and the saved sampling state. */
  readonly description: string;
  /** What the saved sampling state records to recreate this source (JSON). */
  readonly state: NoiseState;
  /** The initial latents x_T (standard normal), `count` values. */
  initial(count: number): Float32Array;
  /** The z of walked step `step` (0 = the first, at the largest timestep), `count` values. */
  stepNoise(step: number, count: number): Float32Array;
}

export type NoiseState =
  | { kind: 'seeded'; algorithm: 'xoshiro128**-box-muller/1'; seed: number }
  | { kind: 'external'; description: string };

/** A source of standard normal noise from a 32-bit seed (any integer; taken modulo 2³²). */
export function seededNoise(seed: number): NoiseSource {
  const s = seed >>> 0;
  return {
    description: `seeded Gaussian (seed ${s})`,
    state: { kind: 'seeded', algorithm: 'xoshiro128**-box-muller/1', seed: s },
    initial: (count) => gaussianStream(s, 0, count),
    stepNoise: (step, count) => gaussianStream(s, step + 1, count),
  };
}

/** Noise the caller already has (e.g. the PyTorch side's .bin files): initial latents, then per step. */
export function arrayNoise(
  description: string,
  initial: Float32Array,
  steps: (step: number) => Float32Array,
): NoiseSource {
  return {
    description,
    state: { kind: 'external', description },
    initial(count) {
      if (initial.length !== count)
        throw new Error(`${description}: initial noise has ${initial.length} values, ${count} needed`);
      return Float32Array.from(initial);
    },
    stepNoise(step, count) {
      const z = steps(step);
      if (z.length !== count)
        throw new Error(`${description}: step ${step} noise has ${z.length} values, ${count} needed`);
      return z;
    },
  };
}

/** Stream `stream` of seed `seed`: xoshiro128** seeded through splitmix32, Box–Muller pairs. */
export function gaussianStream(seed: number, stream: number, count: number): Float32Array {
  const st = new Uint32Array(4);
  let sm = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(stream + 1, 0xc2b2ae35)) >>> 0;
  for (let i = 0; i < 4; i++) {
    sm = (sm + 0x9e3779b9) >>> 0;
    st[i] = splitmix32(sm);
  }
  if ((st[0]! | st[1]! | st[2]! | st[3]!) === 0) st[0] = 1;
  const out = new Float32Array(count);
  fillGaussian(st, out);
  return out;
}

function splitmix32(x: number): number {
  let z = x >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

function nextU32(s: Uint32Array): number {
  const r = Math.imul(rotl(Math.imul(s[1]!, 5) >>> 0, 7), 9) >>> 0;
  const t = (s[1]! << 9) >>> 0;
  s[2] = (s[2]! ^ s[0]!) >>> 0;
  s[3] = (s[3]! ^ s[1]!) >>> 0;
  s[1] = (s[1]! ^ s[2]!) >>> 0;
  s[0] = (s[0]! ^ s[3]!) >>> 0;
  s[2] = (s[2]! ^ t) >>> 0;
  s[3] = rotl(s[3]!, 11);
  return r;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

const TWO_PI = 2 * Math.PI;

function fillGaussian(s: Uint32Array, out: Float32Array): void {
  for (let i = 0; i < out.length; i += 2) {
    // (0, 1]: never log(0)
    const u1 = (nextU32(s) + 1) / 4294967296;
    const u2 = nextU32(s) / 4294967296;
    const r = Math.sqrt(-2 * Math.log(u1));
    out[i] = r * Math.cos(TWO_PI * u2);
    if (i + 1 < out.length) out[i + 1] = r * Math.sin(TWO_PI * u2);
  }
}
