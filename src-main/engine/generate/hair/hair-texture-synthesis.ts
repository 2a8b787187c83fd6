/**
 * Hair detail synthesised from the photo's own hair, for the texels the photo does not see: patches of
 * the largest all-hair square of the photo (turned so its strands run vertically) quilted over the
 * atlas, and strand noise running down the hair (v), combed away from the parting on top. Both are
 * zero-mean detail; bake-hair-texture.ts adds them to colours spread from the seen hair.
 */
import sharp from 'sharp';
import { spreadKnown } from '../prior-projection/multiband-blend';
import { HAIR_ATLAS } from './build-hair-mesh';
import { smoothstep } from '../../geometry/smoothstep';

const MIN_EXEMPLAR = 6;
const DEG = Math.PI / 180;
/**
 * The shell's lat-long atlas packs ~5× more texels per millimetre along v (down the hair) than along
 * u (around the head): patches and strands are stretched by as much along v to look right in 3D.
 */
const V_STRETCH = 5;

export interface Exemplar {
  /** RGB, side × side, strands running vertically. */
  rgb: Float32Array;
  side: number;
}

/**
 * The largest square fully inside the mask (dynamic programming on the eroded mask), its strands
 * turned vertical: when the structure tensor says the texture's edges run mostly vertically (strands
 * horizontal), the square is transposed.
 */
export function exemplarSquare(
  photo: { data: Uint8Array; width: number; height: number },
  mask: Uint8Array,
): Exemplar | null {
  const { width, height, data } = photo;
  const mask255 = new Uint8Array(mask.length);
  for (let p = 0; p < mask.length; p++) mask255[p] = mask[p] ? 255 : 0;
  const inside = erode(mask255, width, height, 1);
  const run = new Int32Array(width * height);
  let best = 0,
    bx = 0,
    by = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      if (!inside[p]) continue;
      const v = x > 0 && y > 0 ? 1 + Math.min(run[p - 1]!, run[p - width]!, run[p - width - 1]!) : 1;
      run[p] = v;
      if (v > best) {
        best = v;
        bx = x;
        by = y;
      }
    }
  }
  const side = Math.min(best, 96);
  if (side < MIN_EXEMPLAR) return null;
  const x0 = bx - side + 1,
    y0 = by - side + 1;
  const rgb = new Float32Array(side * side * 3);
  let gxx = 0,
    gyy = 0;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const p = (y0 + y) * width + x0 + x;
      for (let k = 0; k < 3; k++) rgb[(y * side + x) * 3 + k] = data[p * 4 + k]!;
      if (x > 0 && y > 0) {
        const l = (q: number) => data[q * 4]! + data[q * 4 + 1]! + data[q * 4 + 2]!;
        gxx += (l(p) - l(p - 1)) ** 2;
        gyy += (l(p) - l(p - width)) ** 2;
      }
    }
  }
  if (gyy > gxx) {
    // Strands horizontal (brightness changes most from row to row): transpose.
    const t = new Float32Array(rgb.length);
    for (let y = 0; y < side; y++)
      for (let x = 0; x < side; x++)
        for (let k = 0; k < 3; k++) t[(x * side + y) * 3 + k] = rgb[(y * side + x) * 3 + k]!;
    return { rgb: t, side };
  }
  return { rgb, side };
}

