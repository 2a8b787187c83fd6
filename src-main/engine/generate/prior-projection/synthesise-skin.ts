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
import { maskBounds } from '../../image/mask-bounds';
import { skinLikelihood, type SkinColourModel } from './skin-colour-model';

export interface SkinDetail {
  /** Multiplicative detail per texel (RGB, ≈ 1), for every chart texel. */
  detail: Float32Array;
  /** Texels that qualified as exemplar skin (0: no skin detail could be made, it is 1 there). */
  exemplarTexels: number;
  /** Std of the skin detail layer's luma in the exemplar (what the quilt reproduces). */
  exemplarContrast: number;
  /** The same for the scalp's detail, quilted from the photo's visible hair. */
  hairExemplarTexels: number;
}

/** Deviation of a texel's luma from its local mean beyond which it is a feature, not skin texture. */
const SKIN_FEATURE_DEVIATION = 0.12;
/** Hair varies more (strands, highlights); beyond this it is a badge, a clip or background. */
const HAIR_FEATURE_DEVIATION = 0.3;
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
  const skinExemplar = new Float32Array(n);
  const hairExemplar = new Float32Array(n);
  for (let p = 0; p < n; p++) {
    if (chart[p]! < 0 || seen[p]! < 0.9 || mirror[p]! > 0.1) continue;
    if (hair[p]! > 0.6) hairExemplar[p] = 1;
    else if (hair[p]! < 0.2 && skinLikelihood(skin, rgb[p * 3]!, rgb[p * 3 + 1]!, rgb[p * 3 + 2]!) >= 0.7)
      skinExemplar[p] = 1;
  }
  const random = mulberry32(input.seed ?? 0x5eed);
  const charts = input.chartDensity.length;
  const skinQuilt = quiltDetail(rgb, skinExemplar, size, chart, charts, SKIN_FEATURE_DEVIATION, random);
  const hairQuilt = quiltDetail(rgb, hairExemplar, size, chart, charts, HAIR_FEATURE_DEVIATION, random);

  // Read each quilt on every chart at that chart's density relative to the exemplar's chart.
  const detail = new Float32Array(n * 3).fill(1);
  const hairDetail = new Float32Array(3);
  const offsets = Array.from(input.chartDensity, () => [random(), random()] as const);
  const place = (q: QuiltedDetail, c: number, x: number, y: number, out: Float32Array, o: number) => {
    const density = input.chartDensity[c]!;
    const scale = density > 0 ? input.chartDensity[q.exemplarChart]! / density : 1;
    const [ox, oy] = offsets[c]!;
    sampleWrapped(
      q.canvas,
      q.canvasSize,
      x * scale + ox * q.canvasSize,
      y * scale + oy * q.canvasSize,
      out,
      o,
    );
  };
  for (let p = 0; p < n; p++) {
    const c = chart[p]!;
    if (c < 0) continue;
    const x = p % size,
      y = (p - x) / size;
    if (skinQuilt) place(skinQuilt, c, x, y, detail, p * 3);
    const h = hair[p]!;
    if (hairQuilt && h > 0.3) {
      place(hairQuilt, c, x, y, hairDetail, 0);
      const t = Math.min(1, (h - 0.3) / 0.4);
      for (let k = 0; k < 3; k++) detail[p * 3 + k] = detail[p * 3 + k]! * (1 - t) + hairDetail[k]! * t;
    }
  }
  return {
    detail,
    exemplarTexels: skinQuilt?.texels ?? 0,
    exemplarContrast: skinQuilt?.contrast ?? 0,
    hairExemplarTexels: hairQuilt?.texels ?? 0,
  };
}

interface QuiltedDetail {
  canvas: Float32Array;
  canvasSize: number;
  /** The chart most exemplar texels lie on: the quilt has its texel density. */
  exemplarChart: number;
  texels: number;
  contrast: number;
}

/**
 * The detail layer (colour ÷ local mean) of the exemplar texels, quilted into a square canvas of
 * half the atlas' side (tiling seamlessly); null when no patch fits in the exemplar.
 */
