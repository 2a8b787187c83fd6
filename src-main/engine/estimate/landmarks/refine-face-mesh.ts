import type { HumanRuntime } from '../../runtime/human-runtime';

/**
 * A second facemesh pass on a crop we sample ourselves. Human hands back its mesh truncated to whole
 * pixels and with z left in the model's own crop units (unknown to the caller); sampling the crop
 * here means every coordinate can be mapped back exactly: x, y in photo pixels (sub-pixel), z in the
 * same pixel scale. The crop follows MediaPipe's face-landmark ROI: the landmarks' box in the frame
 * rotated so the eyes are level, squared and enlarged 1.5×.
 */

export const FACE_MESH_POINTS = 468;
/** MediaPipe indices of the outer eye corners (the subject's right, left); they define roll. */
export const RIGHT_EYE_OUTER = 33;
export const LEFT_EYE_OUTER = 263;
const ROI_SCALE = 1.5;

export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

export interface RefinedMesh {
  /** FACE_MESH_POINTS × 3: x, y in photo pixels, z in the same scale (smaller = closer). */
  landmarks: Float32Array;
  /** Facemesh's own face-presence probability for the crop. */
  meshScore: number;
}

/** Passes at most, and the median landmark move (photo pixels) under which the ROI has settled. */
const MAX_PASSES = 5;
const SETTLED_PX = 0.5;

/**
 * Facemesh re-run on the ROI of its own last result until the ROI settles, as MediaPipe's tracking
 * does from frame to frame. One pass from the detector's mesh inherits the detector's box: a tall
 * quiff inside it left KPhotoAlbum's new_wave_2.jpg's whole mesh one feature high (eye corners on
 * the brows, the chin on the teeth), and kpa_jesper.jpg's chin 39 px high. Two to four passes settle.
 */
export function refineFaceMeshSettled(
  runtime: HumanRuntime,
  photo: RgbImage,
  seed: ArrayLike<number>,
): RefinedMesh {
  let result = refineFaceMesh(runtime, photo, seed);
  for (let pass = 2; pass <= MAX_PASSES; pass++) {
    const next = refineFaceMesh(runtime, photo, result.landmarks);
    const moved = medianMove(result.landmarks, next.landmarks);
    result = next;
    if (moved < SETTLED_PX) break;
  }
  return result;
}

function medianMove(a: Float32Array, b: Float32Array): number {
  const moves: number[] = [];
  for (let i = 0; i < FACE_MESH_POINTS; i++) {
    moves.push(Math.hypot(a[i * 3]! - b[i * 3]!, a[i * 3 + 1]! - b[i * 3 + 1]!));
  }
  moves.sort((x, y) => x - y);
  return moves[FACE_MESH_POINTS >> 1]!;
}

/** Runs facemesh on the ROI around `seed` (≥ 468 points, photo pixels, any z) and returns the refined mesh. */
export function refineFaceMesh(runtime: HumanRuntime, photo: RgbImage, seed: ArrayLike<number>): RefinedMesh {
  const model = runtime.human.models.models.facemesh;
  if (!model) throw new Error('facemesh model is not loaded');
  const inputSize = model.inputs[0]?.shape?.[1] ?? 192;
  const roi = meshRoi(seed);
  const pixels = sampleRotatedCrop(photo, roi, inputSize);
  const tf = runtime.tf;
  const input = tf.tensor4d(pixels, [1, inputSize, inputSize, 3]);
  const outputs = model.execute(input);
  tf.dispose(input);
  const list = Array.isArray(outputs) ? outputs : [outputs];
  try {
    const meshOut = list.find((t) => t.shape[t.shape.length - 1] === FACE_MESH_POINTS * 3);
    const flagOut = list.find((t) => t.shape[t.shape.length - 1] === 1);
    if (!meshOut || !flagOut) throw new Error('facemesh outputs have unexpected shapes');
    const raw = meshOut.dataSync();
    const meshScore = flagOut.dataSync()[0] ?? 0;
    const cos = Math.cos(roi.angle);
    const sin = Math.sin(roi.angle);
    const unit = roi.size / inputSize; // photo pixels per model pixel
    const landmarks = new Float32Array(FACE_MESH_POINTS * 3);
    for (let i = 0; i < FACE_MESH_POINTS; i++) {
      const u = (raw[i * 3]! - inputSize / 2) * unit;
      const v = (raw[i * 3 + 1]! - inputSize / 2) * unit;
      landmarks[i * 3] = roi.cx + cos * u - sin * v;
      landmarks[i * 3 + 1] = roi.cy + sin * u + cos * v;
      landmarks[i * 3 + 2] = raw[i * 3 + 2]! * unit;
    }
    return { landmarks, meshScore };
  } finally {
    tf.dispose(list);
  }
}

