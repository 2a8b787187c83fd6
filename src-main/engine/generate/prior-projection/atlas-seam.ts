/**
 * How visible the seam is where a texture's projected part (photo weight ≥ 0.5) meets its
 * synthesised part, measured in the atlas:
 *
 * - `jump`: the colour gradient of the texture low-passed at σ = 2 texels (fine strands and grain
 *   averaged out, a step kept), mean over the texels on the boundary (a 4-neighbour on the other side);
 * - `inside`: the same gradient, mean over texels at least 6 texels from the boundary on either side;
 * - `ratio` = jump / inside: ~1 where the boundary cannot be told from the texture around it, well
 *   over 1 for a seam;
 * - `meanStep`: the mean colour difference (RMS over RGB, /255) between the two sides' texels within
 *   6 texels of each boundary texel — the colour jump a seam shows.
 */
export interface SeamMeasure {
  jump: number;
  inside: number;
  ratio: number;
  meanStep: number;
  boundaryTexels: number;
}

const SIGMA = 2;
const SIDE_RADIUS = 6;

/**
 * @param image `channels` (≥ 3) bytes per texel, size × size.
 * @param weight photo weight per texel 0..1.
 * @param valid optional: only texels where it is nonzero count (e.g. texels on a chart).
 */
export function measureSeam(
  image: Uint8Array,
  channels: number,
  weight: Float32Array,
  size: number,
  valid?: ArrayLike<number>,
): SeamMeasure {
  const n = size * size;
  const ok = (p: number) => !valid || valid[p]! > 0;
  const rgb = new Float32Array(n * 3);
  for (let p = 0; p < n; p++) for (let k = 0; k < 3; k++) rgb[p * 3 + k] = image[p * channels + k]!;
  const low = gaussianBlur(rgb, size, SIGMA);
  const grad = (p: number, x: number, y: number) => {
    const l = y * size + Math.max(0, x - 1),
      r = y * size + Math.min(size - 1, x + 1),
      u = Math.max(0, y - 1) * size + x,
      d = Math.min(size - 1, y + 1) * size + x;
    let s = 0;
    for (let k = 0; k < 3; k++) {
      const gx = (low[r * 3 + k]! - low[l * 3 + k]!) / 2;
      const gy = (low[d * 3 + k]! - low[u * 3 + k]!) / 2;
      s += gx * gx + gy * gy;
    }
    return Math.sqrt(s / 3);
  };
  // Summed-area tables: seen-side indicator and its colour, unseen-side indicator and its colour.
  const W = size + 1;
  const tables = [0, 1, 2, 3, 4, 5, 6, 7].map(() => new Float64Array(W * W));
  for (let y = 0; y < size; y++) {
    const row = new Float64Array(8);
    for (let x = 0; x < size; x++) {
      const p = y * size + x;
      const seenSide = weight[p]! >= 0.5 ? 1 : 0;
      const use = ok(p) ? 1 : 0;
      row[0] = row[0]! + use * seenSide;
      row[4] = row[4]! + use * (1 - seenSide);
      for (let k = 0; k < 3; k++) {
        row[1 + k] = row[1 + k]! + use * seenSide * rgb[p * 3 + k]!;
        row[5 + k] = row[5 + k]! + use * (1 - seenSide) * rgb[p * 3 + k]!;
      }
      for (let t = 0; t < 8; t++) tables[t]![(y + 1) * W + x + 1] = tables[t]![y * W + x + 1]! + row[t]!;
    }
  }
  const box = (t: Float64Array, x: number, y: number) => {
    const x0 = Math.max(0, x - SIDE_RADIUS),
      y0 = Math.max(0, y - SIDE_RADIUS),
      x1 = Math.min(size, x + SIDE_RADIUS + 1),
      y1 = Math.min(size, y + SIDE_RADIUS + 1);
    return t[y1 * W + x1]! - t[y0 * W + x1]! - t[y1 * W + x0]! + t[y0 * W + x0]!;
  };
  let jump = 0,
    boundary = 0,
    inside = 0,
    insideCount = 0,
    step = 0;
  for (let y = 1; y < size - 1; y++) {
    for (let x = 1; x < size - 1; x++) {
      const p = y * size + x;
      if (!ok(p)) continue;
      const side = weight[p]! >= 0.5;
      let edge = false;
      for (const q of [p - 1, p + 1, p - size, p + size])
        if (ok(q) && weight[q]! >= 0.5 !== side) edge = true;
      if (edge) {
        jump += grad(p, x, y);
        boundary++;
        const ns = box(tables[0]!, x, y),
          nu = box(tables[4]!, x, y);
        let d = 0;
        for (let k = 0; k < 3; k++) {
          const diff = box(tables[1 + k]!, x, y) / ns - box(tables[5 + k]!, x, y) / nu;
          d += diff * diff;
        }
        step += Math.sqrt(d / 3);
        continue;
      }
      const ns = box(tables[0]!, x, y),
        nu = box(tables[4]!, x, y);
      if (ns > 0 && nu > 0) continue; // near the boundary
      if (ns + nu === 0) continue;
      inside += grad(p, x, y);
      insideCount++;
    }
  }
  const j = boundary ? jump / boundary : 0;
  const i = insideCount ? inside / insideCount : 0;
  return {
    jump: j,
    inside: i,
    ratio: i > 0 ? j / i : 0,
    meanStep: boundary ? step / boundary : 0,
    boundaryTexels: boundary,
  };
}

/** Separable Gaussian blur of an RGB float image (edges clamped). */
function gaussianBlur(rgb: Float32Array, size: number, sigma: number): Float32Array {
  const r = Math.ceil(3 * sigma);
  const kernel = new Float32Array(2 * r + 1);
  let sum = 0;
  for (let i = -r; i <= r; i++) sum += kernel[i + r] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < kernel.length; i++) kernel[i] = kernel[i]! / sum;
  const tmp = new Float32Array(rgb.length);
  const out = new Float32Array(rgb.length);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++)
      for (let k = 0; k < 3; k++) {
        let s = 0;
        for (let i = -r; i <= r; i++) {
          const xx = Math.min(size - 1, Math.max(0, x + i));
          s += kernel[i + r]! * rgb[(y * size + xx) * 3 + k]!;
        }
        tmp[(y * size + x) * 3 + k] = s;
      }
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++)
      for (let k = 0; k < 3; k++) {
        let s = 0;
        for (let i = -r; i <= r; i++) {
          const yy = Math.min(size - 1, Math.max(0, y + i));
          s += kernel[i + r]! * tmp[(yy * size + x) * 3 + k]!;
        }
        out[(y * size + x) * 3 + k] = s;
      }
  return out;
}