function quiltDetail(
  atlasRgb: Float32Array,
  exemplar: Float32Array,
  size: number,
  atlasChart: Int16Array,
  chartCountHint: number,
  featureDeviation: number,
  random: () => number,
): QuiltedDetail | null {
  // Work inside the exemplar's bounding box only (the face chart, the scalp), not the whole atlas.
  const bounds = maskBounds(exemplar, size, size);
  if (!bounds) return null;
  const { x0, y0, x1, y1 } = bounds;
  const width = x1 - x0 + 1,
    height = y1 - y0 + 1;
  const n = width * height;
  const good = new Float32Array(n);
  const rgb = new Float32Array(n * 3);
  const chart = new Int16Array(n);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x,
        q = (y + y0) * size + x + x0;
      good[p] = exemplar[q]!;
      chart[p] = atlasChart[q]!;
      for (let k = 0; k < 3; k++) rgb[p * 3 + k] = atlasRgb[q * 3 + k]!;
    }
  }
  // Local mean over exemplar texels only (normalised box blur, 25 texels wide at 1k): the detail
  // keeps pores and the photo's grain, and also the blotches a few millimetres wide that make skin
  // look like skin rather than paint.
  const radius = Math.max(3, Math.round((12 * size) / 1024));
  const weighted = new Float32Array(n * 3);
  for (let p = 0; p < n; p++) {
    if (!good[p]) continue;
    for (let k = 0; k < 3; k++) weighted[p * 3 + k] = rgb[p * 3 + k]!;
  }
  const blur = (img: Float32Array, channels: number) => boxBlur(img, width, height, channels, radius);
  const mean = blur(weighted, 3);
  const cover = blur(good, 1);
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
    if (Math.abs(dev) > featureDeviation) good[p] = 0;
  }
  const patch = Math.max(12, Math.round((32 * size) / 1024));
  const origins = patchOrigins(good, width, height, patch);
  if (origins.length === 0) return null;

  let texels = 0,
    sumY = 0,
    sumY2 = 0;
  const chartCount = new Float64Array(chartCountHint);
  for (let p = 0; p < n; p++) {
    if (!good[p]) continue;
    texels++;
    chartCount[chart[p]!] = chartCount[chart[p]!]! + 1;
    const y = 0.299 * ratio[p * 3]! + 0.587 * ratio[p * 3 + 1]! + 0.114 * ratio[p * 3 + 2]!;
    sumY += y;
    sumY2 += y * y;
  }
  const meanY = sumY / texels;
  const canvasSize = size >> 1;
  const canvas = quiltTexture(ratio, width, origins, canvasSize, patch, random);
  // Patches need patch² good texels, so they come from the smoothest stretches of skin: the quilt
  // had half the exemplar's fine contrast (dmitry.jpg: 0.70 % against 1.31 % over 7 × 7 texels) and
  // the neck it covers read as flat. Its deviation from 1 is scaled back to the exemplar's.
  const fine = fineContrastRadius(size);
  const gain = fineContrastGain(
    fineContrast(ratio, width, height, fine, (q) => good[q]! > 0),
    fineContrast(canvas, canvasSize, canvasSize, fine, () => true),
  );
  for (let i = 0; i < canvas.length; i++) canvas[i] = 1 + gain * (canvas[i]! - 1);
  return {
    canvas,
    canvasSize,
    exemplarChart: chartCount.indexOf(Math.max(...chartCount)),
    texels,
    contrast: Math.sqrt(Math.max(0, sumY2 / texels - meanY * meanY)),
  };
}

/** How far synthesised detail's fine contrast may be raised towards its source's (skin quilt, hair). */
const MAX_FINE_GAIN = 3;

/** The window radius of fineContrast for an atlas of this size: 7 × 7 texels at 1024². */
export function fineContrastRadius(atlasSize: number): number {
  return Math.max(1, Math.round((3 * atlasSize) / 1024));
}

/**
 * The factor that brings synthesised detail's fine contrast up to its source's: never below 1 (it
 * only restores contrast lost in synthesis), at most MAX_FINE_GAIN; 1 when either is unmeasured.
 */
export function fineContrastGain(source: number, synthesised: number): number {
  if (source <= 0 || synthesised <= 0) return 1;
  return Math.min(MAX_FINE_GAIN, Math.max(1, source / synthesised));
}

/**
 * Mean luma standard deviation over (2r+1)² windows (every third pixel) lying wholly where `ok`
 * holds: the detail's contrast at the scale of pores and grain. `channels` per pixel, RGB first.
 */
export function fineContrast(
  img: ArrayLike<number>,
  width: number,
  height: number,
  r: number,
  ok: (p: number) => boolean,
  channels = 3,
): number {
  const side = 2 * r + 1;
  let total = 0,
    count = 0;
  for (let y = r; y < height - r; y += 3) {
    for (let x = r; x < width - r; x += 3) {
      let s1 = 0,
        s2 = 0,
        inside = true;
      for (let dy = -r; dy <= r && inside; dy++) {
        for (let dx = -r; dx <= r; dx++) {
          const q = (y + dy) * width + x + dx;
          if (!ok(q)) {
            inside = false;
            break;
          }
          const i = q * channels;
          const v = 0.299 * img[i]! + 0.587 * img[i + 1]! + 0.114 * img[i + 2]!;
          s1 += v;
          s2 += v * v;
        }
      }
      if (!inside) continue;
      const m = s1 / (side * side);
      total += Math.sqrt(Math.max(0, s2 / (side * side) - m * m));
      count++;
    }
  }
  return count > 0 ? total / count : 0;
}

