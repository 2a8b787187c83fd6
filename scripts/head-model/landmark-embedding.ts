/**
 * Landmark correspondence and symmetry of the head model: each MediaPipe-468 landmark as a point
 * on one model triangle (barycentric), and the left/right mirror image of every vertex.
 */
import type { Vec3 } from './head-shape';

/** Named groups of MediaPipe-468 indices (subject's right = −X, shown on the image's left). */
export const NAMED_LANDMARKS: Record<string, number[]> = {
  rightEyeOuter: [33],
  rightEyeInner: [133],
  leftEyeInner: [362],
  leftEyeOuter: [263],
  noseTip: [1],
  noseBridge: [6, 168, 197, 195, 5, 4],
  noseBottom: [2],
  noseWings: [98, 327],
  mouthRight: [61],
  mouthLeft: [291],
  upperLip: [0, 13],
  lowerLip: [14, 17],
  chin: [152],
  jawRight: [127, 234, 93, 132, 58, 172, 136, 150, 149, 176, 148],
  jawLeft: [356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377],
  browRight: [70, 63, 105, 66, 107],
  browLeft: [300, 293, 334, 296, 336],
  cheekRight: [205],
  cheekLeft: [425],
  forehead: [10, 151, 9],
  faceOval: [
    10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152, 148, 176,
    149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109,
  ],
};

/** For each vertex, the vertex at its mirror position (x → −x); throws if the mesh is not symmetric. */
export function mirrorMap(positions: Vec3[]): number[] {
  const key = (x: number, y: number, z: number) =>
    `${Math.round(x * 1e6)},${Math.round(y * 1e6)},${Math.round(z * 1e6)}`;
  const byKey = new Map<string, number>();
  positions.forEach(([x, y, z], v) => byKey.set(key(x, y, z), v));
  return positions.map(([x, y, z], v) => {
    let m = byKey.get(key(-x, y, z));
    if (m === undefined) {
      // Rounding can straddle a grid step: fall back to the nearest vertex.
      let best = Infinity;
      positions.forEach(([a, b, c], w) => {
        const d = (a + x) ** 2 + (b - y) ** 2 + (c - z) ** 2;
        if (d < best) {
          best = d;
          m = w;
        }
      });
      if (best > 1e-12) throw new Error(`vertex ${v} has no mirror image`);
    }
    return m!;
  });
}

/** Each landmark as the hit of the ray from the head centre through it, nearest to the landmark. */
export function embedLandmarks(
  positions: Vec3[],
  triangles: number[],
  landmarks: Vec3[],
): { triangle: number[]; bary: number[]; meanDistance: number } {
  const triangle: number[] = [];
  const bary: number[] = [];
  let total = 0;
  for (const l of landmarks) {
    const len = Math.hypot(...l);
    const d: Vec3 = [l[0] / len, l[1] / len, l[2] / len];
    let best = { err: Infinity, t: -1, b: [0, 0, 0] };
    for (let t = 0; t < triangles.length; t += 3) {
      const a = positions[triangles[t]!]!;
      const b = positions[triangles[t + 1]!]!;
      const c = positions[triangles[t + 2]!]!;
      const e1: Vec3 = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
      const e2: Vec3 = [c[0] - a[0], c[1] - a[1], c[2] - a[2]];
      const p: Vec3 = [d[1] * e2[2] - d[2] * e2[1], d[2] * e2[0] - d[0] * e2[2], d[0] * e2[1] - d[1] * e2[0]];
      const det = e1[0] * p[0] + e1[1] * p[1] + e1[2] * p[2];
      if (Math.abs(det) < 1e-14) continue;
      const s: Vec3 = [-a[0], -a[1], -a[2]];
      const u = (s[0] * p[0] + s[1] * p[1] + s[2] * p[2]) / det;
      if (u < -1e-9 || u > 1 + 1e-9) continue;
      const q: Vec3 = [s[1] * e1[2] - s[2] * e1[1], s[2] * e1[0] - s[0] * e1[2], s[0] * e1[1] - s[1] * e1[0]];
      const v = (d[0] * q[0] + d[1] * q[1] + d[2] * q[2]) / det;
      if (v < -1e-9 || u + v > 1 + 1e-9) continue;
      const dist = (e2[0] * q[0] + e2[1] * q[1] + e2[2] * q[2]) / det;
      if (dist <= 0) continue;
      const err = Math.abs(dist - len);
      if (err < best.err) best = { err, t: t / 3, b: [1 - u - v, u, v] };
    }
    if (best.t < 0) throw new Error('landmark ray missed the head');
    triangle.push(best.t);
    bary.push(...best.b);
    total += best.err;
  }
  return { triangle, bary, meanDistance: total / landmarks.length };
}
