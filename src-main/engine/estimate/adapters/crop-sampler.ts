/** Resampling the photo into a network's input: a square crop, or an affine-aligned patch (ArcFace). */
import type { RgbPhoto } from '../estimator';

/** Network pixel (u, v) ↦ photo pixel (x0 + scale·u, y0 + scale·v); pixel centres at integer coordinates. */
export interface SquareCrop {
  x0: number;
  y0: number;
  scale: number;
  size: number;
  /**
   * Where the network's normalised crop coordinates (−1 … 1, its weak-perspective camera's frame)
   * lie in the photo: photo pixel (x, y) at (−1, −1), `side` pixels from −1 to 1. Default: the
   * crop's outer edges, {x0 − scale/2, y0 − scale/2, scale·size}.
   */
  normalised?: { x: number; y: number; side: number };
}

/** The photo square spanned by the network's normalised coordinates −1 … 1 (see SquareCrop). */
export function normalisedSquare(crop: SquareCrop): { x: number; y: number; side: number } {
  return (
    crop.normalised ?? {
      x: crop.x0 - crop.scale / 2,
      y: crop.y0 - crop.scale / 2,
      side: crop.scale * crop.size,
    }
  );
}

export interface SampleOptions {
  /** Outside the photo: 'zero' (cv2.warpAffine's and skimage.warp's default) or 'edge' (replicated). */
  border?: 'zero' | 'edge';
}

/** Photo → HWC float RGB 0–255 of `size`×`size`, bilinear. */
export function sampleSquareCrop(
  photo: RgbPhoto,
  crop: SquareCrop,
  options: SampleOptions = {},
): Float32Array {
  // the inverse affine of a square crop: photo = [scale 0 x0; 0 scale y0]·net
  return sampleAffine(photo, [crop.scale, 0, crop.x0, 0, crop.scale, crop.y0], crop.size, crop.size, options);
}

/**
 * `netToPhoto` (row-major 2×3) maps output pixel (u, v) to the photo pixel sampled there; pixel
 * centres at integer coordinates. Plain bilinear with no pre-filter, as the official preprocessing
 * of every estimator does (cv2.warpAffine / cv2.resize INTER_LINEAR, skimage.warp order 1): the
 * networks were trained on such crops.
 */
export function sampleAffine(
  photo: RgbPhoto,
  netToPhoto: number[],
  width: number,
  height: number,
  options: SampleOptions = {},
): Float32Array {
  const [a, b, c, d, e, f] = netToPhoto as [number, number, number, number, number, number];
  const edge = options.border === 'edge';
  const out = new Float32Array(width * height * 3);
  const rgb = [0, 0, 0];
  for (let v = 0; v < height; v++) {
    for (let u = 0; u < width; u++) {
      const x = a * u + b * v + c;
      const y = d * u + e * v + f;
      if (edge) {
        bilinear(
          photo,
          Math.min(Math.max(x, 0), photo.width - 1),
          Math.min(Math.max(y, 0), photo.height - 1),
          rgb,
        );
      } else bilinear(photo, x, y, rgb);
      const o = (v * width + u) * 3;
      for (let k = 0; k < 3; k++) out[o + k] = rgb[k]!;
    }
  }
  return out;
}

function bilinear(photo: RgbPhoto, x: number, y: number, out: number[]): void {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  out[0] = out[1] = out[2] = 0;
  for (let k = 0; k < 4; k++) {
    const px = x0 + (k & 1);
    const py = y0 + (k >> 1);
    const w = (k & 1 ? fx : 1 - fx) * (k >> 1 ? fy : 1 - fy);
    if (w === 0 || px < 0 || py < 0 || px >= photo.width || py >= photo.height) continue;
    const i = (py * photo.width + px) * 3;
    out[0] += w * photo.data[i]!;
    out[1] += w * photo.data[i + 1]!;
    out[2] += w * photo.data[i + 2]!;
  }
}

/** HWC → NCHW (1×3×H×W) with per-value `(x·mul + add)`. */
export function toNchw(
  hwc: Float32Array,
  width: number,
  height: number,
  mul: number,
  add: number,
): Float32Array {
  const plane = width * height;
  const out = new Float32Array(plane * 3);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) out[c * plane + i] = hwc[i * 3 + c]! * mul + add;
  }
  return out;
}

/** HWC kept as NHWC with `(x·mul + add)`. */
export function scaleValues(hwc: Float32Array, mul: number, add: number): Float32Array {
  return hwc.map((x) => x * mul + add);
}

/**
 * cv2.warpAffine(photo, photoToOut, (width, height)) of an 8-bit image, INTER_LINEAR, black border,
 * bit for bit as OpenCV computes it (imgwarp.cpp): the inverse map stepped in 10-bit fixed point,
 * positions rounded to 1/32 pixel, 15-bit bilinear weights, the sum rounded to 8 bits. Bit-exact
 * against libopencv_imgproc 4.6 (via the numpy twin in training/estimators/official_preprocessing.py).
 */
