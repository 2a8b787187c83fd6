/**
 * The volume net's mesh inputs (docs/multiview-diffusion.md): the prior head's vertices in the volume
 * frame, and with `meshPhotoFeatures` each vertex's photo colour and visibility — where the fitted
 * camera projects it, if it passes the depth test; visibility = max(0, n·view direction).
 */
import { cameraCentre, projectPoint, type PinholeCamera } from '../../geometry/camera';
import { computeVertexNormals, meshBounds } from '../../geometry/textured-mesh';
import { sampleBilinear, type RgbaPixels } from '../../image/sample-bilinear';

/** The head frame's origin in the prior's coordinates: the centre of its bounding box. */
export function headFrameOrigin(positions: Float32Array): [number, number, number] {
  const { min, max } = meshBounds(positions);
  return [(min[0] + max[0]) / 2, (min[1] + max[1]) / 2, (min[2] + max[2]) / 2];
}

/** Vertices → volume frame: (p − origin) × headScale, N×3. */
export function toVolumeFrame(
  positions: Float32Array,
  origin: readonly number[],
  headScale: number,
): Float32Array {
  const out = new Float32Array(positions.length);
  for (let i = 0; i < positions.length; i += 3) {
    out[i] = (positions[i]! - origin[0]!) * headScale;
    out[i + 1] = (positions[i + 1]! - origin[1]!) * headScale;
    out[i + 2] = (positions[i + 2]! - origin[2]!) * headScale;
  }
  return out;
}

export interface MeshColourInput {
  /** Prior vertices in the camera's world frame (metres). */
  positions: Float32Array;
  /** Triangles over them (for the normals). */
  indices: Uint32Array;
  camera: PinholeCamera;
  /** The photo as RGBA, camera-sized. */
  photo: RgbaPixels;
  /** Camera depth of the nearest surface per photo pixel (+Infinity where none). */
  depth: Float32Array;
  /** A vertex counts as seen within this many metres behind the nearest surface. */
  depthToleranceM?: number;
}

/**
 * (r, g, b, visibility) per vertex, N×4: colour in 0–1 (the photo's sRGB values / 255), zeros where
 * the vertex is hidden, off the photo or facing away.
 */
export function meshPhotoColours(input: MeshColourInput): Float32Array {
  const { positions, camera, photo, depth } = input;
  const tolerance = input.depthToleranceM ?? 0.01;
  const normals = computeVertexNormals(positions, input.indices);
  const centre = cameraCentre(camera);
  const n = positions.length / 3;
  const out = new Float32Array(n * 4);
  const rgba = new Float32Array(4);
  for (let v = 0; v < n; v++) {
    const x = positions[v * 3]!;
    const y = positions[v * 3 + 1]!;
    const z = positions[v * 3 + 2]!;
    const [u, w, d] = projectPoint(camera, x, y, z);
    if (!(d > 0) || u < -0.5 || w < -0.5 || u > photo.width - 0.5 || w > photo.height - 0.5) continue;
    const px = Math.min(photo.width - 1, Math.max(0, Math.round(u)));
    const py = Math.min(photo.height - 1, Math.max(0, Math.round(w)));
    if (d > depth[py * photo.width + px]! + tolerance) continue;
    const dx = centre[0] - x;
    const dy = centre[1] - y;
    const dz = centre[2] - z;
    const len = Math.hypot(dx, dy, dz) || 1;
    const cos = (normals[v * 3]! * dx + normals[v * 3 + 1]! * dy + normals[v * 3 + 2]! * dz) / len;
    if (cos <= 0) continue;
    sampleBilinear(photo, u, w, rgba);
    out[v * 4] = rgba[0]! / 255;
    out[v * 4 + 1] = rgba[1]! / 255;
    out[v * 4 + 2] = rgba[2]! / 255;
    out[v * 4 + 3] = cos;
  }
  return out;
}

/** The input camera's elevation over the head (degrees; > 0 = above, looking down), for view embeddings. */
export function cameraElevationDeg(camera: PinholeCamera, origin: readonly number[]): number {
  const c = cameraCentre(camera);
  const dx = c[0] - origin[0]!;
  const dy = c[1] - origin[1]!;
  const dz = c[2] - origin[2]!;
  return (Math.asin(Math.max(-1, Math.min(1, dy / (Math.hypot(dx, dy, dz) || 1)))) * 180) / Math.PI;
}
