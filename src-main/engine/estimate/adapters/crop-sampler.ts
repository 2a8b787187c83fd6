/** Resampling the photo into a network's input: a square crop, or an affine-aligned patch (ArcFace). */
import type { CropBox, EstimatorLandmarks, RgbPhoto } from '../estimator';

/** Network pixel (u, v) ↦ photo pixel (x0 + scale·u, y0 + scale·v); pixel centres at integer coordinates. */
export interface SquareCrop {
  x0: number;
  y0: number;
  scale: number;
  size: number;
}

/**
 * The square crop a network was trained on: side = cropScale × the face's size, centred on the face.
 * With landmarks, the face's size and centre come from their extent (as DECA does with 68 points).
 */
export function faceSquareCrop(
  box: CropBox,
  cropScale: number,
  size: number,
  landmarks?: EstimatorLandmarks,
): SquareCrop {
  let cx = box.x + box.width / 2;
  let cy = box.y + box.height / 2;
  let faceSize = (box.width + box.height) / 2;
  if (landmarks && landmarks.points.length >= landmarks.dims * 2) {
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (let i = 0; i < landmarks.points.length; i += landmarks.dims) {
      const x = landmarks.points[i]!;
      const y = landmarks.points[i + 1]!;
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
    }
    cx = (minX + maxX) / 2;
    cy = (minY + maxY) / 2;
    faceSize = ((maxX - minX + maxY - minY) / 2) * 1.1;
  }
  const side = Math.max(1, faceSize * cropScale);
  // network pixel centres 0..size−1 span the crop's pixel centres
  const scale = side / size;
  return { x0: cx - side / 2 + scale / 2 - 0.5, y0: cy - side / 2 + scale / 2 - 0.5, scale, size };
}

/** Photo → HWC float RGB 0–255 of `size`×`size`, bilinear, black outside the photo. */
export function sampleSquareCrop(photo: RgbPhoto, crop: SquareCrop): Float32Array {
  // the inverse affine of a square crop: photo = [scale 0 x0; 0 scale y0]·net
  return sampleAffine(photo, [crop.scale, 0, crop.x0, 0, crop.scale, crop.y0], crop.size, crop.size);
}

/**
 * `netToPhoto` (row-major 2×3) maps output pixel (u, v) to the photo pixel sampled there. Bilinear;
 * zero outside (as cv2.warpAffine's default border and skimage's warp). Downscales more than 2×
 * average a 2×2 grid of taps so small networks do not alias on large photos.
 */
export function sampleAffine(
  photo: RgbPhoto,
  netToPhoto: number[],
  width: number,
  height: number,
): Float32Array {
  const [a, b, c, d, e, f] = netToPhoto as [number, number, number, number, number, number];
  const stretch = Math.max(Math.hypot(a, d), Math.hypot(b, e));
  const taps = stretch > 2 ? [-0.25, 0.25] : [0];
  const out = new Float32Array(width * height * 3);
  const rgb = [0, 0, 0];
  for (let v = 0; v < height; v++) {
    for (let u = 0; u < width; u++) {
      let r = 0;
      let g = 0;
      let bl = 0;
      for (const du of taps) {
        for (const dv of taps) {
          const x = a * (u + du) + b * (v + dv) + c;
          const y = d * (u + du) + e * (v + dv) + f;
          bilinear(photo, x, y, rgb);
          r += rgb[0]!;
          g += rgb[1]!;
          bl += rgb[2]!;
        }
      }
      const n = taps.length * taps.length;
      const o = (v * width + u) * 3;
      out[o] = r / n;
      out[o + 1] = g / n;
      out[o + 2] = bl / n;
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
