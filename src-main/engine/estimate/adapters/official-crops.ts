/**
 * Each estimator's input crop, made the way its official code makes it (read from the published
 * repositories; no code copied). training/estimators/official_preprocessing.py re-implements the
 * official steps in numpy, and tests/adapters/preprocessing-parity.test.ts holds the two side by side
 * on the real sample photos.
 *
 * - DECA (yfeng95/DECA decalib/datasets/datasets.py, TestData.bbox2point l.81–92 and __getitem__
 *   l.104–137): from 68 landmarks ('kpt68', the path of DECA's default FAN detector,
 *   detectors.py l.24–37) old_size = mean of the extent's width and height × 1.1, centre = the
 *   extent's centre; from a detector box ('bbox', MTCNN) old_size = mean side, centre moved down by
 *   0.12 × old_size. size = int(old_size × 1.25); the square's corners map onto output pixels 0 and
 *   223 (skimage similarity + warp: bilinear, black outside), values 0–1.
 *   We take the kpt68 path whenever landmarks are given: it is DECA's default, and its constants
 *   belong to a landmark extent, which our 468 face-mesh points give (mapped to iBUG 68 below). The
 *   bbox constants were tuned to MTCNN's tight box; our detector's box (blazeface with a margin) is
 *   another box, so that path is only the fallback without landmarks.
 * - RingNet (soubhiksanyal/RingNet demo.py preprocess_image l.102–120, util/image.py l.28–60): the
 *   input is "a loose crop of the face"; the demo resizes it so its long side is 224 (cv2.resize,
 *   bilinear, size floor'ed), centres a 224 square with edge-replicated padding, and scales to
 *   [-1, 1] (2·(x/255 − 0.5)). The loose crop itself is ours (no official rule): a square of
 *   `cropScale` × the face box at integer pixels, edge-replicated outside the photo, sized so the
 *   demo's resize lands exactly on 224; scale and placement measured on the demo's sample inputs.
 * - MICA (Zielon/MICA datasets/creation/util.py get_arcface_input l.42–45; insightface
 *   utils/face_align.py norm_crop / estimate_norm): a least-squares similarity of the five detector
 *   points onto ArcFace's 112-px template, cv2.warpAffine (bilinear, black border, 8-bit result),
 *   then blobFromImages: RGB, (x − 127.5) / 127.5.
 */
import type { CropBox, EstimatorLandmarks, RgbPhoto } from '../estimator';
import { invertSimilarity2d, similarityTransform2d } from '../../geometry/linear-algebra';
import { resizeCropOpenCv, sampleSquareCrop, warpAffineOpenCv, type SquareCrop } from './crop-sampler';

type Pt = [number, number];

/**
 * iBUG 68 from MediaPipe's 468 face-mesh points (our correspondence; image left before image right
 * as in iBUG): jaw 0–16 along the face oval, brows 17–26, nose 27–35, eyes 36–47, lips 48–67.
 */
export const MEDIAPIPE_TO_IBUG68: readonly number[] = [
  // jaw: image-left ear level → chin (152) → image-right ear level
  234, 93, 132, 58, 172, 136, 150, 176, 152, 400, 379, 365, 397, 288, 361, 323, 454,
  // brows (upper edge), outer → inner, then inner → outer
  70, 63, 105, 66, 107, 336, 296, 334, 293, 300,
  // nose bridge to tip, then nostrils to subnasale
  168, 197, 5, 1, 98, 97, 2, 326, 327,
  // image-left eye: outer corner, upper lid ×2, inner corner, lower lid ×2; image-right eye likewise from the inner corner
  33,
  160, 158, 133, 153, 144, 362, 385, 387, 263, 373, 380,
  // outer lips from the image-left corner, then inner lips
  61, 40, 37, 0, 267, 270, 291, 321, 314, 17, 84, 91, 78, 81, 13, 311, 308, 402, 14, 178,
];