/** Zero-mean detail (RGB floats per texel) quilted from random patches of the exemplar. */
export async function patchDetail(
  exemplar: Exemplar | null,
  size: number,
  seed: number,
  /** Hair's patches are stretched along v like the atlas itself; a cap's fabric is not (1). */
  stretchV = V_STRETCH,
): Promise<Float32Array | null> {
  if (!exemplar) return null;
  const { side, rgb } = exemplar;
  // Patches a bit under the exemplar's side.
  const patch = Math.max(4, Math.floor(side * 0.75));
  const strideU = Math.max(2, Math.floor(patch * 0.6));
  const strideV = Math.max(2, Math.floor(patch * stretchV * 0.6));
  const sum = new Float32Array(size * size * 3);
  const weight = new Float32Array(size * size);
  let state = seed >>> 0 || 1;
  const random = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  for (let ty = -strideV; ty < size; ty += strideV) {
    for (let tx = -strideU; tx < size; tx += strideU) {
      const ox = Math.floor(random() * (side - patch + 1));
      const oy = Math.floor(random() * (side - patch + 1));
      const flip = random() < 0.5;
      const jitterX = Math.floor(random() * strideU * 0.5);
      const jitterY = Math.floor(random() * strideV * 0.5);
      const h = patch * stretchV;
      for (let y = 0; y < h; y++) {
        const py = ty + jitterY + y;
        if (py < 0 || py >= size) continue;
        const wy = 1 - Math.abs((2 * (y + 0.5)) / h - 1);
        const sy = oy + Math.floor(y / stretchV);
        for (let x = 0; x < patch; x++) {
          const px = tx + jitterX + x;
          if (px < 0 || px >= size) continue;
          const w = wy * (1 - Math.abs((2 * (x + 0.5)) / patch - 1)) + 1e-4;
          const sx = ox + (flip ? patch - 1 - x : x);
          const s = (sy * side + sx) * 3;
          const t = py * size + px;
          for (let k = 0; k < 3; k++) sum[t * 3 + k]! += w * rgb[s + k]!;
          weight[t]! += w;
        }
      }
    }
  }
  const quilt = new Uint8Array(size * size * 4);
  for (let t = 0; t < size * size; t++) {
    for (let k = 0; k < 3; k++) quilt[t * 4 + k] = clamp255(sum[t * 3 + k]! / Math.max(weight[t]!, 1e-6));
    quilt[t * 4 + 3] = 255;
  }
  // High-pass at the patch scale: the colour comes from the seen texels, only the strands from here.
  const low = await blurRgba(quilt, size, Math.max(2, patch / 2));
  const detail = new Float32Array(size * size * 3);
  for (let t = 0; t < size * size; t++)
    for (let k = 0; k < 3; k++) detail[t * 3 + k] = quilt[t * 4 + k]! - low[t * 4 + k]!;
  return detail;
}

/**
 * Strand noise: white noise smeared along the strand direction over ~60 texels (2 cm at half size) and barely
 * across, normalised to unit standard deviation — thin light and dark strands. The direction is +v
 * (crown → ends), tilted on top of the head away from the parting line (`parting`, as in the style:
 * −1..1 → the line at −50°..50° azimuth), so the hair is combed from the parting down.
 */
