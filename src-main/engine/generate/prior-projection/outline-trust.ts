/**
 * Trust of photo pixels near the fitted head's outline. The fitted mesh is never exactly the person:
 * on a turned face its nose ridge, forehead and cheek line — the outline then — miss the photo's by a
 * few pixels, and a surface point projected there picks up the background, or whatever the mask let
 * through beside the face (a camera held to the eye). The view angle does not see this: a nose ridge
 * is outline at 60° of yaw although its cos stays ~0.5. So every pixel within a few millimetres (on
 * the head, at its distance) of the outline, on both sides of it, is trusted less, and the mirror or
 * the synthesis takes those texels.
 *
 * Only the outline (mesh against nothing), not the mesh's self-occlusions (chin over neck, nose over
 * cheek): fading those too cost the frontal astronaut's face 2.0 → 3.4/255 (face-oval error, SSIM
 * 0.994 → 0.984) for little gain on the turned cameraman; the outline alone costs 2.0 → 2.3 (0.992).
 */
import { chamferDistance } from '../../image/chamfer-distance';
import type { PinholeCamera } from '../../geometry/camera';
import { smoothstep } from '../../geometry/smoothstep';

/** Distance from the outline (on the head, metres) over which trust rises from 0 to 1. */
export const OUTLINE_FADE_M: readonly [number, number] = [0.002, 0.009];

/**
 * Per photo pixel 0..1: how far a photo colour there can be trusted for the fitted surface (1 away
 * from the outline, on the head and off it).
 * @param depth camera depth per photo pixel (+Infinity off the mesh), the native renderer's.
 */
export function outlineTrust(
  depth: Float32Array,
  width: number,
  height: number,
  camera: PinholeCamera,
): Float32Array {
  const n = width * height;
  const distanceM = Math.max(0.05, Math.hypot(camera.t[0]!, camera.t[1]!, camera.t[2]!));
  const pixelM = distanceM / Math.max(1e-6, camera.fx);
  const onMesh = (p: number) => Number.isFinite(depth[p]!);
  // Pixels on the outline (both sides of it), then their distance by a two-pass chamfer.
  const dist = new Float32Array(n).fill(1e9);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      if (x + 1 < width && onMesh(p) !== onMesh(p + 1)) dist[p] = dist[p + 1] = 0;
      if (y + 1 < height && onMesh(p) !== onMesh(p + width)) dist[p] = dist[p + width] = 0;
    }
  }
  chamferDistance(dist, width, height);
  const [from, to] = OUTLINE_FADE_M;
  const trust = new Float32Array(n);
  for (let p = 0; p < n; p++) trust[p] = smoothstep(from, to, dist[p]! * pixelM);
  return trust;
}
