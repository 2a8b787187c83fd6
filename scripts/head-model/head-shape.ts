/**
 * The analytic average head the model is shaped to: a piecewise ellipsoid cranium (adult averages:
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

/** Radius of the plain cranium along a unit direction (ellipsoid with different semi-axes per octant). */
export function baseRadius([x, y, z]: Vec3): number {
  const ay = y >= 0 ? HEAD.top : z >= 0 ? HEAD.bottomFront : HEAD.bottomBack;
  const az = z >= 0 ? HEAD.front : HEAD.back;
  return 1 / Math.sqrt((x / HEAD.halfWidth) ** 2 + (y / ay) ** 2 + (z / az) ** 2);
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