export function strandNoise(
  size: number,
  seed: number,
  parting: number,
  flow?: StrandFlow,
  /** Where the outer surface ends in v (its top, where the parting combs, is the first half). */
  outerEndV = HAIR_ATLAS.outerV[1],
): Float32Array {
  let state = seed >>> 0 || 1;
  const random = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296 - 0.5;
  };
  // Tilt (texels of u per texel of v) per texel: on the front half of the top, away from the parting.
  const partingTheta = parting * 50 * DEG;
  const shear = new Float32Array(size * size);
  for (let y = 0; y < size; y++) {
    const along = (y + 0.5) / size / outerEndV;
    const top = along < 1 ? 1 - smoothstep(0.15, 0.55, along) : 0;
    if (top === 0) continue;
    for (let x = 0; x < size; x++) {
      const theta = ((x + 0.5) / size) * 2 * Math.PI - Math.PI;
      const front = smoothstep(120 * DEG, 60 * DEG, Math.abs(theta));
      shear[y * size + x] = 0.25 * Math.tanh((theta - partingTheta) / (10 * DEG)) * top * front;
    }
  }
  // Near the seen hair its strands continue the photo's own (a fringe swept sideways stays so).
  if (flow) {
    for (let p = 0; p < shear.length; p++) {
      const a = flow.weight[p]!;
      if (a > 0) shear[p] = (1 - a) * shear[p]! + a * flow.shear[p]!;
    }
  }
  let a: Float32Array = new Float32Array(size * size);
  for (let p = 0; p < a.length; p++) a[p] = random();
  const smear = (src: Float32Array, half: number): Float32Array => {
    const out = new Float32Array(src.length);
    // Straight down v: running sums per column.
    for (let x = 0; x < size; x++) {
      let sum = 0;
      for (let y = -half; y <= half; y++) sum += src[Math.min(size - 1, Math.max(0, y)) * size + x]!;
      for (let y = 0; y < size; y++) {
        out[y * size + x] = sum / (2 * half + 1);
        sum += src[Math.min(size - 1, y + half + 1) * size + x]! - src[Math.max(0, y - half) * size + x]!;
      }
    }
    // Tilted where the parting combs the hair sideways: along the slanted line instead.
    for (let p = 0; p < out.length; p++) {
      const k = shear[p]!;
      if (Math.abs(k) < 0.01) continue;
      const x = p % size,
        y = (p - x) / size;
      let sum = 0;
      for (let d = -half; d <= half; d++) {
        const yy = y + d < 0 ? 0 : y + d >= size ? size - 1 : y + d;
        let xx = x + Math.floor(k * d + 0.5);
        if (xx < 0) xx += size;
        else if (xx >= size) xx -= size;
        sum += src[yy * size + xx]!;
      }
      out[p] = sum / (2 * half + 1);
    }
    return out;
  };
  a = smear(smear(a, 20), 20);
  const out = new Float32Array(a.length);
  let s2 = 0;
  for (let p = 0; p < a.length; p++) {
    // A touch of blur across u: strands a texel or two wide.
    const x = p % size;
    const v = (a[p]! * 2 + a[x > 0 ? p - 1 : p]! + a[x < size - 1 ? p + 1 : p]!) / 4;
    out[p] = v;
    s2 += v * v;
  }
  const sd = Math.sqrt(s2 / a.length) || 1;
  for (let p = 0; p < out.length; p++) out[p] = out[p]! / sd;
  return out;
}

/** Strand direction per texel as a shear (texels of u per texel of v) and how much it counts (0..1). */
export interface StrandFlow {
  shear: Float32Array;
  weight: Float32Array;
}

/** Strands steeper than this many texels of u per texel of v are drawn at it (near-horizontal in 3D). */
const MAX_FLOW_SHEAR = 3;

/**
 * The photo's strand direction in the atlas, at half size (where the strand noise is drawn): the
 * structure tensor of the projected hair's luminance, weighted by how well each texel is seen and
 * spread over ~2^levels texels around the seen hair (multi-band's pyramid), so the synthesised
 * strands next to the photo run as its strands do. Counts by the tensor's coherence (1 for parallel
 * strands, 0 for no direction) and fades away from the seen hair.
 */
export function strandFlowFromPhoto(
  rgba: Uint8Array,
  seen: Float32Array,
  size: number,
  levels: number,
): StrandFlow {
  const half = size / 2;
  const n = half * half;
  const lum = new Float32Array(n);
  const weight = new Float32Array(n);
  for (let y = 0; y < half; y++) {
    for (let x = 0; x < half; x++) {
      let l = 0,
        w = 0;
      for (let dy = 0; dy < 2; dy++)
        for (let dx = 0; dx < 2; dx++) {
          const p = (2 * y + dy) * size + 2 * x + dx;
          l += rgba[p * 4]! + rgba[p * 4 + 1]! + rgba[p * 4 + 2]!;
          w += seen[p]!;
        }
      lum[y * half + x] = l / 12;
      weight[y * half + x] = w / 4;
    }
  }
  const tensor = new Float32Array(n * 3);
  const tensorWeight = new Float32Array(n);
  for (let y = 1; y < half - 1; y++) {
    for (let x = 1; x < half - 1; x++) {
      const p = y * half + x;
      // Only where the whole neighbourhood is seen: the edge of the photo is no strand.
      const w = Math.min(weight[p]!, weight[p - 1]!, weight[p + 1]!, weight[p - half]!, weight[p + half]!);
      if (w < 0.5) continue;
      const gx = (lum[p + 1]! - lum[p - 1]!) / 2,
        gy = (lum[p + half]! - lum[p - half]!) / 2;
      tensor[p * 3] = gx * gx;
      tensor[p * 3 + 1] = gx * gy;
      tensor[p * 3 + 2] = gy * gy;
      tensorWeight[p] = w;
    }
  }
  const spread = spreadKnown(tensor, tensorWeight, half, half, levels);
  const shear = new Float32Array(n);
  const count = new Float32Array(n);
  for (let p = 0; p < n; p++) {
    const xx = spread.rgb[p * 3]!,
      xy = spread.rgb[p * 3 + 1]!,
      yy = spread.rgb[p * 3 + 2]!;
    const trace = xx + yy;
    if (!(trace > 1e-6)) continue;
    const coherence = Math.hypot(xx - yy, 2 * xy) / trace;
    // Gradient across the strands at angle g (u, v); the strands run along (−sin g, cos g).
    const g = 0.5 * Math.atan2(2 * xy, xx - yy);
    const tu = -Math.sin(g),
      tv = Math.cos(g);
    const k = Math.abs(tv) > 1e-3 ? tu / tv : MAX_FLOW_SHEAR * Math.sign(tu);
    shear[p] = Math.max(-MAX_FLOW_SHEAR, Math.min(MAX_FLOW_SHEAR, k));
    count[p] = smoothstep(0.1, 0.5, coherence) * smoothstep(0.02, 0.3, spread.weight[p]!);
  }
  return { shear, weight: count };
}

