/**
 * From FLAME parameters + a projection to the Estimator's output: the canonical mesh (global rotation
 * removed, centred on its bounding box), an OpenCV camera for the photo, projected landmarks.
 *
 * Weak perspective → pinhole: the networks project orthographically, pixel = a·(R·x) + centre. A
 * pinhole camera with focal f at depth tz = f/a reproduces that at the head's centre. None of the
 * networks estimates f: the focal length and principal point come from the estimator input's
 * camera when there is one (the built-in fit estimates it), else a fixed ~30° field of view over the
 * photo's long side with the principal point at the photo's centre.
 */
import type { EstimatorId } from '../../../shared/protocol';
import { multiply3, projectPoint, rotationFromVector, type PinholeCamera } from '../../geometry/camera';
import type { EstimatorOutput, RgbPhoto } from '../estimator';
import type { FlameLayer } from '../flame/flame-layer';
import { normalisedSquare, type SquareCrop } from './crop-sampler';

/** Focal length as a multiple of the photo's long side (≈ 30° field of view). */
export const FOCAL_PER_LONG_SIDE = 1.9;
/** OpenCV frame from FLAME's (y up, z towards the viewer): a half turn about x. */
export const FLIP_YZ = [1, 0, 0, 0, -1, 0, 0, 0, -1];
const IDENTITY = [1, 0, 0, 0, 1, 0, 0, 0, 1];

export interface OrthoProjection {
  /** Row-major rotation taking canonical FLAME coordinates into the camera's axes (x right, y down). */
  R: number[];
  /** Pixels per metre in the photo. */
  pixelsPerMetre: number;
  /** Photo pixel (OpenCV, pixel centres at integers) where the mesh's centre lands. */
  centrePx: [number, number];
}

export interface FlameParamsOut {
  shape: ArrayLike<number>;
  expression?: ArrayLike<number>;
  /** Jaw axis-angle (3); neck and eyes stay at rest. */
  jaw?: ArrayLike<number>;
}

/** Canonical FLAME vertices (no global rotation) and their centre, plus the root joint. */
export function canonicalFlame(
  flame: FlameLayer,
  params: FlameParamsOut,
): {
  vertices: Float32Array;
  centre: [number, number, number];
  root: [number, number, number];
} {
  const pose = new Float64Array(15);
  if (params.jaw) pose.set(Array.from(params.jaw), 6);
  const { vertices, joints } = flame.forward({ shape: params.shape, expression: params.expression, pose });
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < vertices.length; i++) {
    const a = i % 3;
    const x = vertices[i]!;
    if (!Number.isFinite(x)) throw new Error('FLAME produced a non-finite vertex');
    lo[a] = Math.min(lo[a]!, x);
    hi[a] = Math.max(hi[a]!, x);
  }
  const centre: [number, number, number] = [0, 1, 2].map((a) => (lo[a]! + hi[a]!) / 2) as [
    number,
    number,
    number,
  ];
  return { vertices, centre, root: [joints[0]!, joints[1]!, joints[2]!] };
}

/**
 * Weak-perspective parameters (s, tx, ty) of DECA/RingNet in the crop's normalised coordinates
 * ([-1, 1] over the crop), applied to FLAME posed by the global rotation `globalRot`.
 */
export function weakPerspectiveProjection(args: {
  s: number;
  tx: number;
  ty: number;
  flipYZ: boolean;
  globalRot: ArrayLike<number>;
  centre: [number, number, number];
  root: [number, number, number];
  crop: SquareCrop;
}): OrthoProjection {
  const { s, tx, ty, crop } = args;
  const Rg = rotationFromVector(args.globalRot);
  // FLAME's LBS turns the whole head about the root joint: posed = Rg·(x − root) + root
  const d = args.centre.map((c, i) => c - args.root[i]!);
  const posed = [0, 1, 2].map(
    (r) => Rg[r * 3]! * d[0]! + Rg[r * 3 + 1]! * d[1]! + Rg[r * 3 + 2]! * d[2]! + args.root[r]!,
  );
  const nx = s * (posed[0]! + tx);
  const ny = (args.flipYZ ? -1 : 1) * s * (posed[1]! + ty);
  // the photo square that normalised −1..1 spans (OpenCV pixel centres)
  const { x: left, y: top, side } = normalisedSquare(crop);
  return {
    R: multiply3(args.flipYZ ? FLIP_YZ : IDENTITY, Rg),
    pixelsPerMetre: (s * side) / 2,
    centrePx: [left + ((nx + 1) / 2) * side, top + ((ny + 1) / 2) * side],
  };
}

/** Focal lengths and principal point (pixels) for the weak-perspective → pinhole conversion. */
export type Intrinsics = Pick<PinholeCamera, 'fx' | 'fy' | 'cx' | 'cy'>;

