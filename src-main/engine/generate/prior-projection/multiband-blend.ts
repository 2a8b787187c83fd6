/**
 * Multi-band blending (Burt & Adelson 1983): two images are split into Laplacian pyramids and each
 * band is blended with the mask blurred to that band's scale, so low frequencies (colour, shading)
 * cross over a wide band and fine detail over a narrow one. The seam between the projected photo
 * and the synthesised skin disappears without the photo's detail being smeared into the fill — the
 * gradient-domain result of a Poisson blend, at the cost of a few image passes.
 */

interface Level {
  data: Float32Array;
  width: number;
  height: number;
}

/**
 * Blends `a` over `b` (RGB float, width × height) by `mask` (0..1, 1 = a).
 * @param levels pyramid depth; the coarsest band is blended over ~2^levels texels.
 */
export function blendMultiBand(
  a: Float32Array,
  b: Float32Array,
  mask: Float32Array,
  width: number,
  height: number,
  levels = 5,
): Float32Array {
  // Only near the mask does the result differ from b: blend inside the mask's bounding box, padded
  // by the reach of the coarsest band.
  let x0 = width,
    y0 = height,
    x1 = -1,
    y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!(mask[y * width + x]! > 0)) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  const result = Float32Array.from(b);
  if (x1 < 0) return result;
  const pad = 3 << levels;
  x0 = Math.max(0, x0 - pad);
  y0 = Math.max(0, y0 - pad);
  x1 = Math.min(width - 1, x1 + pad);
  y1 = Math.min(height - 1, y1 + pad);
  const w = x1 - x0 + 1,
    h = y1 - y0 + 1;
  const cropA = new Float32Array(w * h * 3),
    cropB = new Float32Array(w * h * 3),
    cropM = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const src = (y + y0) * width + x0;
    cropA.set(a.subarray(src * 3, (src + w) * 3), y * w * 3);
    cropB.set(b.subarray(src * 3, (src + w) * 3), y * w * 3);
    cropM.set(mask.subarray(src, src + w), y * w);
  }
  const blended = blendWhole(cropA, cropB, cropM, w, h, levels);
  for (let y = 0; y < h; y++)
    result.set(blended.subarray(y * w * 3, (y + 1) * w * 3), ((y + y0) * width + x0) * 3);
  return result;
}

/**
 * A projected photo joined to a synthesised texture: `photo` (RGB floats) counts where `weight`
 * (0..1) says it was seen, `synthesised` everywhere. A multi-band blend of the two alone would keep a
 * step where the photo ends (its fine bands carry the edge of "photo here, nothing there"), so the
 * photo is first continued past its edge by its own colours spread over ~2^levels texels
 * (`spreadKnown`), fading into the synthesis further out; that continued photo is then blended over
 * the synthesis by `mask` (default: the weight). Colour and shading cross over ~2^levels texels,
 * fine detail over a few: no seam, and no step in either's colour.
 */
export function blendProjected(
  photo: Float32Array,
  weight: Float32Array,
  synthesised: Float32Array,
  width: number,
  height: number,
  options: {
    levels?: number;
    mask?: Float32Array;
    /**
     * The photo's colour continued past its edge, where the caller has it already (RGB per texel,
     * e.g. a colour field spread from the seen texels); default: spread here over ~2^levels texels.
     */
    continued?: Float32Array;
  } = {},
): Float32Array {
  const { levels = 5, mask = weight } = options;
  let continued = options.continued;
  let near: Float32Array | null = null;
  if (!continued) {
    const spread = spreadKnown(photo, weight, width, height, levels);
    continued = spread.rgb;
    near = spread.weight;
  }
  const projected = new Float32Array(photo.length);
  for (let p = 0; p < width * height; p++) {
    const w = weight[p]!;
    // Where the spread weight is small the continuation is a guess from far texels: the synthesis.
    const c = near ? Math.min(1, near[p]! / 0.15) : 1;
    for (let k = 0; k < 3; k++) {
      const i = p * 3 + k;
      const outside = c * continued[i]! + (1 - c) * synthesised[i]!;
      projected[i] = w * photo[i]! + (1 - w) * outside;
    }
  }
  return blendMultiBand(projected, synthesised, mask, width, height, levels);
}

