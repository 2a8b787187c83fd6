import sharp from 'sharp';
import type { TexturedMesh } from '../geometry/textured-mesh';

/**
 * The landmark face mesh: the 468 detected landmarks as vertices of MediaPipe's face triangulation,
 * in metres and the engine's axes, textured with a square crop of the photo around the face.
 * It is the quick, always-available face surface (overlay, preview, prior seed); it is shaped by the
 * photo's weak-perspective view, so it carries the head's pose as photographed.
 */

export interface FaceLandmarks {
  /** count × 3: x, y photo pixels, z same scale, MediaPipe convention (smaller z = closer). */
  landmarks: Float32Array;
  count: number;
}

export interface PhotoPng {
  png: Buffer;
  width: number;
  height: number;
}

/** MediaPipe indices: outer eye corners (exocanthion) of the subject's right and left eye; nose tip. */
const RIGHT_EYE_OUTER = 33;
const LEFT_EYE_OUTER = 263;
export const NOSE_TIP = 1;
/**
 * Mean adult biocular width (exocanthion to exocanthion) ≈ 90 mm (anthropometric norms, Farkas:
 * ~91 mm men, ~88 mm women). Used because both outer corners are well located by the mesh and, unlike
 * the pupils, need no iris model.
 */
export const MEAN_OUTER_EYE_CORNER_DISTANCE_M = 0.09;
/** Margin around the landmarks' box on each side, as a fraction of its longer side. */
const CROP_MARGIN = 0.25;
const TEXTURE_SIZE = 1024;

export async function buildLandmarkFaceMesh(
  face: FaceLandmarks,
  photo: PhotoPng,
  triangulation: Uint32Array | readonly number[],
  name: string,
): Promise<{ mesh: TexturedMesh; crop: { x: number; y: number; w: number; h: number } }> {
  const n = face.count;
  const lm = face.landmarks;
  if (lm.length < n * 3 || n <= Math.max(RIGHT_EYE_OUTER, LEFT_EYE_OUTER)) {
    throw new Error(`expected a ${n}-point MediaPipe face mesh, got ${lm.length / 3} values`);
  }
  const indices = Uint32Array.from(triangulation);
  for (const i of indices) if (i >= n) throw new Error(`triangulation index ${i} exceeds ${n} landmarks`);

  // box of the landmarks in pixels (x, y) and depth range (z)
  const min = [Infinity, Infinity, Infinity];
  const max = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < 3; a++) {
      const v = lm[i * 3 + a]!;
      min[a] = Math.min(min[a]!, v);
      max[a] = Math.max(max[a]!, v);
    }
  }
  const centre = [0, 1, 2].map((a) => (min[a]! + max[a]!) / 2);

  // pixels → metres from the eye corners' 3D distance (z shares the pixel scale, so yaw does not shrink it)
  const eyeDist = Math.hypot(
    lm[LEFT_EYE_OUTER * 3]! - lm[RIGHT_EYE_OUTER * 3]!,
    lm[LEFT_EYE_OUTER * 3 + 1]! - lm[RIGHT_EYE_OUTER * 3 + 1]!,
    lm[LEFT_EYE_OUTER * 3 + 2]! - lm[RIGHT_EYE_OUTER * 3 + 2]!,
  );
  if (!(eyeDist > 1)) throw new Error('landmarks are degenerate (eye corners coincide)');
  const metresPerPixel = MEAN_OUTER_EYE_CORNER_DISTANCE_M / eyeDist;

  // image x right, y down, z away from camera → engine +X right, +Y up, +Z toward the viewer
  const positions = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    positions[i * 3] = (lm[i * 3]! - centre[0]!) * metresPerPixel;
    positions[i * 3 + 1] = -(lm[i * 3 + 1]! - centre[1]!) * metresPerPixel;
    positions[i * 3 + 2] = -(lm[i * 3 + 2]! - centre[2]!) * metresPerPixel;
  }
  if (frontNormalZ(positions, indices) < 0) flipWinding(indices);

  // square crop with a margin; may reach past the photo's edges (padded with white)
  const side = Math.max(
    1,
    Math.round(Math.max(max[0]! - min[0]!, max[1]! - min[1]!) * (1 + 2 * CROP_MARGIN)),
  );
  const crop = {
    x: Math.round(centre[0]! - side / 2),
    y: Math.round(centre[1]! - side / 2),
    w: side,
    h: side,
  };
  const uvs = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    uvs[i * 2] = (lm[i * 3]! - crop.x) / side;
    uvs[i * 2 + 1] = (lm[i * 3 + 1]! - crop.y) / side;
  }
  const texturePng = await cropTexture(photo, crop);
  return { mesh: { name, positions, uvs, indices, texturePng }, crop };
}

/** Sum of the z components of the (area-weighted) normals of the triangles around the nose tip. */
function frontNormalZ(positions: Float32Array, indices: Uint32Array): number {
  let sum = 0;
  for (let t = 0; t < indices.length; t += 3) {
    const a = indices[t]!;
    const b = indices[t + 1]!;
    const c = indices[t + 2]!;
    if (a !== NOSE_TIP && b !== NOSE_TIP && c !== NOSE_TIP) continue;
    const e1x = positions[b * 3]! - positions[a * 3]!;
    const e1y = positions[b * 3 + 1]! - positions[a * 3 + 1]!;
    const e2x = positions[c * 3]! - positions[a * 3]!;
    const e2y = positions[c * 3 + 1]! - positions[a * 3 + 1]!;
    sum += e1x * e2y - e1y * e2x;
  }
  return sum;
}

function flipWinding(indices: Uint32Array): void {
  for (let t = 0; t < indices.length; t += 3) {
    const b = indices[t + 1]!;
    indices[t + 1] = indices[t + 2]!;
    indices[t + 2] = b;
  }
}

async function cropTexture(
  photo: PhotoPng,
  crop: { x: number; y: number; w: number; h: number },
): Promise<Buffer> {
  // pad first so the crop can be taken whole even where it leaves the photo
  const pad = {
    left: Math.max(0, -crop.x),
    top: Math.max(0, -crop.y),
    right: Math.max(0, crop.x + crop.w - photo.width),
    bottom: Math.max(0, crop.y + crop.h - photo.height),
  };
  const padded = await sharp(photo.png)
    .removeAlpha()
    .extend({ ...pad, background: '#ffffff' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { width, height, channels } = padded.info;
  return sharp(padded.data, { raw: { width, height, channels } })
    .extract({ left: crop.x + pad.left, top: crop.y + pad.top, width: crop.w, height: crop.h })
    .resize(TEXTURE_SIZE, TEXTURE_SIZE, { kernel: 'lanczos3' })
    .toColourspace('srgb')
    .png()
    .toBuffer();
}
