/**
 * The analytic average head the model is shaped to: a superquadric cranium (adult averages:
 * width 155 mm, length 195 mm, chin–vertex 230 mm) whose front is pulled through the measured
 * canonical face by a radial offset field interpolated over view directions (Gaussian RBF), fading
 * to zero away from the face.
 */
import { solveSpdInPlace } from '../../src-main/engine/geometry/linear-algebra';

export type Vec3 = [number, number, number];

/** Where the face sits in the head frame (metres): the chin 115 mm below centre, glabella 94 mm in front. */
export const HEAD = {
  halfWidth: 0.0775,
  top: 0.115,
  bottomFront: 0.118,
  bottomBack: 0.092,
  front: 0.09,
  back: 0.101,
  chinY: -0.115,
  glabellaZ: 0.094,
  /** MediaPipe's depths run deeper than anthropometry (nose tip–tragus ~0.11 m); scale them. */
  faceDepthScale: 0.75,
  /**
   * The sample photo's face frame (forehead–chin line vertical) leaves the face looking ~15° up: its
   * tragus landmark (234) sits 3.4 cm below the eye corners where an upright head has ~1.5–2 cm.
   * Tilting the face down by this much makes the near-Frankfort line level.
   */
  facePitchDeg: 15,
};

/** Canonical face points (face frame, metres) placed into the head frame. */
export function placeFace(points: Vec3[]): Vec3[] {
  const a = (HEAD.facePitchDeg * Math.PI) / 180;
  // Rx(a): +Z (the face's forward) turns towards −Y (looking down).
  const tilted = points.map(([x, y, z]): Vec3 => {
    const zs = z * HEAD.faceDepthScale;
    return [x, y * Math.cos(a) - zs * Math.sin(a), y * Math.sin(a) + zs * Math.cos(a)];
  });
  const dy = HEAD.chinY - tilted[152]![1];
  const dz = HEAD.glabellaZ - tilted[9]![2];
  return tilted.map(([x, y, z]) => [x, y + dy, z + dz]);
}

/**
 * Points (left side; mirrored for the right) that shape what the face landmarks do not cover: the
 * underside of the chin and jaw, running back to the throat.
 */
export const JAW_GUIDES: Vec3[] = [
  [0, -0.117, 0.066],
  [0.025, -0.113, 0.06],
  [0, -0.113, 0.045],
  [0.03, -0.107, 0.045],
  [0.045, -0.1, 0.038],
  [0.045, -0.095, 0.02],
  [0.056, -0.085, 0.008],
];

/**
 * The cranium: a superquadric with different semi-axes per half-space, centred above and behind the
 * origin, so it is widest at the parietal level (3–4 cm above the eyes) as a skull is. Exponents
 * above 2 make its top broad and round in the front view instead of pointed (an ellipse 155 mm
 * wide and 230 mm tall reads as an egg); the horizontal section stays near an ellipse.
 */
export const CRANIUM = {
  centreY: 0.018,
  centreZ: -0.008,
  halfWidth: HEAD.halfWidth,
  /** Above the centre: up to the vertex (115 mm above the origin). */
  up: HEAD.top - 0.018,
  /** Below the centre, in front (under the face) and behind (down to the nape). */
  downFront: HEAD.bottomFront + 0.018,
  downBack: HEAD.bottomBack + 0.018,
  forward: HEAD.front + 0.008,
  backward: HEAD.back - 0.008,
  /** Horizontal-section exponent, top and bottom vertical exponents. */
  horizontalExp: 2.15,
  topExp: 2.6,
  bottomExp: 2,
};

/** Implicit cranium function: < 1 inside, 1 on the surface. */
function craniumLevel(x: number, y: number, z: number): number {
  const c = CRANIUM;
  const dz = z - c.centreZ;
  const dy = y - c.centreY;
  const p = c.horizontalExp;
  const h =
    (Math.abs(x / c.halfWidth) ** p + Math.abs(dz / (dz >= 0 ? c.forward : c.backward)) ** p) ** (1 / p);
  const q = dy >= 0 ? c.topExp : c.bottomExp;
  // Below the centre the semi-axis runs smoothly from the nape (behind) to under the face (in front).
  const t = Math.min(1, Math.max(0, (dz + 0.03) / 0.06));
  const ay = dy >= 0 ? c.up : c.downBack + (c.downFront - c.downBack) * t * t * (3 - 2 * t);
  // The vertical exponent applies to the horizontal "radius" too, so the halves meet at dy = 0.
  return (h ** q + Math.abs(dy / ay) ** q) ** (1 / q);
}

/** Radius of the plain cranium along a unit direction from the origin (bisection; it is convex). */
export function baseRadius([x, y, z]: Vec3): number {
  let lo = 0;
  let hi = 0.3;
  for (let i = 0; i < 48; i++) {
    const r = (lo + hi) / 2;
    if (craniumLevel(x * r, y * r, z * r) < 1) lo = r;
    else hi = r;
  }
  return (lo + hi) / 2;
}

export function normalize(v: Vec3): Vec3 {
  const l = Math.hypot(v[0], v[1], v[2]);
  return [v[0] / l, v[1] / l, v[2] / l];
}

/**
 * A smooth radial offset over directions that passes (nearly) through `deltas` at `dirs` and is
 * pinned to zero at directions far from all of them (mirrored pairs, so it stays symmetric).
 */
export function radialOffsetField(
  dirs: Vec3[],
  deltas: number[],
  sigma = 0.09,
  ridge = 0.02,
): (d: Vec3) => number {
  const anchors: Vec3[] = [];
  const count = 600;
  for (let i = 0; i < count; i++) {
    // Fibonacci sphere, each point with its mirror image so the field stays left/right symmetric.
    const y = 1 - (2 * (i + 0.5)) / count;
    const r = Math.sqrt(1 - y * y);
    const phi = i * Math.PI * (3 - Math.sqrt(5));
    const p: Vec3 = [Math.cos(phi) * r, y, Math.sin(phi) * r];
    const near = Math.min(...dirs.map((d) => Math.hypot(d[0] - p[0], d[1] - p[1], d[2] - p[2])));
    if (near > 0.28) anchors.push(p, [-p[0], p[1], p[2]]);
  }
  const centres = [...dirs, ...anchors];
  const values = [...deltas, ...anchors.map(() => 0)];
  const n = centres.length;
  const k = (a: Vec3, b: Vec3) =>
    Math.exp(-((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2 + (a[2] - b[2]) ** 2) / (2 * sigma * sigma));
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) a[i * n + j] = k(centres[i]!, centres[j]!) + (i === j ? ridge : 0);
  const w = Float64Array.from(values);
  solveSpdInPlace(a, [w], n, 'throw');
  return (d) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += w[i]! * k(d, centres[i]!);
    return s;
  };
}