function blendWhole(
  a: Float32Array,
  b: Float32Array,
  mask: Float32Array,
  width: number,
  height: number,
  levels: number,
): Float32Array {
  // The pyramids are linear, so blending a's and b's bands equals b plus the blended bands of
  // (a − b): one colour pyramid instead of two.
  const difference = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) difference[i] = a[i]! - b[i]!;
  const gd = gaussianPyramid({ data: difference, width, height }, 3, levels);
  const gm = gaussianPyramid({ data: mask, width, height }, 1, levels);
  let out = weighted(gd[levels]!, gm[levels]!);
  for (let l = levels - 1; l >= 0; l--) {
    const { width: w, height: h } = gd[l]!;
    const upD = expand(gd[l + 1]!, 3, w, h).data;
    const next = expand(out, 3, w, h).data;
    const D = gd[l]!.data,
      M = gm[l]!.data;
    for (let p = 0; p < M.length; p++) {
      const m = M[p]!;
      if (m === 0) continue;
      for (let k = 0; k < 3; k++) next[p * 3 + k] = next[p * 3 + k]! + m * (D[p * 3 + k]! - upD[p * 3 + k]!);
    }
    out = { data: next, width: w, height: h };
  }
  const result = new Float32Array(b.length);
  for (let i = 0; i < b.length; i++) result[i] = b[i]! + out.data[i]!;
  return result;
}

/**
 * Normalised convolution on the same pyramid: the known texels' colours (`weight` > 0) spread over
 * the whole image — weighted colour and weight each reduced `levels` times and expanded back, then
 * divided — so every texel gets the weighted mean colour of the known texels within ~2^levels of it.
 * In floats throughout (an 8-bit blur of weight × colour divided by an 8-bit blur of the weight
 * rounds small weights to a few levels: streaks along the rows far from the known texels).
 * @returns per texel the spread colour (0 where nothing is known within reach) and the spread weight.
 */
export function spreadKnown(
  rgb: Float32Array,
  weight: Float32Array,
  width: number,
  height: number,
  levels: number,
): { rgb: Float32Array; weight: Float32Array } {
  const n = width * height;
  const weightedRgb = new Float32Array(n * 3);
  for (let p = 0; p < n; p++) {
    const w = weight[p]!;
    for (let k = 0; k < 3; k++) weightedRgb[p * 3 + k] = w * rgb[p * 3 + k]!;
  }
  const gc = gaussianPyramid({ data: weightedRgb, width, height }, 3, levels);
  const gw = gaussianPyramid({ data: weight, width, height }, 1, levels);
  let c = gc[levels]!,
    w = gw[levels]!;
  for (let l = levels - 1; l >= 0; l--) {
    c = expand(c, 3, gc[l]!.width, gc[l]!.height);
    w = expand(w, 1, gw[l]!.width, gw[l]!.height);
  }
  const out = new Float32Array(n * 3);
  for (let p = 0; p < n; p++) {
    const wp = w.data[p]!;
    if (wp > 1e-6) for (let k = 0; k < 3; k++) out[p * 3 + k] = c.data[p * 3 + k]! / wp;
  }
  return { rgb: out, weight: w.data };
}

function weighted(img: Level, m: Level): Level {
  const data = new Float32Array(img.data.length);
  for (let p = 0; p < m.data.length; p++) {
    for (let k = 0; k < 3; k++) data[p * 3 + k] = m.data[p]! * img.data[p * 3 + k]!;
  }
  return { data, width: img.width, height: img.height };
}

function gaussianPyramid(base: Level, channels: number, levels: number): Level[] {
  const out = [base];
  for (let l = 0; l < levels; l++) out.push(reduce(out[l]!, channels));
  return out;
}

const KERNEL = [1 / 16, 4 / 16, 6 / 16, 4 / 16, 1 / 16];

