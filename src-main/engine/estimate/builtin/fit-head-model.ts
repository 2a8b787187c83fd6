/**
 * The built-in estimator's fit: the head model's shape, pose and pinhole camera from 468 MediaPipe
 * landmarks. Similarity Procrustes (weak perspective) gives the start; Levenberg–Marquardt on full
 * perspective then fits rotation, translation, focal length, a depth offset and the shape
 * coefficients, with Huber weights (glasses, hands, hair over the face) and only the landmarks the
 * model says face the camera (3/4 and profile views). Finally the residual per landmark becomes a
 * smooth per-vertex face detail, so the mesh lands on the photo's landmarks.
 */
import type { PinholeCamera } from '../../geometry/camera';
import { multiply3, rotationFromVector, toCamera } from '../../geometry/camera';
import { computeVertexNormals } from '../../geometry/textured-mesh';
import { modelLandmarks, shapedPositions, type HeadModel } from '../../geometry/head-model';
import { StageError } from '../../stage-error';
import { applyLandmarkDetail, mirrorWhereSeenBetter } from './landmark-detail';
import { EXPRESSION_LANDMARKS } from '../landmarks/expression-landmarks';
import { similarityProcrustes, solveDense } from '../../geometry/linear-algebra';

export interface FitInput {
  /** 468 (or more: iris points are ignored) × 3: x, y photo pixels, z pixel-scale depth (MediaPipe: smaller = closer). */
  landmarks: Float32Array;
  imageWidth: number;
  imageHeight: number;
  /** Person mask (255 = person), photo-sized or any size (sampled proportionally). */
  mask?: { data: Uint8Array; width: number; height: number };
  /** 'neutral': lips and eyelids keep the model's rest shape (mouth closed, eyes open). Default 'photo'. */
  expression?: 'neutral' | 'photo';
}

export interface FitResult {
  /** Fitted mesh in the model's topology, metres, canonical frame (+Y up, face +Z, head centre origin). */
  positions: Float32Array;
  camera: PinholeCamera;
  /** Shape coefficients, one per model.shapeComponents (≈ standard deviations). */
  shape: number[];
  /** Head rotation relative to facing the camera, degrees: yaw > 0 turns the face to the image's right, pitch > 0 looks down, roll > 0 tilts counter-clockwise in the image. */
  pose: { yaw: number; pitch: number; roll: number };
  /** x, y per landmark (468): the fitted mesh's landmarks projected into the photo. */
  landmarks2d: Float32Array;
  /** 1 where the landmark faces the camera on the fitted head (used in the fit), else 0. */
  visible: Uint8Array;
  /** Median distance, over visible landmarks, between projected model landmarks and detections. */
  reprojectionError: { medianPx: number; medianFractionOfFaceBox: number; shapeOnlyMedianPx: number };
  /**
   * 0–1: exp(−(e/0.04)²) of the shape-only median error e (fraction of the face box) × visible
   * fraction (saturating at 50 %) × share of landmarks the robust loss kept (0.5 + 0.5·share) ×
   * exp(−max(0, rms shape − 1.5)) (an implausible shape lowers it).
   */
  confidence: number;
  /** The face box the errors are relative to: the larger side of the landmarks' bounding box, px. */
  faceBoxPx: number;
}

const N = 468;
const HUBER_K = 2; // in units of the 2D noise (1 % of the face box)
const DEPTH_SIGMA = 0.05; // MediaPipe depth is trusted much less than x, y
const SHAPE_PRIOR = 4; // weight of the N(0, 1) prior on each coefficient
const FOCAL_LOG_SIGMA = 0.35;
/**
 * A turned face's landmarks barely constrain perspective: left free, the focal length shrinks with the
 * turn (the far side's foreshortening read as a close, wide-angle camera) and the head with it — on
 * renders of a known head, 0.84 of its true size at 50° yaw. From TURNED_FROM_DEG to TURNED_FULL_DEG of
 * starting yaw the prior tightens to TURNED_FOCAL_LOG_SIGMA; frontal fits are unchanged.
 */