/** The 68 iBUG points (x, y) in photo pixels, from iBUG-68 or MediaPipe-468 landmarks. */
export function ibug68Points(landmarks: EstimatorLandmarks): Pt[] | undefined {
  const count = landmarks.points.length / landmarks.dims;
  const indices =
    landmarks.layout === 'ibug68' ? Array.from({ length: 68 }, (_, i) => i) : MEDIAPIPE_TO_IBUG68;
  if (!indices.every((i) => i < count)) return undefined;
  return indices.map((i) => [
    landmarks.points[i * landmarks.dims]!,
    landmarks.points[i * landmarks.dims + 1]!,
  ]);
}

export interface DecaCropInfo {
  path: 'kpt68' | 'bbox';
  left: number;
  right: number;
  top: number;
  bottom: number;
  oldSize: number;
  centre: Pt;
  /** int(old_size × scale): the square's side in photo pixels. */
  size: number;
}

export const DECA_SCALE = 1.25;
/** bbox path only: the detector box's centre moves down by this × its size (datasets.py l.89). */
export const DECA_BBOX_SHIFT = 0.12;

/** DECA's square crop: network pixel u ↦ photo x0 + u·size/(res − 1). */
export function decaCrop(
  box: CropBox,
  res: number,
  landmarks?: EstimatorLandmarks,
  scale = DECA_SCALE,
): { crop: SquareCrop; info: DecaCropInfo } {
  const kpt = landmarks ? ibug68Points(landmarks) : undefined;
  let left: number;
  let right: number;
  let top: number;
  let bottom: number;
  if (kpt) {
    left = Math.min(...kpt.map((p) => p[0]));
    right = Math.max(...kpt.map((p) => p[0]));
    top = Math.min(...kpt.map((p) => p[1]));
    bottom = Math.max(...kpt.map((p) => p[1]));
  } else {
    [left, right, top, bottom] = [box.x, box.x + box.width, box.y, box.y + box.height];
  }
  const path = kpt ? 'kpt68' : 'bbox';
  const oldSize = ((right - left + bottom - top) / 2) * (kpt ? 1.1 : 1);
  const centre: Pt = [
    right - (right - left) / 2,
    bottom - (bottom - top) / 2 + (kpt ? 0 : oldSize * DECA_BBOX_SHIFT),
  ];
  // Python's int() truncates toward zero
  const size = Math.max(1, Math.trunc(oldSize * scale));
  const [x0, y0] = [centre[0] - size / 2, centre[1] - size / 2];
  return {
    crop: {
      x0,
      y0,
      scale: size / (res - 1),
      size: res,
      // DECA normalises crop pixel p as p/res·2 − 1 (its datasets; decalib/utils/util.py
      // transform_points undoes it): −1 is the corner pixel x0 itself, 1 lies res·size/(res − 1) on
      normalised: { x: x0, y: y0, side: (res * size) / (res - 1) },
    },
    info: { path, left, right, top, bottom, oldSize, centre, size },
  };
}

export interface RingNetCropInfo {
  /** The loose square crop in photo pixels (integer), before the demo's resize to `res`. */
  left: number;
  top: number;
  side: number;
}

/** How far below the loose crop's centre the face box's centre sits, × the box's mean side (see ringnet.ts). */
export const RINGNET_FACE_BELOW_CENTRE = 0.16;

/**
 * The loose crop: `cropScale` × the face box's mean side, the face `RINGNET_FACE_BELOW_CENTRE` low,
 * the side nudged so floor(side · res/side) = res.
 */
export function ringnetCrop(
  box: CropBox,
  res: number,
  cropScale: number,
): { crop: SquareCrop; info: RingNetCropInfo } {
  let side = Math.max(2, Math.round(((box.width + box.height) / 2) * cropScale));
  // the demo sizes the resized image as floor(shape · res/max(shape)) (util/image.py l.29), which
  // for some sides gives res − 1 and a padded column; such sides are skipped
  while (Math.floor(side * (res / side)) !== res) side++;
  const left = Math.round(box.x + box.width / 2 - side / 2);
  const faceLow = RINGNET_FACE_BELOW_CENTRE * ((box.width + box.height) / 2);
  const top = Math.round(box.y + box.height / 2 - faceLow - side / 2);
  // cv2.resize's bilinear: output pixel u samples (u + 0.5)·side/res − 0.5 of the crop
  const s = side / res;
  return {
    crop: { x0: left + s / 2 - 0.5, y0: top + s / 2 - 0.5, scale: s, size: res },
    info: { left, top, side },
  };
}

