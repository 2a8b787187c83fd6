/** Classifier-free guidance: ε̂ = ε_u + w·(ε_c − ε_u), element-wise, into `out`. */
export function guideEps(out: Float32Array, uncond: Float32Array, cond: Float32Array, w: number): void {
  for (let i = 0; i < out.length; i++) {
    const u = uncond[i]!;
    out[i] = u + w * (cond[i]! - u);
  }
}

/** Whether the unconditional half runs at all: w = 1 is the conditional prediction alone. */
export function needsUnconditional(w: number): boolean {
  return w !== 1;
}