/** Top-left corners of patch × patch squares made only of good texels (summed-area table). */
function patchOrigins(good: Float32Array, width: number, height: number, patch: number): Uint32Array {
  const W = width + 1;
  const sat = new Float64Array(W * (height + 1));
  for (let y = 0; y < height; y++) {
    let row = 0;
    for (let x = 0; x < width; x++) {
      row += good[y * width + x]!;
      sat[(y + 1) * W + x + 1] = sat[y * W + x + 1]! + row;
    }
  }
  const out: number[] = [];
  const full = patch * patch;
  for (let y = 0; y + patch <= height; y++) {
    for (let x = 0; x + patch <= width; x++) {
      const s =
        sat[(y + patch) * W + x + patch]! -
        sat[y * W + x + patch]! -
        sat[(y + patch) * W + x]! +
        sat[y * W + x]!;
      if (s >= full) out.push(y * width + x);
    }
  }
  return Uint32Array.from(out);
}

/** Lays patches in raster order, each the best of CANDIDATES over its overlap, feathered in. */
function quiltTexture(
  source: Float32Array,
  sourceSize: number,
  origins: Uint32Array,
  tile: number,
  patch: number,
  random: () => number,
): Float32Array {
  const overlap = Math.max(2, patch >> 2);
  const step = patch - overlap;
  // Laid one overlap wider than the tile, then the extra band is cross-faded onto the start, so
  // the tile repeats without a seam.
  const size = tile + overlap;
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
          const ox = o % sourceSize,
            oy = (o - ox) / sourceSize;
          let cost = 0;
          for (let j = 0; j < patch && top + j < size; j++) {
            for (let i = 0; i < patch && left + i < size; i++) {
              if (!((hasLeft && i < overlap) || (hasTop && j < overlap))) continue;
              const d =
                lumaOf(canvas, (top + j) * size + left + i) - lumaOf(source, (oy + j) * sourceSize + ox + i);
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
      const ox = best % sourceSize,
        oy = (best - ox) / sourceSize;
      for (let j = 0; j < patch && top + j < size; j++) {
        const ay = hasTop && j < overlap ? (j + 0.5) / overlap : 1;
        for (let i = 0; i < patch && left + i < size; i++) {
          const alpha = ay * (hasLeft && i < overlap ? (i + 0.5) / overlap : 1);
          const dst = ((top + j) * size + left + i) * 3,
            src = ((oy + j) * sourceSize + ox + i) * 3;
          for (let k = 0; k < 3; k++)
            canvas[dst + k] = canvas[dst + k]! + alpha * (source[src + k]! - canvas[dst + k]!);
        }
      }
    }
  }
  const out = new Float32Array(tile * tile * 3);
  // Past the laid canvas only where the weight is 0 (x, y ≥ overlap): read 0 there.
  const at = (cx: number, cy: number, k: number) =>
    cx < size && cy < size ? canvas[(cy * size + cx) * 3 + k]! : 0;
  for (let y = 0; y < tile; y++) {
    const ay = y < overlap ? (y + 0.5) / overlap : 1;
    for (let x = 0; x < tile; x++) {
      const ax = x < overlap ? (x + 0.5) / overlap : 1;
      for (let k = 0; k < 3; k++) {
        const top = ax * at(x, y, k) + (1 - ax) * at(x + tile, y, k);
        const wrapped = ax * at(x, y + tile, k) + (1 - ax) * at(x + tile, y + tile, k);
        out[(y * tile + x) * 3 + k] = ay * top + (1 - ay) * wrapped;
      }
    }
  }
  return out;
}

/** Separable box blur (radius r, edges renormalised) of a channels-interleaved image. */
export function boxBlur(
  img: Float32Array,
  width: number,
  height: number,
  channels: number,
  r: number,
): Float32Array {
  const tmp = new Float32Array(img.length);
  const out = new Float32Array(img.length);
  // One line of `length` samples at start + i·stride, per channel.
  const line = (src: Float32Array, dst: Float32Array, start: number, stride: number, length: number) => {
    for (let k = 0; k < channels; k++) {
      const base = start + k;
      let sum = 0,
        count = 0;
      for (let i = 0; i < Math.min(r, length); i++) {
        sum += src[base + i * stride]!;
        count++;
      }
      for (let i = 0; i < length; i++) {
        if (i + r < length) {
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
  for (let y = 0; y < height; y++) line(img, tmp, y * width * channels, channels, width);
  for (let x = 0; x < width; x++) line(tmp, out, x * channels, width * channels, height);
  return out;
}

/** Bilinear read with wrap-around (the quilt tiles seamlessly). */
function sampleWrapped(img: Float32Array, size: number, x: number, y: number, out: Float32Array, o: number) {
  const fx = ((x % size) + size) % size,
    fy = ((y % size) + size) % size;
  const x0 = Math.floor(fx) % size,
    y0 = Math.floor(fy) % size;
  const x1 = (x0 + 1) % size,
    y1 = (y0 + 1) % size;
  const tx = fx - Math.floor(fx),
    ty = fy - Math.floor(fy);
  for (let k = 0; k < 3; k++) {
    const top = img[(y0 * size + x0) * 3 + k]! * (1 - tx) + img[(y0 * size + x1) * 3 + k]! * tx;
    const bottom = img[(y1 * size + x0) * 3 + k]! * (1 - tx) + img[(y1 * size + x1) * 3 + k]! * tx;
    out[o + k] = top * (1 - ty) + bottom * ty;
  }
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
