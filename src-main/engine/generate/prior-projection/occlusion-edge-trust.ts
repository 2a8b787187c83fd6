/**
 * Trust of photo pixels near the fitted head's occluding contours. The fitted mesh is never exactly
 * the person: on a turned face its nose ridge, forehead and cheek line miss the photo's by a few
 * pixels, and a surface point projected there picks up the background, the other side of the nose
 * or whatever the mask let through beside the face (a camera held to the eye). The view angle does
 * not see this: a nose ridge is a contour at any yaw although its cos stays ~0.5. So every pixel
 * within a few millimetres (on the head, at its distance) of a depth discontinuity of the fitted
 * mesh — on both sides of it — is trusted less, and the mirror or the synthesis takes those texels.
 */
import type { PinholeCamera } from '../../geometry/camera';
import { smoothstep } from './skin-colour-model';

/** Distance from a contour (on the head, metres) over which trust rises from 0 to 1. */
export const CONTOUR_FADE_M: readonly [number, number] = [0.002, 0.009];
/**
 * A depth step between neighbouring pixels counts as a contour when it exceeds this many pixel
 * footprints (a surface at ~80° to the view; the face's own slopes stay below it).
 */
const CONTOUR_STEP_FOOTPRINTS = 6;

/**
 * Per photo pixel 0..1: how far a photo colour there can be trusted for the fitted surface (1 away
 * from every contour and off the head).
 * @param depth camera depth per photo pixel (+Infinity off the mesh), the native renderer's.
 */
export function occlusionEdgeTrust(
  depth: Float32Array,
  width: number,
  height: number,
  camera: PinholeCamera,
): Float32Array {
  const n = width * height;
  const focal = Math.max(1e-6, camera.fx);
  const distanceM = Math.max(0.05, Math.hypot(camera.t[0]!, camera.t[1]!, camera.t[2]!));
  const pixelM = distanceM / focal;
  const contour = (p: number, q: number): boolean => {
    const a = depth[p]!,
      b = depth[q]!;
    const fa = Number.isFinite(a),
      fb = Number.isFinite(b);
    if (fa !== fb) return true;
    if (!fa) return false;
    return Math.abs(a - b) > (CONTOUR_STEP_FOOTPRINTS * Math.min(a, b)) / focal;
  };
  // Pixels on a contour (both sides of each step), then their distance by a two-pass chamfer.
  const far = 1e9;
  const dist = new Float32Array(n).fill(far);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      if (x + 1 < width && contour(p, p + 1)) dist[p] = dist[p + 1] = 0;
      if (y + 1 < height && contour(p, p + width)) dist[p] = dist[p + width] = 0;
    }
  }
  chamferDistance(dist, width, height);
  const [from, to] = CONTOUR_FADE_M;
  const trust = new Float32Array(n);
  for (let p = 0; p < n; p++) trust[p] = smoothstep(from, to, dist[p]! * pixelM);
  return trust;
}

/** In-place chamfer distance (1, √2) (in pixels) from the zero pixels. */
function chamferDistance(d: Float32Array, width: number, height: number): void {
  const a = 1,
    b = Math.SQRT2;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      let v = d[p]!;
      if (x > 0) v = Math.min(v, d[p - 1]! + a);
      if (y > 0) {
        v = Math.min(v, d[p - width]! + a);
        if (x > 0) v = Math.min(v, d[p - width - 1]! + b);
        if (x + 1 < width) v = Math.min(v, d[p - width + 1]! + b);
      }
      d[p] = v;
    }
  }
  for (let y = height - 1; y >= 0; y--) {
    for (let x = width - 1; x >= 0; x--) {
      const p = y * width + x;
      let v = d[p]!;
      if (x + 1 < width) v = Math.min(v, d[p + 1]! + a);
      if (y + 1 < height) {
        v = Math.min(v, d[p + width]! + a);
        if (x + 1 < width) v = Math.min(v, d[p + width + 1]! + b);
        if (x > 0) v = Math.min(v, d[p + width - 1]! + b);
      }
      d[p] = v;
    }
  }
}