/** insightface's ArcFace template (left eye, right eye, nose, mouth left, mouth right) for 112×112. */
export const ARCFACE_TEMPLATE_112: Pt[] = [
  [38.2946, 51.6963],
  [73.5318, 51.5014],
  [56.0252, 71.7366],
  [41.5493, 92.3655],
  [70.7299, 92.2041],
];

/** iBUG-68 indices averaged into each of the detector's five points (eye centres, nose tip, mouth corners). */
const FIVE_FROM_IBUG68 = [[36, 37, 38, 39, 40, 41], [42, 43, 44, 45, 46, 47], [30], [48], [54]];

/** The five points in photo pixels: from landmarks, else the template laid into the face box. */
export function fivePoints(box: CropBox, landmarks?: EstimatorLandmarks): Pt[] {
  const kpt = landmarks ? ibug68Points(landmarks) : undefined;
  if (kpt) {
    return FIVE_FROM_IBUG68.map((g) => [
      g.reduce((s, i) => s + kpt[i]![0], 0) / g.length,
      g.reduce((s, i) => s + kpt[i]![1], 0) / g.length,
    ]);
  }
  return ARCFACE_TEMPLATE_112.map(([x, y]) => [
    box.x + (x / 112) * box.width,
    box.y + (y / 112) * box.height,
  ]);
}

/** ArcFace alignment: photo → aligned (2×3, as norm_crop's M) and its inverse, from the five points. */
export function arcfaceAlignment(
  box: CropBox,
  landmarks?: EstimatorLandmarks,
): { five: Pt[]; photoToAligned: number[]; alignedToPhoto: number[] } {
  const five = fivePoints(box, landmarks);
  // insightface holds the detector's points and its template as float32 (face_align.py arcface_dst)
  const f32 = (pts: Pt[]): Pt[] => pts.map(([x, y]) => [Math.fround(x), Math.fround(y)]);
  const photoToAligned = similarityTransform2d(f32(five), f32(ARCFACE_TEMPLATE_112));
  return { five, photoToAligned, alignedToPhoto: invertSimilarity2d(photoToAligned) };
}

/** The 112×112 aligned face, HWC 0–255 in 8-bit steps, as cv2.warpAffine gives it. */
export function micaAlignedFace(photo: RgbPhoto, box: CropBox, landmarks?: EstimatorLandmarks) {
  const align = arcfaceAlignment(box, landmarks);
  const hwc = warpAffineOpenCv(photo, align.photoToAligned, 112, 112);
  return { hwc, ...align };
}

/** DECA's input crop, HWC 0–255 (float: skimage warps image / 255 without rounding). */
export function decaInputCrop(
  photo: RgbPhoto,
  box: CropBox,
  res: number,
  landmarks?: EstimatorLandmarks,
  scale = DECA_SCALE,
): { crop: SquareCrop; hwc: Float32Array; info: DecaCropInfo } {
  const { crop, info } = decaCrop(box, res, landmarks, scale);
  return { crop, info, hwc: sampleSquareCrop(photo, crop, { border: 'zero' }) };
}

/** RingNet's input crop, HWC 0–255 in 8-bit steps: the loose crop resized as the demo's cv2.resize. */
export function ringnetInputCrop(
  photo: RgbPhoto,
  box: CropBox,
  res: number,
  cropScale: number,
): { crop: SquareCrop; hwc: Float32Array; info: RingNetCropInfo } {
  const { crop, info } = ringnetCrop(box, res, cropScale);
  return { crop, info, hwc: resizeCropOpenCv(photo, info.left, info.top, info.side, res) };
}