const TURNED_FOCAL_LOG_SIGMA = 0.05;
const TURNED_FROM_DEG = 15;
const TURNED_FULL_DEG = 45;
const PRIOR_DISTANCE_M = 0.9; // focal prior: a portrait taken from about this far
const R_FRONT = [1, 0, 0, 0, -1, 0, 0, 0, -1]; // world → camera for a face looking straight at the camera

export function fitHeadModel(input: FitInput, model: HeadModel): FitResult {
  const { landmarks, imageWidth: W, imageHeight: H } = input;
  if (landmarks.length < N * 3)
    throw new StageError('no-face', 'Too few face landmarks to fit the head model.');
  const K = model.shapeComponents.length;
  const obs = landmarks.subarray(0, N * 3);
  let minX = Infinity,
    minY = Infinity,
    maxX = -Infinity,
    maxY = -Infinity;
  for (let i = 0; i < N; i++) {
    minX = Math.min(minX, obs[i * 3]!);
    maxX = Math.max(maxX, obs[i * 3]!);
    minY = Math.min(minY, obs[i * 3 + 1]!);
    maxY = Math.max(maxY, obs[i * 3 + 1]!);
  }
  const faceBox = Math.max(maxX - minX, maxY - minY, 1);
  const sigma2d = 0.01 * faceBox;
  const maskWeight = landmarkMaskWeights(input);

  // Model landmarks as mean + basis (per landmark 3 rows × K), and their normals on the mean shape.
  const L0 = modelLandmarks(model, model.positions);
  const B = new Float64Array(N * 3 * K);
  for (let k = 0; k < K; k++) {
    const basis = model.shapeBasis.subarray(k * model.vertexCount * 3, (k + 1) * model.vertexCount * 3);
    const lk = modelLandmarks(model, basis as Float32Array);
    for (let i = 0; i < N * 3; i++) B[i * K + k] = lk[i]!;
  }
  const normals = modelLandmarks(model, computeVertexNormals(model.positions, model.triangles));

  // 1. Weak-perspective start: similarity from model landmarks to (x, y, z) pixels.
  const ones = new Float64Array(N).fill(1);
  let init = similarityProcrustes(L0, obs, ones);
  let visible = visibility(init.R, normals, null);
  init = similarityProcrustes(
    L0,
    obs,
    Float64Array.from(visible, (v, i) => v * maskWeight[i]!),
  );
  visible = visibility(init.R, normals, null);
  const cx = W / 2;
  const cy = H / 2;
  let f = clamp(init.s * PRIOR_DISTANCE_M, 0.5 * Math.max(W, H), 10 * Math.max(W, H));
  const f0 = f;
  const focalLogSigma = focalPriorSigma(Math.abs(poseAngles(init.R).yaw));
  let R = init.R;
  const tz = f / init.s;
  let t = [((init.t[0]! - cx) * tz) / f, ((init.t[1]! - cy) * tz) / f, tz];
  // init.t is where the model origin lands in pixel space; with depth tz its camera point is t.
  let depthOffset = init.t[2]!;
  const shape = new Float64Array(K);

  // 2. Levenberg–Marquardt on perspective reprojection (+ weak depth, priors), IRLS Huber weights.
  const P = 8 + K;
  const X = new Float64Array(N * 3);
  const robust = new Float64Array(N).fill(1);
  const evaluate = (Rm: number[], tv: number[], fv: number, dz: number, s: Float64Array, wantJ: boolean) => {
    let cost = 0;
    const JtJ = wantJ ? new Float64Array(P * P) : null;
    const Jtr = wantJ ? new Float64Array(P) : null;
    const row = new Float64Array(P);
    const addRow = (r: number, w: number) => {
      cost += w * r * r;
      if (!JtJ || !Jtr) return;
      for (let a = 0; a < P; a++) {
        const ra = row[a]!;
        if (ra === 0) continue;
        Jtr[a] = Jtr[a]! + w * ra * r;
        for (let b = a; b < P; b++) JtJ[a * P + b] = JtJ[a * P + b]! + w * ra * row[b]!;
      }
    };
    for (let i = 0; i < N; i++) {
      for (let c = 0; c < 3; c++) {
        let v = L0[i * 3 + c]!;
        for (let k = 0; k < K; k++) v += B[(i * 3 + c) * K + k]! * s[k]!;
        X[i * 3 + c] = v;
      }
      if (!visible[i]) continue;
      const w0 = robust[i]! * maskWeight[i]!;
      const x = X[i * 3]!,
        y = X[i * 3 + 1]!,
        z = X[i * 3 + 2]!;
      const rx = Rm[0]! * x + Rm[1]! * y + Rm[2]! * z;
      const ry = Rm[3]! * x + Rm[4]! * y + Rm[5]! * z;
      const rz = Rm[6]! * x + Rm[7]! * y + Rm[8]! * z;
      const Xc = rx + tv[0]!,
        Yc = ry + tv[1]!,
        Zc = rz + tv[2]!;
      const u = (fv * Xc) / Zc + cx;
      const v = (fv * Yc) / Zc + cy;
      const iz = 1 / Zc;
      for (let e = 0; e < 2; e++) {
        // Image-coordinate gradient wrt the camera point: (g0, g1, g2).
        const g0 = e === 0 ? fv * iz : 0;
        const g1 = e === 0 ? 0 : fv * iz;
        const g2 = -fv * (e === 0 ? Xc : Yc) * iz * iz;
        // d(Xc)/dω = −[R·X]×, so dot(g, d(Xc)/dω) = (R·X) × g.
        row[0] = (ry * g2 - rz * g1) / sigma2d;
        row[1] = (rz * g0 - rx * g2) / sigma2d;
        row[2] = (rx * g1 - ry * g0) / sigma2d;
        row[3] = g0 / sigma2d;
        row[4] = g1 / sigma2d;
        row[5] = g2 / sigma2d;
        row[6] = (e === 0 ? u - cx : v - cy) / sigma2d;
        row[7] = 0;
        for (let k = 0; k < K; k++) {
          const b0 = B[i * 3 * K + k]!,
            b1 = B[(i * 3 + 1) * K + k]!,
            b2 = B[(i * 3 + 2) * K + k]!;
          row[8 + k] =
            (g0 * (Rm[0]! * b0 + Rm[1]! * b1 + Rm[2]! * b2) +
              g1 * (Rm[3]! * b0 + Rm[4]! * b1 + Rm[5]! * b2) +
              g2 * (Rm[6]! * b0 + Rm[7]! * b1 + Rm[8]! * b2)) /
            sigma2d;
        }
        addRow(((e === 0 ? u : v) - obs[i * 3 + e]!) / sigma2d, w0);
      }
      // Weak depth: f·(Zc − tz)/tz against the detection's z (up to the offset dz).
      const sz = DEPTH_SIGMA * faceBox;
      const zp = (fv * (Zc - tv[2]!)) / tv[2]!;
      const gz = fv / tv[2]!;
      row[0] = (gz * ry) / sz;
      row[1] = (-gz * rx) / sz;
      row[2] = 0;
      row[3] = 0;
      row[4] = 0;
      row[5] = (-fv * rz) / (tv[2]! * tv[2]!) / sz;
      row[6] = zp / sz;
      row[7] = 1 / sz;
      for (let k = 0; k < K; k++) {
        row[8 + k] =
          (gz *
            (Rm[6]! * B[i * 3 * K + k]! +
              Rm[7]! * B[(i * 3 + 1) * K + k]! +
              Rm[8]! * B[(i * 3 + 2) * K + k]!)) /
          sz;
      }
      addRow((zp - (obs[i * 3 + 2]! - dz)) / sz, w0);
    }
    row.fill(0);
    row[6] = 1 / focalLogSigma;
    addRow(Math.log(fv / f0) / focalLogSigma, 1);
    for (let k = 0; k < K; k++) {
      row.fill(0);
      row[8 + k] = Math.sqrt(SHAPE_PRIOR);
      addRow(Math.sqrt(SHAPE_PRIOR) * s[k]!, 1);
    }
    if (JtJ) for (let a = 0; a < P; a++) for (let b = 0; b < a; b++) JtJ[a * P + b] = JtJ[b * P + a]!;
    return { cost, JtJ, Jtr };
  };

  for (let round = 0; round < 3; round++) {
    let mu = 1e-3;
    for (let iter = 0; iter < 10; iter++) {
      const { cost, JtJ, Jtr } = evaluate(R, t, f, depthOffset, shape, true);
      let improved = false;
      for (let attempt = 0; attempt < 6 && !improved; attempt++) {
        const A = Float64Array.from(JtJ!);
        for (let a = 0; a < P; a++) A[a * P + a] = A[a * P + a]! * (1 + mu) + 1e-9;
        const delta = solveDense(
          A,
          Jtr!.map((g) => -g),
          P,
        );
        const R2 = multiply3(rotationFromVector([delta[0]!, delta[1]!, delta[2]!]), R);
        const t2 = [t[0]! + delta[3]!, t[1]! + delta[4]!, Math.max(0.05, t[2]! + delta[5]!)];
        const f2 = clamp(f * Math.exp(delta[6]!), 0.3 * Math.max(W, H), 20 * Math.max(W, H));
        const s2 = shape.map((c, k) => clamp(c + delta[8 + k]!, -3, 3));
        const trial = evaluate(R2, t2, f2, depthOffset + delta[7]!, s2, false);
        if (trial.cost < cost) {
          R = R2;
          t = t2;
          f = f2;
          depthOffset += delta[7]!;
          shape.set(s2);
          mu = Math.max(mu / 3, 1e-7);
          improved = true;
          if (cost - trial.cost < 1e-6 * cost) iter = 99;
        } else mu *= 4;
      }
      if (!improved) break;
    }
    // Re-weight: Huber on the 2D residual, and visibility from the current pose.
    evaluate(R, t, f, depthOffset, shape, false);
    const cam = { R, t, f };
    visible = visibility(R, normals, cam, X);
    for (let i = 0; i < N; i++) {
      const [u, v] = projectWith(cam, X, i, cx, cy);
      const e = Math.hypot(u - obs[i * 3]!, v - obs[i * 3 + 1]!) / sigma2d;
      robust[i] = e <= HUBER_K ? 1 : HUBER_K / e;
    }
  }

  const camera: PinholeCamera = { fx: f, fy: f, cx, cy, R, t, width: W, height: H };
  const shapeOnly = shapedPositions(model, shape);
  const shapeOnlyMedian = medianError(model, shapeOnly, camera, obs, visible);

  // 3. Face detail: move the landmarks onto their detections (in the image plane, and half-way in depth).
  const positions = Float32Array.from(shapeOnly);
  const facing = landmarkFacing(R, normals, { R, t, f }, X);
  const detailLandmarks =
    input.expression === 'neutral' ? visible.map((v, i) => (EXPRESSION_LANDMARKS.has(i) ? 0 : v)) : visible;
  for (let pass = 0; pass < 2; pass++) {
    const lm = modelLandmarks(model, positions);
    const offsets = new Float32Array(N * 3);
    for (let i = 0; i < N; i++) {
      if (!visible[i]) continue;
      const [Xc, Yc, Zc] = toCamera(camera, lm[i * 3]!, lm[i * 3 + 1]!, lm[i * 3 + 2]!);
      const zObs = ((obs[i * 3 + 2]! - depthOffset) * t[2]!) / f + t[2]!;
      const dz = pass === 0 ? clamp(0.5 * (zObs - Zc), -0.006, 0.006) : 0;
      const target = [((obs[i * 3]! - cx) * Zc) / f, ((obs[i * 3 + 1]! - cy) * Zc) / f, Zc + dz];
      const dc = [target[0]! - Xc, target[1]! - Yc, target[2]! - Zc];
      // Back to the model frame (Rᵀ), capped: a landmark far off is an outlier, not detail.
      const cap = 0.012 * robust[i]!;
      for (let a = 0; a < 3; a++) {
        const d = R[a]! * dc[0]! + R[3 + a]! * dc[1]! + R[6 + a]! * dc[2]!;
        offsets[i * 3 + a] = clamp(d, -cap, cap);
      }
    }
    applyLandmarkDetail(
      model,
      positions,
      mirrorWhereSeenBetter(model.landmarkMirror, offsets, facing),
      detailLandmarks,
    );
  }

  const finalLandmarks = modelLandmarks(model, positions);
  const landmarks2d = new Float32Array(N * 2);
  const errors: number[] = [];
  for (let i = 0; i < N; i++) {
    const [u, v] = projectWith({ R, t, f }, finalLandmarks, i, cx, cy);
    landmarks2d[i * 2] = u;
    landmarks2d[i * 2 + 1] = v;
    if (visible[i]) errors.push(Math.hypot(u - obs[i * 3]!, v - obs[i * 3 + 1]!));
  }
  const medianPx = median(errors);
  let visibleCount = 0;
  let inliers = 0;
  for (let i = 0; i < N; i++) {
    if (!visible[i]) continue;
    visibleCount++;
    if (robust[i]! >= 1) inliers++;
  }
  const rmsShape = Math.sqrt(shape.reduce((s, c) => s + c * c, 0) / Math.max(K, 1));
  const confidence =
    Math.exp(-((shapeOnlyMedian / faceBox / 0.04) ** 2)) *
    Math.min(1, visibleCount / N / 0.5) *
    (0.5 + (0.5 * inliers) / Math.max(visibleCount, 1)) *
    Math.exp(-Math.max(0, rmsShape - 1.5));
  return {
    positions,
    camera,
    shape: Array.from(shape),
    pose: poseAngles(R),
    landmarks2d,
    visible,
    reprojectionError: {
      medianPx,
      medianFractionOfFaceBox: medianPx / faceBox,
      shapeOnlyMedianPx: shapeOnlyMedian,
    },
    confidence: clamp(confidence, 0, 1),
    faceBoxPx: faceBox,
  };
}

