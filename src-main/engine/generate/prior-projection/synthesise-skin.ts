/**
 * Skin detail for the texels the photo does not show, made from the photo's own skin by patch
 * quilting (Efros & Freeman 2001) of a detail layer: the projected skin divided by its local mean
 * (≈ 1, carrying pores, freckles, blotches and the photo's grain). Patches come only from texels
 * seen directly and squarely, skin-coloured, away from features (a texel far from its local mean
 * is an eyebrow, nostril or lip edge and disqualifies its patches). Each new patch is the best of a
 * few random candidates over its overlap with the patches already laid, and the overlap is
 * feathered. The quilt is laid once at the exemplar's texel density and read on every chart
 * scaled by that chart's own density, so pores keep one size on the surface. Colour is not the
 * quilt's business: the smooth colour field multiplies it.
 */
import { skinLikelihood, type SkinColourModel } from './skin-colour-model';

export interface SkinDetail {
  /** Multiplicative detail per texel (RGB, ≈ 1), for every chart texel. */
  detail: Float32Array;
  /** Texels that qualified as exemplar skin (0: no detail could be made, detail is 1). */
  exemplarTexels: number;
  /** Std of the detail layer's luma in the exemplar (what the quilt reproduces). */
  exemplarContrast: number;
}

/** Deviation of a texel's luma from its local mean beyond which it is a feature, not skin texture. */
const FEATURE_DEVIATION = 0.12;
const CANDIDATES = 16;

export function synthesiseSkinDetail(input: {
  size: number;
  /** Photo colour and trust per texel (see pose-aware-mirror). */
  rgb: Float32Array;
  seen: Float32Array;
  mirror: Float32Array;
  hair: Float32Array;
  chart: Int16Array;
  /** Texels per metre per chart. */
  chartDensity: Float64Array;
  skin: SkinColourModel;
  seed?: number;
}): SkinDetail {
  const { size, rgb, seen, mirror, hair, chart, skin } = input;
  const n = size * size;
  const good = new Float32Array(n);
  for (let p = 0; p < n; p++) {
    if (chart[p]! < 0 || seen[p]! < 0.9 || mirror[p]! > 0.1 || hair[p]! > 0.2) continue;
    if (skinLikelihood(skin, rgb[p * 3]!, rgb[p * 3 + 1]!, rgb[p * 3 + 2]!) < 0.7) continue;
    good[p] = 1;
  }
  // Local mean over good texels only (normalised box blur, twice ≈ Gaussian σ 8 texels at 1k):
  // the detail keeps pores and the photo's grain, and also the blotches a few millimetres wide
  // that make skin look like skin rather than paint.
  const radius = Math.max(3, Math.round((10 * size) / 1024));
  const weighted = new Float32Array(n * 3);
  for (let p = 0; p < n; p++) for (let k = 0; k < 3; k++) weighted[p * 3 + k] = rgb[p * 3 + k]! * good[p]!;
  const mean = boxBlur(boxBlur(weighted, size, 3, radius), size, 3, radius);
  const cover = boxBlur(boxBlur(good, size, 1, radius), size, 1, radius);
  const ratio = new Float32Array(n * 3).fill(1);
  for (let p = 0; p < n; p++) {
    if (!good[p] || cover[p]! < 0.5) {
      good[p] = 0;
      continue;
    }
    let dev = 0;
    for (let k = 0; k < 3; k++) {
      const r = rgb[p * 3 + k]! / Math.max(1, mean[p * 3 + k]! / cover[p]!);
      ratio[p * 3 + k] = r;
      dev += [0.299, 0.587, 0.114][k]! * (r - 1);
    }
    if (Math.abs(dev) > FEATURE_DEVIATION) good[p] = 0;
  }

  const patch = Math.max(12, Math.round((32 * size) / 1024));
  const origins = patchOrigins(good, size, patch);
  const detail = new Float32Array(n * 3).fill(1);
  if (origins.length === 0) return { detail, exemplarTexels: 0, exemplarContrast: 0 };

  let exemplarTexels = 0,
    sumY = 0,
    sumY2 = 0;
  const chartCount = new Float64Array(input.chartDensity.length);
  for (let p = 0; p < n; p++) {
    if (!good[p]) continue;
    exemplarTexels++;
    chartCount[chart[p]!] = chartCount[chart[p]!]! + 1;
    const y = 0.299 * ratio[p * 3]! + 0.587 * ratio[p * 3 + 1]! + 0.114 * ratio[p * 3 + 2]!;
    sumY += y;
    sumY2 += y * y;
  }
  const meanY = sumY / exemplarTexels;
  const exemplarContrast = Math.sqrt(Math.max(0, sumY2 / exemplarTexels - meanY * meanY));

  const random = mulberry32(input.seed ?? 0x5eed);
  const quilt = quiltTexture(ratio, origins, size, patch, random);
  // Read the quilt on every chart at that chart's density relative to the exemplar's chart.
  const exemplarChart = chartCount.indexOf(Math.max(...chartCount));
  const exemplarDensity = input.chartDensity[exemplarChart]!;
  const offsets = Array.from(input.chartDensity, () => [random() * size, random() * size] as const);
  for (let p = 0; p < n; p++) {
    const c = chart[p]!;
    if (c < 0) continue;
    const scale = input.chartDensity[c]! > 0 ? exemplarDensity / input.chartDensity[c]! : 1;
    const x = p % size,
      y = (p - x) / size;
    sampleMirrored(quilt, size, x * scale + offsets[c]![0], y * scale + offsets[c]![1], detail, p * 3);
  }
  return { detail, exemplarTexels, exemplarContrast };
}

