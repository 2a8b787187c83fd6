/**
 * Skin and hair colours measured in the photo, for the parts of the head the photo never shows.
 * Point probes: a surface point's photo colour and how much to trust it (view angle × mask, 0 when
 * hidden), against a depth buffer the native renderer drew from the photo camera.
 */
import { cameraCentre, projectPoint, type PinholeCamera } from '../../geometry/camera';
import { modelLandmarks, type HeadModel } from '../../geometry/head-model';
import type { RgbaImage } from '../../native/native-addon';
import { sampleBilinear } from '../../image/sample-bilinear';

/** Photo colour (into `out`, RGBA) and weight 0..1 of a surface point with normal n; 0 when unseen. */
export type PhotoProbe = (
  point: readonly [number, number, number],
  normal: readonly [number, number, number],
  out: Float32Array,
) => number;

/**
 * @param photo RGBA, alpha = person mask.
 * @param depth camera depth per photo pixel (native renderer, same camera).
 * @param viewWeight the bake's weight of a view-angle cosine (0..1).
 */
export function createPhotoProbe(
  photo: RgbaImage,
  depth: Float32Array,
  camera: PinholeCamera,
  depthEpsilon: number,
  viewWeight: (cos: number) => number,
): PhotoProbe {
  const eye = cameraCentre(camera);
  const { width, height } = photo;
  return (point, normal, out) => {
    const [px, py, pz] = point;
    const [u, v, z] = projectPoint(camera, px, py, pz);
    if (!(z > 0) || !(u >= 0 && v >= 0 && u < width && v < height)) return 0;
    if (z > depth[Math.floor(v) * width + Math.floor(u)]! * (1 + depthEpsilon)) return 0; // hidden
    const dx = eye[0] - px,
      dy = eye[1] - py,
      dz = eye[2] - pz;
    const nl = Math.hypot(normal[0], normal[1], normal[2]) || 1;
    const cos = (normal[0] * dx + normal[1] * dy + normal[2] * dz) / (Math.hypot(dx, dy, dz) * nl);
    // Continuous image coordinates → pixel-centred ones (as the native bake samples).
    sampleBilinear(photo, u - 0.5, v - 0.5, out);
    const w = viewWeight(cos) * (out[3]! / 255);
    return w > 0 ? w : 0;
  };
}

const SKIN_LANDMARKS = [205, 425, 50, 280, 151, 108, 337, 117, 346, 9];
/** A small cross around each landmark (±4 mm) to average out pores, glare and stray hair. */
const SKIN_CROSS = [
  [0, 0],
  [0.004, 0],
  [-0.004, 0],
  [0, 0.004],
  [0, -0.004],
] as const;

/** Median photo colour at cheek and forehead landmarks of the fitted mesh (where seen). */
export function measureSkin(
  model: HeadModel,
  positions: Float32Array,
  normals: Float32Array,
  probe: PhotoProbe,
): [number, number, number] {
  const lm = modelLandmarks(model, positions);
  const ln = modelLandmarks(model, normals);
  const samples: [number, number, number][] = [];
  const c = new Float32Array(4);
  for (const i of SKIN_LANDMARKS) {
    for (const [dx, dy] of SKIN_CROSS) {
      const w = probe(
        [lm[i * 3]! + dx, lm[i * 3 + 1]! + dy, lm[i * 3 + 2]!],
        [ln[i * 3]!, ln[i * 3 + 1]!, ln[i * 3 + 2]!],
        c,
      );
      if (w > 0.3) samples.push([c[0]!, c[1]!, c[2]!]);
    }
  }
  return samples.length >= 3 ? medianRgb(samples) : [200, 160, 140];
}

/** Median photo colour of visible scalp vertices (hair weight > 0.8) inside the person mask. */
export function measureHair(
  model: HeadModel,
  positions: Float32Array,
  normals: Float32Array,
  probe: PhotoProbe,
): [number, number, number] | null {
  const samples: [number, number, number][] = [];
  const c = new Float32Array(4);
  for (let v = 0; v < model.vertexCount; v++) {
    if (model.hairWeight[v]! < 0.8) continue;
    const w = probe(
      [positions[v * 3]!, positions[v * 3 + 1]!, positions[v * 3 + 2]!],
      [normals[v * 3]!, normals[v * 3 + 1]!, normals[v * 3 + 2]!],
      c,
    );
    if (w > 0.5) samples.push([c[0]!, c[1]!, c[2]!]);
  }
  return samples.length >= 10 ? medianRgb(samples) : null;
}

/** Median per channel (each channel sorted on its own). */
export function medianRgb(samples: [number, number, number][]): [number, number, number] {
  return [0, 1, 2].map((k) => {
    const s = samples.map((x) => x[k]!).sort((a, b) => a - b);
    return s[s.length >> 1]!;
  }) as [number, number, number];
}
