/**
 * Fills the texels no chart covers (and any hole) by push-pull: average the known texels down a
 * pyramid, then pull the coarse averages back up into the unknown ones. Keeps texture filtering and
 * mip-maps from bleeding black into chart borders.
 */
export function pushPullFill(rgb: Float32Array, known: Uint8Array, size: number): void {
  if (size <= 1) return;
  const half = size >> 1;
  const coarse = new Float32Array(half * half * 3);
  const coarseKnown = new Uint8Array(half * half);
  for (let y = 0; y < half; y++) {
    for (let x = 0; x < half; x++) {
      let n = 0;
      let r = 0,
        g = 0,
        b = 0;
      for (let dy = 0; dy < 2; dy++) {
        for (let dx = 0; dx < 2; dx++) {
          const p = (y * 2 + dy) * size + (x * 2 + dx);
          if (!known[p]) continue;
          n++;
          r += rgb[p * 3]!;
          g += rgb[p * 3 + 1]!;
          b += rgb[p * 3 + 2]!;
        }
      }
      if (n > 0) {
        const q = y * half + x;
        coarse[q * 3] = r / n;
        coarse[q * 3 + 1] = g / n;
        coarse[q * 3 + 2] = b / n;
        coarseKnown[q] = 1;
      }
    }
  }
  if (coarseKnown.some((k) => !k)) pushPullFill(coarse, coarseKnown, half);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const p = y * size + x;
      if (known[p]) continue;
      const q = Math.min(y >> 1, half - 1) * half + Math.min(x >> 1, half - 1);
      rgb[p * 3] = coarse[q * 3]!;
      rgb[p * 3 + 1] = coarse[q * 3 + 1]!;
      rgb[p * 3 + 2] = coarse[q * 3 + 2]!;
    }
  }
}