/** Top-left corners of patch × patch squares made only of good texels (summed-area table). */
function patchOrigins(good: Float32Array, size: number, patch: number): Uint32Array {
  const sat = new Float64Array((size + 1) * (size + 1));
  for (let y = 0; y < size; y++) {
    let row = 0;
    for (let x = 0; x < size; x++) {
      row += good[y * size + x]!;
      sat[(y + 1) * (size + 1) + x + 1] = sat[y * (size + 1) + x + 1]! + row;
    }
  }
  const out: number[] = [];
  const full = patch * patch;
  for (let y = 0; y + patch <= size; y++) {
    for (let x = 0; x + patch <= size; x++) {
      const s =
        sat[(y + patch) * (size + 1) + x + patch]! -
        sat[y * (size + 1) + x + patch]! -
        sat[(y + patch) * (size + 1) + x]! +
        sat[y * (size + 1) + x]!;
      if (s >= full) out.push(y * size + x);
    }
  }
  return Uint32Array.from(out);
}

/** Lays patches in raster order, each the best of CANDIDATES over its overlap, feathered in. */
function quiltTexture(
  source: Float32Array,
  origins: Uint32Array,
  size: number,
  patch: number,
  random: () => number,
): Float32Array {
  const overlap = Math.max(2, patch >> 2);
  const step = patch - overlap;
  const canvas = new Float32Array(size * size * 3).fill(1);
  const lumaOf = (img: Float32Array, i: number) =>
    0.299 * img[i * 3]! + 0.587 * img[i * 3 + 1]! + 0.114 * img[i * 3 + 2]!;
  for (let top = 0; top < size; top += step) {
    for (let left = 0; left < size; left += step) {
      const hasLeft = left > 0,
        hasTop = top > 0;
      let best = origins[Math.floor(random() * origins.length)]!;
      if (hasLeft || hasTop) {
        let bestCost = Infinity;
        for (let c = 0; c < CANDIDATES; c++) {
          const o = origins[Math.floor(random() * origins.length)]!;
          const ox = o % size,
            oy = (o - ox) / size;
          let cost = 0;
          for (let j = 0; j < patch && top + j < size; j++) {
            for (let i = 0; i < patch && left + i < size; i++) {
              if (!((hasLeft && i < overlap) || (hasTop && j < overlap))) continue;
              const d =
                lumaOf(canvas, (top + j) * size + left + i) - lumaOf(source, (oy + j) * size + ox + i);
              cost += d * d;
            }
            if (cost >= bestCost) break;
          }
          if (cost < bestCost) {
            bestCost = cost;
            best = o;
          }
        }
      }
      const ox = best % size,
        oy = (best - ox) / size;
      for (let j = 0; j < patch && top + j < size; j++) {
        const ay = hasTop && j < overlap ? (j + 0.5) / overlap : 1;
        for (let i = 0; i < patch && left + i < size; i++) {
          const alpha = ay * (hasLeft && i < overlap ? (i + 0.5) / overlap : 1);
          const dst = ((top + j) * size + left + i) * 3,
            src = ((oy + j) * size + ox + i) * 3;
          for (let k = 0; k < 3; k++)
            canvas[dst + k] = canvas[dst + k]! + alpha * (source[src + k]! - canvas[dst + k]!);
        }
      }
    }
  }
  return canvas;
}

/** Separable box blur (radius r, edges clamped by renormalising) of a channels-interleaved image. */
export function boxBlur(img: Float32Array, size: number, channels: number, r: number): Float32Array {
  const tmp = new Float32Array(img.length);
  const out = new Float32Array(img.length);
  // One line of `size` samples at start + i·stride, per channel.
  const line = (src: Float32Array, dst: Float32Array, start: number, stride: number) => {
    for (let k = 0; k < channels; k++) {
      const base = start + k;
      let sum = 0,
        count = 0;
      for (let i = 0; i < Math.min(r, size); i++) {
        sum += src[base + i * stride]!;
        count++;
      }
      for (let i = 0; i < size; i++) {
        if (i + r < size) {
          sum += src[base + (i + r) * stride]!;
          count++;
        }
        if (i - r - 1 >= 0) {
          sum -= src[base + (i - r - 1) * stride]!;
          count--;
        }
        dst[base + i * stride] = sum / count;
      }
    }
  };
  for (let y = 0; y < size; y++) line(img, tmp, y * size * channels, channels);
  for (let x = 0; x < size; x++) line(tmp, out, x * channels, size * channels);
  return out;
}

/** Bilinear read with mirrored repeat (continuous at the quilt's borders, unlike wrapping). */
function sampleMirrored(img: Float32Array, size: number, x: number, y: number, out: Float32Array, o: number) {
  const fx = pingPong(x, size - 1),
    fy = pingPong(y, size - 1);
  const x0 = Math.floor(fx),
    y0 = Math.floor(fy);
  const x1 = Math.min(x0 + 1, size - 1),
    y1 = Math.min(y0 + 1, size - 1);
  const tx = fx - x0,
    ty = fy - y0;
  for (let k = 0; k < 3; k++) {
    const top = img[(y0 * size + x0) * 3 + k]! * (1 - tx) + img[(y0 * size + x1) * 3 + k]! * tx;
    const bottom = img[(y1 * size + x0) * 3 + k]! * (1 - tx) + img[(y1 * size + x1) * 3 + k]! * tx;
    out[o + k] = top * (1 - ty) + bottom * ty;
  }
}

function pingPong(x: number, max: number): number {
  const period = 2 * max;
  const m = ((x % period) + period) % period;
  return m <= max ? m : period - m;
}

/** Small seeded PRNG: the same photo always gives the same texture. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