/**
 * The pinhole camera that matches an orthographic projection at the head's centre: `intrinsics`
 * (e.g. the built-in fit's camera) when given and usable, else FOCAL_PER_LONG_SIDE and the centre.
 */
export function pinholeFromOrtho(
  proj: OrthoProjection,
  width: number,
  height: number,
  intrinsics?: Intrinsics,
): PinholeCamera {
  const usable =
    intrinsics &&
    [intrinsics.fx, intrinsics.fy, intrinsics.cx, intrinsics.cy].every(Number.isFinite) &&
    intrinsics.fx > 0 &&
    intrinsics.fy > 0;
  const fallback = FOCAL_PER_LONG_SIDE * Math.max(width, height);
  const { fx, fy, cx, cy } = usable
    ? intrinsics
    : { fx: fallback, fy: fallback, cx: width / 2, cy: height / 2 };
  // depth from the mean focal: pixels per metre at the head's centre = f / tz
  const tz = (fx + fy) / 2 / proj.pixelsPerMetre;
  return {
    fx,
    fy,
    cx,
    cy,
    R: proj.R,
    t: [((proj.centrePx[0] - cx) * tz) / fx, ((proj.centrePx[1] - cy) * tz) / fy, tz],
    width,
    height,
  };
}

/** FLAME's surfaces for registering the studio's head, where the pack embeds MediaPipe landmarks. */
function registrationTargets(
  flame: FlameLayer,
  asInPhoto: Float32Array,
  identity: Float32Array | undefined,
): Pick<EstimatorOutput, 'registrationTargets'> {
  const landmarkIndices = flame.mediapipeIndices;
  if (landmarkIndices.length === 0) return {};
  const uvLayout = flame.uvLayout;
  const target = (positions: Float32Array) => ({
    positions,
    indices: flame.faces,
    landmarkIndices,
    landmarks: flame.mediapipeLandmarks(positions),
    ...(uvLayout ? { uvLayout } : {}),
  });
  const photo = target(asInPhoto);
  return { registrationTargets: { photo, neutral: identity ? target(identity) : photo } };
}

/** Assembles the Estimator output; confidence = base × the share of the head that lands in the photo. */
export function flameEstimatorOutput(args: {
  estimatorId: EstimatorId;
  flame: FlameLayer;
  vertices: Float32Array;
  centre: [number, number, number];
  proj: OrthoProjection;
  photo: RgbPhoto;
  baseConfidence: number;
  params?: Record<string, ArrayLike<number>>;
  /** FLAME with identity only (no expression, jaw at rest), uncentred; default: `vertices`. */
  identityVertices?: Float32Array;
  /** The photo's camera intrinsics where known (EstimatorInput.camera); else the fallback focal. */
  intrinsics?: Intrinsics;
}): EstimatorOutput {
  const { flame, vertices, centre, photo } = args;
  const positions = new Float32Array(vertices.length);
  for (let i = 0; i < vertices.length; i++) positions[i] = vertices[i]! - centre[i % 3]!;
  if (!(args.proj.pixelsPerMetre > 0) || !Number.isFinite(args.proj.pixelsPerMetre)) {
    throw new Error(
      `${args.estimatorId}: the network's camera scale is ${args.proj.pixelsPerMetre}; no usable camera`,
    );
  }
  const camera = pinholeFromOrtho(args.proj, photo.width, photo.height, args.intrinsics);
  const lmk3d = flame.landmarks(positions);
  const landmarks2d = new Float32Array((lmk3d.length / 3) * 2);
  for (let i = 0; i < lmk3d.length / 3; i++) {
    const [u, v] = projectPoint(camera, lmk3d[i * 3]!, lmk3d[i * 3 + 1]!, lmk3d[i * 3 + 2]!);
    landmarks2d[i * 2] = u;
    landmarks2d[i * 2 + 1] = v;
  }
  let inside = 0;
  let total = 0;
  for (let i = 0; i < positions.length; i += 3 * 17) {
    const [u, v, z] = projectPoint(camera, positions[i]!, positions[i + 1]!, positions[i + 2]!);
    total++;
    if (z > 0 && u >= 0 && v >= 0 && u < photo.width && v < photo.height) inside++;
  }
  return {
    mesh: { positions, indices: flame.faces.slice() },
    camera,
    landmarks2d,
    confidence: Math.max(0, Math.min(1, args.baseConfidence * (total ? inside / total : 0))),
    estimatorId: args.estimatorId,
    ...registrationTargets(flame, positions, args.identityVertices),
    ...(args.params
      ? { params: Object.fromEntries(Object.entries(args.params).map(([k, v]) => [k, Array.from(v)])) }
      : {}),
  };
}