/** Blur with the 5-tap binomial kernel and keep every second texel. */
function reduce(img: Level, channels: number): Level {
  const { width, height, data } = img;
  const w2 = Math.max(1, (width + 1) >> 1),
    h2 = Math.max(1, (height + 1) >> 1);
  const [k0, k1, k2] = [KERNEL[0]!, KERNEL[1]!, KERNEL[2]!];
  const rows = new Float32Array(w2 * height * channels);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < w2; x++) {
      const c = 2 * x;
      // Taps clamped to the row only near its ends.
      const a = (row + (c >= 2 ? c - 2 : 0)) * channels,
        b = (row + (c >= 1 ? c - 1 : 0)) * channels,
        m = (row + Math.min(width - 1, c)) * channels,
        d = (row + Math.min(width - 1, c + 1)) * channels,
        e = (row + Math.min(width - 1, c + 2)) * channels;
      const o = (y * w2 + x) * channels;
      for (let k = 0; k < channels; k++)
        rows[o + k] =
          k0 * data[a + k]! + k1 * data[b + k]! + k2 * data[m + k]! + k1 * data[d + k]! + k0 * data[e + k]!;
    }
  }
  const out = new Float32Array(w2 * h2 * channels);
  const stride = w2 * channels;
  for (let y = 0; y < h2; y++) {
    const c = 2 * y;
    const a = (c >= 2 ? c - 2 : 0) * stride,
      b = (c >= 1 ? c - 1 : 0) * stride,
      m = Math.min(height - 1, c) * stride,
      d = Math.min(height - 1, c + 1) * stride,
      e = Math.min(height - 1, c + 2) * stride;
    const o = y * stride;
    for (let i = 0; i < stride; i++)
      out[o + i] =
        k0 * rows[a + i]! + k1 * rows[b + i]! + k2 * rows[m + i]! + k1 * rows[d + i]! + k0 * rows[e + i]!;
  }
  return { data: out, width: w2, height: h2 };
}

/**
 * Upsample ×2 to width × height: zeros between the coarse samples, then the binomial filter × 2
 * per axis, which leaves (c[i−1] + 6 c[i] + c[i+1]) / 8 on even and (c[i] + c[i+1]) / 2 on odd
 * positions.
 */
function expand(img: Level, channels: number, width: number, height: number): Level {
  const { data, width: w, height: h } = img;
  const rows = new Float32Array(width * h * channels);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < width; x++) {
      const i = x >> 1;
      const o = (y * width + x) * channels;
      if (x & 1) {
        const a = (row + Math.min(i, w - 1)) * channels,
          b = (row + Math.min(i + 1, w - 1)) * channels;
        for (let k = 0; k < channels; k++) rows[o + k] = 0.5 * (data[a + k]! + data[b + k]!);
      } else {
        const a = (row + Math.max(0, Math.min(i - 1, w - 1))) * channels,
          m = (row + Math.min(i, w - 1)) * channels,
          b = (row + Math.min(i + 1, w - 1)) * channels;
        for (let k = 0; k < channels; k++)
          rows[o + k] = 0.125 * (data[a + k]! + 6 * data[m + k]! + data[b + k]!);
      }
    }
  }
  const out = new Float32Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    const i = y >> 1;
    const o = y * width * channels;
    if (y & 1) {
      const a = Math.min(i, h - 1) * width * channels,
        b = Math.min(i + 1, h - 1) * width * channels;
      for (let x = 0; x < width * channels; x++) out[o + x] = 0.5 * (rows[a + x]! + rows[b + x]!);
    } else {
      const a = Math.max(0, Math.min(i - 1, h - 1)) * width * channels,
        m = Math.min(i, h - 1) * width * channels,
        b = Math.min(i + 1, h - 1) * width * channels;
      for (let x = 0; x < width * channels; x++)
        out[o + x] = 0.125 * (rows[a + x]! + 6 * rows[m + x]! + rows[b + x]!);
    }
  }
  return { data: out, width, height };
}