/** The focal prior's width (log units) for a face that starts |yaw| degrees from facing the camera. */
function focalPriorSigma(absYawDeg: number): number {
  const turned = clamp((absYawDeg - TURNED_FROM_DEG) / (TURNED_FULL_DEG - TURNED_FROM_DEG), 0, 1);
  return Math.exp((1 - turned) * Math.log(FOCAL_LOG_SIGMA) + turned * Math.log(TURNED_FOCAL_LOG_SIGMA));
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function projectWith(
  cam: { R: number[]; t: number[]; f: number },
  pts: ArrayLike<number>,
  i: number,
  cx: number,
  cy: number,
): [number, number] {
  const x = pts[i * 3]!,
    y = pts[i * 3 + 1]!,
    z = pts[i * 3 + 2]!;
  const R = cam.R;
  const Xc = R[0]! * x + R[1]! * y + R[2]! * z + cam.t[0]!;
  const Yc = R[3]! * x + R[4]! * y + R[5]! * z + cam.t[1]!;
  const Zc = R[6]! * x + R[7]! * y + R[8]! * z + cam.t[2]!;
  return [(cam.f * Xc) / Zc + cx, (cam.f * Yc) / Zc + cy];
}

function medianError(
  model: HeadModel,
  positions: Float32Array,
  camera: PinholeCamera,
  obs: Float32Array,
  visible: Uint8Array,
): number {
  const lm = modelLandmarks(model, positions);
  const errors: number[] = [];
  for (let i = 0; i < N; i++) {
    if (!visible[i]) continue;
    const [u, v] = projectWith({ R: camera.R, t: camera.t, f: camera.fx }, lm, i, camera.cx, camera.cy);
    errors.push(Math.hypot(u - obs[i * 3]!, v - obs[i * 3 + 1]!));
  }
  return median(errors);
}

/**
 * A landmark counts as visible when its surface normal faces the camera (self-occlusion for 3/4 and
 * profile views; the detector invents the hidden side). Without a camera: orthographic along +z.
 */
function visibility(
  R: number[],
  normals: Float32Array,
  cam: { R: number[]; t: number[]; f: number } | null,
  pts?: Float64Array,
): Uint8Array {
  return Uint8Array.from(landmarkFacing(R, normals, cam, pts), (facing) => (facing > 0.12 ? 1 : 0));
}

/** Per landmark, the cosine between its normal and the ray back to the camera (1: seen head-on). */
function landmarkFacing(
  R: number[],
  normals: Float32Array,
  cam: { R: number[]; t: number[]; f: number } | null,
  pts?: Float64Array,
): Float32Array {
  const out = new Float32Array(N);
  for (let i = 0; i < N; i++) {
    const nx = normals[i * 3]!,
      ny = normals[i * 3 + 1]!,
      nz = normals[i * 3 + 2]!;
    const cn = [
      R[0]! * nx + R[1]! * ny + R[2]! * nz,
      R[3]! * nx + R[4]! * ny + R[5]! * nz,
      R[6]! * nx + R[7]! * ny + R[8]! * nz,
    ];
    let ray = [0, 0, 1];
    if (cam && pts) {
      const x = pts[i * 3]!,
        y = pts[i * 3 + 1]!,
        z = pts[i * 3 + 2]!;
      ray = [0, 1, 2].map((a) => R[a * 3]! * x + R[a * 3 + 1]! * y + R[a * 3 + 2]! * z + cam.t[a]!);
      const l = Math.hypot(ray[0]!, ray[1]!, ray[2]!);
      ray = ray.map((c) => c / l);
    }
    out[i] =
      -(cn[0]! * ray[0]! + cn[1]! * ray[1]! + cn[2]! * ray[2]!) / (Math.hypot(cn[0]!, cn[1]!, cn[2]!) || 1);
  }
  return out;
}

/** Mask value (0.2–1) at each landmark: landmarks on pixels the person mask rejects count less. */
function landmarkMaskWeights(input: FitInput): Float64Array {
  const w = new Float64Array(N).fill(1);
  const m = input.mask;
  if (!m) return w;
  for (let i = 0; i < N; i++) {
    const x = Math.floor((input.landmarks[i * 3]! / input.imageWidth) * m.width);
    const y = Math.floor((input.landmarks[i * 3 + 1]! / input.imageHeight) * m.height);
    const inside = x >= 0 && y >= 0 && x < m.width && y < m.height ? m.data[y * m.width + x]! / 255 : 0;
    w[i] = 0.2 + 0.8 * inside;
  }
  return w;
}

/** Yaw/pitch/roll (degrees) of the head relative to facing the camera: R = R_front · Ry(yaw)·Rx(pitch)·Rz(roll). */
export function poseAngles(R: number[]): { yaw: number; pitch: number; roll: number } {
  const h = multiply3(R_FRONT, R); // R_front is its own inverse
  const deg = 180 / Math.PI;
  return {
    yaw: Math.atan2(h[2]!, h[8]!) * deg,
    pitch: Math.asin(clamp(-h[5]!, -1, 1)) * deg,
    roll: Math.atan2(h[3]!, h[4]!) * deg,
  };
}
