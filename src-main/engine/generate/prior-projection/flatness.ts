/**
 * Flatness of a rendered head: the share of its pixels whose 7 × 7 neighbourhood has a colour
 * standard deviation under 2/255 (RMS over R, G, B), in an unlit render. A flat fill scores ~1 on
 * every pixel it covers; real skin, even smooth skin in a soft photo, carries grain, pores and
 * shading above that. Only pixels whose whole window lies on the head count, so the silhouette's
 * edge against the background does not pass for texture.
 */

export const FLAT_WINDOW_RADIUS = 3;
export const FLAT_STD_THRESHOLD = 2;

export interface Flatness {
  /** Share 0..1 of the counted head pixels that are flat. */
  flatShare: number;
  /** Head pixels counted (window entirely on the head). */
  pixels: number;
}

/**
 * @param image RGBA 0..255.
 * @param covered per pixel, true where the head is drawn (e.g. triangle id ≥ 0).
 */
export function measureFlatness(
  image: { data: Uint8Array; width: number; height: number },
  covered: ArrayLike<boolean | number>,
  radius = FLAT_WINDOW_RADIUS,
  threshold = FLAT_STD_THRESHOLD,
): Flatness {
  const { width, height, data } = image;
  const W = width + 1;
  // Summed-area tables of coverage, and of each channel and its square.
  const cov = new Float64Array(W * (height + 1));
  const sum = [0, 1, 2].map(() => new Float64Array(W * (height + 1)));
  const sq = [0, 1, 2].map(() => new Float64Array(W * (height + 1)));
  for (let y = 0; y < height; y++) {
    let rc = 0;
    const rs = [0, 0, 0],
      rq = [0, 0, 0];
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      rc += covered[p] ? 1 : 0;
      const i = (y + 1) * W + x + 1,
        above = y * W + x + 1;
      cov[i] = cov[above]! + rc;
      for (let k = 0; k < 3; k++) {
        const v = data[p * 4 + k]!;
        rs[k] = rs[k]! + v;
        rq[k] = rq[k]! + v * v;
        sum[k]![i] = sum[k]![above]! + rs[k]!;
        sq[k]![i] = sq[k]![above]! + rq[k]!;
      }
    }
  }
  const box = (t: Float64Array, x0: number, y0: number, x1: number, y1: number) =>
    t[y1 * W + x1]! - t[y0 * W + x1]! - t[y1 * W + x0]! + t[y0 * W + x0]!;
  const side = 2 * radius + 1;
  const n = side * side;
  let counted = 0,
    flat = 0;
  for (let y = radius; y < height - radius; y++) {
    for (let x = radius; x < width - radius; x++) {
      const x0 = x - radius,
        y0 = y - radius,
        x1 = x + radius + 1,
        y1 = y + radius + 1;
      if (box(cov, x0, y0, x1, y1) < n) continue;
      counted++;
      let variance = 0;
      for (let k = 0; k < 3; k++) {
        const m = box(sum[k]!, x0, y0, x1, y1) / n;
        variance += box(sq[k]!, x0, y0, x1, y1) / n - m * m;
      }
      if (Math.sqrt(Math.max(0, variance / 3)) < threshold) flat++;
    }
  }
  return { flatShare: counted ? flat / counted : 0, pixels: counted };
}
