/**
 * Colour helpers for hair segmentation: CIE Lab (distances there follow what people see, so one
 * threshold works for dark and light hair alike), robust statistics and a small k-means.
 */

export type Lab = [number, number, number];

const SRGB_TO_LINEAR = new Float32Array(256).map((_, i) => {
  const c = i / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
});

function labF(t: number): number {
  return t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116;
}

/** Lab (D65) of every pixel of an RGBA image, 3 floats per pixel. */
export function rgbaToLab(data: Uint8Array, pixels: number): Float32Array {
  const out = new Float32Array(pixels * 3);
  for (let p = 0; p < pixels; p++) {
    const r = SRGB_TO_LINEAR[data[p * 4]!]!;
    const g = SRGB_TO_LINEAR[data[p * 4 + 1]!]!;
    const b = SRGB_TO_LINEAR[data[p * 4 + 2]!]!;
    const fx = labF((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.9505);
    const fy = labF(0.2126 * r + 0.7152 * g + 0.0722 * b);
    const fz = labF((0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.089);
    out[p * 3] = 116 * fy - 16;
    out[p * 3 + 1] = 500 * (fx - fy);
    out[p * 3 + 2] = 200 * (fy - fz);
  }
  return out;
}

export function labDistance(lab: Float32Array, p: number, c: Lab): number {
  return Math.hypot(lab[p * 3]! - c[0], lab[p * 3 + 1]! - c[1], lab[p * 3 + 2]! - c[2]);
}

export function labDistanceBetween(a: Lab, b: Lab): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

/**
 * A pixel's distance from a colour population in units of its spread per channel, the spread floored
 * (L* 8, a* and b* 4) so a very uniform sample (a dark, flat hair colour) does not make every pixel "far".
 */
export function spreadDistance(lab: Float32Array, p: number, stats: { median: Lab; sigma: Lab }): number {
  const { median, sigma } = stats;
  return Math.hypot(
    (lab[p * 3]! - median[0]) / Math.max(sigma[0], 8),
    (lab[p * 3 + 1]! - median[1]) / Math.max(sigma[1], 4),
    (lab[p * 3 + 2]! - median[2]) / Math.max(sigma[2], 4),
  );
}

/** Per-channel median and scaled median absolute deviation (≈ σ for normal data) of the pixels. */
export function robustLabStats(lab: Float32Array, pixels: number[]): { median: Lab; sigma: Lab } {
  const median: Lab = [0, 0, 0];
  const sigma: Lab = [0, 0, 0];
  if (pixels.length === 0) return { median, sigma };
  const values = new Float32Array(pixels.length);
  for (let k = 0; k < 3; k++) {
    for (let i = 0; i < pixels.length; i++) values[i] = lab[pixels[i]! * 3 + k]!;
    values.sort();
    const m = values[values.length >> 1]!;
    for (let i = 0; i < pixels.length; i++) values[i] = Math.abs(lab[pixels[i]! * 3 + k]! - m);
    values.sort();
    median[k] = m;
    sigma[k] = 1.4826 * values[values.length >> 1]!;
  }
  return { median, sigma };
}

/**
 * k-means on the pixels' Lab values (deterministic: seeded by luminance quantiles). Returns the
 * centres and each centre's share of the pixels, largest first.
 */
export function labClusters(
  lab: Float32Array,
  pixels: number[],
  k: number,
  iterations = 8,
): { centre: Lab; share: number }[] {
  if (pixels.length === 0) return [];
  const byL = [...pixels].sort((a, b) => lab[a * 3]! - lab[b * 3]!);
  const centres: Lab[] = [];
  for (let c = 0; c < k; c++) {
    const p = byL[Math.floor(((c + 0.5) / k) * (byL.length - 1))]!;
    centres.push([lab[p * 3]!, lab[p * 3 + 1]!, lab[p * 3 + 2]!]);
  }
  const counts = new Array<number>(k).fill(0);
  for (let it = 0; it < iterations; it++) {
    const sums = centres.map(() => [0, 0, 0]);
    counts.fill(0);
    for (const p of pixels) {
      let best = 0;
      let bestD = Infinity;
      for (let c = 0; c < k; c++) {
        const d = labDistance(lab, p, centres[c]!);
        if (d < bestD) {
          bestD = d;
          best = c;
        }
      }
      counts[best]!++;
      for (let j = 0; j < 3; j++) sums[best]![j]! += lab[p * 3 + j]!;
    }
    for (let c = 0; c < k; c++) {
      if (counts[c]! > 0) centres[c] = sums[c]!.map((s) => s / counts[c]!) as Lab;
    }
  }
  return centres
    .map((centre, c) => ({ centre, share: counts[c]! / pixels.length }))
    .filter((c) => c.share > 0)
    .sort((a, b) => b.share - a.share);
}

/** Mean sRGB colour of the pixels (RGBA data). */
export function meanRgb(data: Uint8Array, pixels: Iterable<number>): [number, number, number] {
  let r = 0,
    g = 0,
    b = 0,
    n = 0;
  for (const p of pixels) {
    r += data[p * 4]!;
    g += data[p * 4 + 1]!;
    b += data[p * 4 + 2]!;
    n++;
  }
  return n > 0 ? [r / n, g / n, b / n] : [0, 0, 0];
}