export function warpAffineOpenCv(
  photo: RgbPhoto,
  photoToOut: number[],
  width: number,
  height: number,
): Float32Array {
  const [m0, m1, m2, m3, m4, m5] = photoToOut as [number, number, number, number, number, number];
  // cv::invertAffineTransform
  let det = m0 * m4 - m1 * m3;
  det = det !== 0 ? 1 / det : 0;
  const [a11, a22, a12, a21] = [m4 * det, m0 * det, -m1 * det, -m3 * det];
  const [b1, b2] = [-a11 * m2 - a12 * m5, -a21 * m2 - a22 * m5];
  const AB = 1024;
  const ROUND = AB / 32 / 2;
  const adelta = new Int32Array(width);
  const bdelta = new Int32Array(width);
  for (let x = 0; x < width; x++) {
    adelta[x] = roundHalfEven(a11 * x * AB);
    bdelta[x] = roundHalfEven(a21 * x * AB);
  }
  const out = new Float32Array(width * height * 3);
  const { data, width: W, height: H } = photo;
  for (let y = 0; y < height; y++) {
    const X0 = roundHalfEven((a12 * y + b1) * AB) + ROUND;
    const Y0 = roundHalfEven((a22 * y + b2) * AB) + ROUND;
    for (let x = 0; x < width; x++) {
      const X = (X0 + adelta[x]!) >> 5;
      const Y = (Y0 + bdelta[x]!) >> 5;
      const sx = X >> 5;
      const sy = Y >> 5;
      const fx = X & 31;
      const fy = Y & 31;
      const o = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) {
        let acc = 0;
        for (let k = 0; k < 4; k++) {
          const px = sx + (k & 1);
          const py = sy + (k >> 1);
          if (px < 0 || py < 0 || px >= W || py >= H) continue;
          const w = (k & 1 ? fx : 32 - fx) * (k >> 1 ? fy : 32 - fy) * 32;
          acc += w * data[(py * W + px) * 3 + c]!;
        }
        out[o + c] = Math.min(255, (acc + (1 << 14)) >> 15);
      }
    }
  }
  return out;
}

/**
 * The square `side`² crop at (left, top) of the photo, edge-replicated outside it, resized to
 * `size`² as OpenCV 4's cv2.resize(INTER_LINEAR) does an 8-bit image (resize.cpp resizeGeneric_):
 * half-pixel centres in float32; columns clamped at the crop's edges; each 11-bit weight rounded on
 * its own; exact integer rows; the vertical pass as its SIMD code rounds it
 * (VResizeLinearVec_32s8u). Bit-exact against libopencv_imgproc 4.6 (via the numpy twin in
 * training/estimators/official_preprocessing.py).
 */
export function resizeCropOpenCv(
  photo: RgbPhoto,
  left: number,
  top: number,
  side: number,
  size: number,
): Float32Array {
  const taps = (origin: number, limit: number, clampWeights: boolean) => {
    const i0 = new Int32Array(size);
    const i1 = new Int32Array(size);
    const w0 = new Int32Array(size);
    const w1 = new Int32Array(size);
    const toPhoto = (c: number) =>
      Math.min(Math.max(origin + Math.min(Math.max(c, 0), side - 1), 0), limit - 1);
    for (let d = 0; d < size; d++) {
      const f = Math.fround((d + 0.5) * (side / size) - 0.5);
      let s = Math.floor(f);
      let frac = Math.fround(f - s);
      if (clampWeights && s < 0) [s, frac] = [0, 0];
      if (clampWeights && s >= side - 1) [s, frac] = [side - 1, 0];
      i0[d] = toPhoto(s);
      i1[d] = toPhoto(s + 1);
      w0[d] = roundHalfEven(Math.fround(Math.fround(1 - frac) * 2048));
      w1[d] = roundHalfEven(Math.fround(frac * 2048));
    }
    return { i0, i1, w0, w1 };
  };
  // columns: the edge pixel alone outside; rows: weights kept, indices clipped
  const tx = taps(left, photo.width, true);
  const ty = taps(top, photo.height, false);
  const out = new Float32Array(size * size * 3);
  const { data, width: W } = photo;
  for (let v = 0; v < size; v++) {
    const r0 = ty.i0[v]! * W;
    const r1 = ty.i1[v]! * W;
    const [b0, b1] = [ty.w0[v]!, ty.w1[v]!];
    for (let u = 0; u < size; u++) {
      const [c0, c1, a0, a1] = [tx.i0[u]!, tx.i1[u]!, tx.w0[u]!, tx.w1[u]!];
      for (let c = 0; c < 3; c++) {
        const row0 = data[(r0 + c0) * 3 + c]! * a0 + data[(r0 + c1) * 3 + c]! * a1;
        const row1 = data[(r1 + c0) * 3 + c]! * a0 + data[(r1 + c1) * 3 + c]! * a1;
        const sum = (((row0 >> 4) * b0) >> 16) + (((row1 >> 4) * b1) >> 16);
        out[(v * size + u) * 3 + c] = Math.min(255, Math.max(0, (sum + 2) >> 2));
      }
    }
  }
  return out;
}

/** cvRound: nearest integer, ties to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