interface Roi {
  cx: number;
  cy: number;
  /** Side of the square crop, photo pixels. */
  size: number;
  /** Rotation of the crop's x axis in the photo (radians, image coordinates: y down). */
  angle: number;
}

function meshRoi(points: ArrayLike<number>): Roi {
  const rx = points[RIGHT_EYE_OUTER * 3]!;
  const ry = points[RIGHT_EYE_OUTER * 3 + 1]!;
  const lx = points[LEFT_EYE_OUTER * 3]!;
  const ly = points[LEFT_EYE_OUTER * 3 + 1]!;
  const angle = Math.atan2(ly - ry, lx - rx);
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  // box of the landmarks in the eye-level frame, then back to photo coordinates
  let minU = Infinity;
  let maxU = -Infinity;
  let minV = Infinity;
  let maxV = -Infinity;
  for (let i = 0; i < FACE_MESH_POINTS; i++) {
    const x = points[i * 3]!;
    const y = points[i * 3 + 1]!;
    const u = cos * x + sin * y;
    const v = -sin * x + cos * y;
    minU = Math.min(minU, u);
    maxU = Math.max(maxU, u);
    minV = Math.min(minV, v);
    maxV = Math.max(maxV, v);
  }
  const cu = (minU + maxU) / 2;
  const cv = (minV + maxV) / 2;
  return {
    cx: cos * cu - sin * cv,
    cy: sin * cu + cos * cv,
    size: Math.max(maxU - minU, maxV - minV) * ROI_SCALE,
    angle,
  };
}

/** Bilinear sample of the rotated square ROI into size×size RGB floats in [0,1] (outside = black). */
function sampleRotatedCrop(photo: RgbImage, roi: Roi, size: number): Float32Array {
  const out = new Float32Array(size * size * 3);
  const { data, width, height } = photo;
  const cos = Math.cos(roi.angle);
  const sin = Math.sin(roi.angle);
  const step = roi.size / size;
  for (let row = 0; row < size; row++) {
    const v = (row + 0.5) * step - roi.size / 2;
    for (let col = 0; col < size; col++) {
      const u = (col + 0.5) * step - roi.size / 2;
      // pixel centres are at integer + 0.5
      const x = roi.cx + cos * u - sin * v - 0.5;
      const y = roi.cy + sin * u + cos * v - 0.5;
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      const fx = x - x0;
      const fy = y - y0;
      const o = (row * size + col) * 3;
      for (let c = 0; c < 3; c++) {
        const p00 = pixel(data, width, height, x0, y0, c);
        const p10 = pixel(data, width, height, x0 + 1, y0, c);
        const p01 = pixel(data, width, height, x0, y0 + 1, c);
        const p11 = pixel(data, width, height, x0 + 1, y0 + 1, c);
        const top = p00 + (p10 - p00) * fx;
        const bottom = p01 + (p11 - p01) * fx;
        out[o + c] = (top + (bottom - top) * fy) / 255;
      }
    }
  }
  return out;
}

function pixel(data: Uint8Array, width: number, height: number, x: number, y: number, c: number): number {
  if (x < 0 || y < 0 || x >= width || y >= height) return 0;
  return data[(y * width + x) * 3 + c]!;
}