/** Bilinear 2× enlargement of a square float image (u wraps around the seam, v is clamped). */
export function enlarge2x(src: Float32Array, side: number): Float32Array {
  const size = side * 2;
  const out = new Float32Array(size * size);
  for (let y = 0; y < size; y++) {
    const fy = Math.min(side - 1, Math.max(0, (y - 0.5) / 2));
    const y0 = Math.floor(fy),
      y1 = Math.min(side - 1, y0 + 1),
      ty = fy - y0;
    for (let x = 0; x < size; x++) {
      const fx = (x - 0.5) / 2;
      const x0 = (Math.floor(fx) + side) % side,
        x1 = (x0 + 1) % side,
        tx = fx - Math.floor(fx);
      const top = src[y0 * side + x0]! * (1 - tx) + src[y0 * side + x1]! * tx;
      const bottom = src[y1 * side + x0]! * (1 - tx) + src[y1 * side + x1]! * tx;
      out[y * size + x] = top * (1 - ty) + bottom * ty;
    }
  }
  return out;
}

/** Relative luminance contrast (σ / mean) of the exemplar's fine detail; a modest default without one. */
export function exemplarContrast(exemplar: Exemplar | null): number {
  if (!exemplar) return 0.12;
  const { rgb, side } = exemplar;
  let s = 0,
    s2 = 0,
    n = 0;
  for (let y = 0; y < side; y++) {
    for (let x = 1; x < side; x++) {
      const l = (i: number) => rgb[i * 3]! + rgb[i * 3 + 1]! + rgb[i * 3 + 2]!;
      // Neighbour differences: the fine scale only, not the shading across the square.
      const d = l(y * side + x) - l(y * side + x - 1);
      s += l(y * side + x);
      s2 += d * d;
      n++;
    }
  }
  const mean = s / Math.max(1, n);
  return Math.min(0.35, Math.max(0.05, Math.sqrt(s2 / Math.max(1, n) / 2) / Math.max(mean, 1)));
}

export async function blurRgba(data: Uint8Array, size: number, sigma: number): Promise<Uint8Array> {
  const out = await sharp(data, { raw: { width: size, height: size, channels: 4 } })
    .blur(Math.max(0.3, sigma))
    .raw()
    .toBuffer();
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

export function erode(mask: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  const out = new Uint8Array(mask.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let keep = mask[y * width + x]! > 0;
      for (let dy = -radius; keep && dy <= radius; dy++) {
        for (let dx = -radius; keep && dx <= radius; dx++) {
          const xx = x + dx,
            yy = y + dy;
          if (xx < 0 || yy < 0 || xx >= width || yy >= height || !mask[yy * width + xx]) keep = false;
        }
      }
      out[y * width + x] = keep ? 255 : 0;
    }
  }
  return out;
}

export function clamp255(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
}
