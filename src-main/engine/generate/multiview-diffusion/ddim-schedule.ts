/**
 * DDIM as the contract writes it (docs/multiview-diffusion.md, "DDIM"): the training betas, the
 * n-step timesteps, and one update x_t → x_prev from the guided ε̂. Knows nothing of the networks
 * (diffusers' split: the schedule steps, the pipeline wires); the update also returns x̂0, which is
 * what a live preview shows.
 */
export interface ScheduleConfig {
  betaStart: number;
  betaEnd: number;
  trainSteps: number;
  beta: 'scaled-linear' | 'linear';
}

export interface DdimSchedule {
  /** ᾱ per training timestep (float64). */
  alphasCumprod: Float64Array;
  /** The n sampling timesteps in the order they are walked: from the last (e.g. 981) down to 1. */
  timesteps: number[];
  /** ᾱ_prev of each walked step: ᾱ at the next smaller timestep, ᾱ[0] after the smallest. */
  alphaPrev: number[];
  /** ᾱ at each walked timestep. */
  alpha: number[];
}

/** β = linspace(√β0, √β1, T)² (scaled-linear) or linspace(β0, β1, T); ᾱ = cumprod(1 − β). */
export function alphasCumprod(config: ScheduleConfig): Float64Array {
  const T = config.trainSteps;
  const out = new Float64Array(T);
  const scaled = config.beta === 'scaled-linear';
  const a = scaled ? Math.sqrt(config.betaStart) : config.betaStart;
  const b = scaled ? Math.sqrt(config.betaEnd) : config.betaEnd;
  let product = 1;
  for (let i = 0; i < T; i++) {
    const x = T === 1 ? a : a + ((b - a) * i) / (T - 1);
    const beta = scaled ? x * x : x;
    product *= 1 - beta;
    out[i] = product;
  }
  return out;
}

/** Stride T/n (integer division), τ_i = i·stride + 1 ascending; walked from the last one down. */
export function ddimSchedule(config: ScheduleConfig, steps: number): DdimSchedule {
  const T = config.trainSteps;
  if (!Number.isInteger(steps) || steps < 1 || steps > T)
    throw new RangeError(`DDIM steps must be an integer in 1…${T}, not ${steps}`);
  const ac = alphasCumprod(config);
  const stride = Math.floor(T / steps);
  const ascending = Array.from({ length: steps }, (_, i) => i * stride + 1);
  const timesteps = ascending.slice().reverse();
  const alpha = timesteps.map((t) => ac[t]!);
  const alphaPrev = timesteps.map((_, k) => {
    const prevIndex = steps - 2 - k; // index into `ascending` of the next smaller timestep
    return prevIndex >= 0 ? ac[ascending[prevIndex]!]! : ac[0]!;
  });
  return { alphasCumprod: ac, timesteps, alphaPrev, alpha };
}

export interface DdimStepArgs {
  /** x_t, updated in place into x_prev. */
  x: Float32Array;
  eps: Float32Array;
  alpha: number;
  alphaPrev: number;
  eta: number;
  /** Gaussian noise z (same length as x); omitted at the last step or with σ = 0. */
  z?: Float32Array;
  /** Receives x̂0 when given (same length as x). */
  x0Out?: Float32Array;
}

/** σ = eta·√((1−ᾱ_prev)/(1−ᾱ))·√(1 − ᾱ/ᾱ_prev). */
export function ddimSigma(alpha: number, alphaPrev: number, eta: number): number {
  return eta * Math.sqrt((1 - alphaPrev) / (1 - alpha)) * Math.sqrt(1 - alpha / alphaPrev);
}

/**
 * x̂0 = (x − √(1−ᾱ)ε̂)/√ᾱ; x_prev = √ᾱ_prev·x̂0 + √max(1−ᾱ_prev−σ², 1e-7)·ε̂ + σ·z. In place on `x`,
 * in float64 arithmetic per element as the PyTorch side does in float32 (differences ~1e-7).
 */
export function ddimStep(args: DdimStepArgs): void {
  const { x, eps, alpha, alphaPrev, z, x0Out } = args;
  const sigma = z ? ddimSigma(alpha, alphaPrev, args.eta) : 0;
  const sqrtA = Math.sqrt(alpha);
  const sqrt1mA = Math.sqrt(1 - alpha);
  const sqrtAPrev = Math.sqrt(alphaPrev);
  // SyncDreamer's clamp, kept by the PyTorch side: never the square root of a rounding error below 0
  const dirCoef = Math.sqrt(Math.max(1 - alphaPrev - sigma * sigma, 1e-7));
  stepLoop(x, eps, z, x0Out, sqrtA, sqrt1mA, sqrtAPrev, dirCoef, sigma);
}

function stepLoop(
  x: Float32Array,
  eps: Float32Array,
  z: Float32Array | undefined,
  x0Out: Float32Array | undefined,
  sqrtA: number,
  sqrt1mA: number,
  sqrtAPrev: number,
  dirCoef: number,
  sigma: number,
): void {
  for (let i = 0; i < x.length; i++) {
    const e = eps[i]!;
    const x0 = (x[i]! - sqrt1mA * e) / sqrtA;
    if (x0Out) x0Out[i] = x0;
    x[i] = sqrtAPrev * x0 + dirCoef * e + (z ? sigma * z[i]! : 0);
  }
}
