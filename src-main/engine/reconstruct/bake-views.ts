/**
 * The texture of a reconstructed mesh from its views: each view is projected into the atlas by the
 * native bake (visibility by its depth buffer, weight = cos(normal, view) × mask); per texel the
 * views are blended with weights cosᵖ (p = `ANGLE_POWER`: the most frontal view dominates, so
 * neighbouring views' small misregistrations do not ghost), the mask eroded first so the white
 * background never bleeds in at the silhouette. Texels no view sees take their neighbours' colour
 * (dilation across the chart, then the mean colour), and the charts' gutters are padded the same way.
 */
import { bakeProjectedTexture, dilateAtlas, type PinholeCamera } from '../native/native-addon';

export const ANGLE_POWER = 4;
/** Views below this weight (cos × mask) do not contribute at all: grazing angles smear. */
const MIN_WEIGHT = 0.15;

export interface BakeView {
  camera: PinholeCamera;
  image: { data: Uint8Array; width: number; height: number };
  mask: Uint8Array;
}

export interface BakedTexture {
  rgba: Uint8Array;
  size: number;
  /** Share of the atlas's texels (gutters included) that got colour from a view. */
  seen: number;
}

function erode(mask: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  let current = mask;
  for (let r = 0; r < radius; r++) {
    const next = new Uint8Array(current.length);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const p = y * width + x;
        const keep =
          current[p]! > 127 &&
          x > 0 &&
          y > 0 &&
          x < width - 1 &&
          y < height - 1 &&
          current[p - 1]! > 127 &&
          current[p + 1]! > 127 &&
          current[p - width]! > 127 &&
          current[p + width]! > 127;
        next[p] = keep ? 255 : 0;
      }
    }
    current = next;
  }
  return current;
}

function accumulate(sum: Float64Array, total: Float64Array, rgba: Uint8Array, weight: Float32Array): void {
  for (let p = 0; p < weight.length; p++) {
    const w0 = weight[p]!;
    if (w0 < MIN_WEIGHT) continue;
    const w = w0 ** ANGLE_POWER;
    sum[p * 3] = sum[p * 3]! + w * rgba[p * 4]!;
    sum[p * 3 + 1] = sum[p * 3 + 1]! + w * rgba[p * 4 + 1]!;
    sum[p * 3 + 2] = sum[p * 3 + 2]! + w * rgba[p * 4 + 2]!;
    total[p] = total[p]! + w;
  }
}

export async function bakeFromViews(
  mesh: { positions: Float32Array; uvs: Float32Array; indices: Uint32Array; normals?: Float32Array },
  views: readonly BakeView[],
  size: number,
  signal?: AbortSignal,
): Promise<BakedTexture> {
  const texels = size * size;
  const sum = new Float64Array(texels * 3);
  const total = new Float64Array(texels);
  const covered = new Uint8Array(texels);
  for (const view of views) {
    if (signal?.aborted) break;
    const mask = erode(view.mask, view.image.width, view.image.height, 2);
    const baked = await bakeProjectedTexture({
      ...mesh,
      photo: view.image,
      mask: { width: view.image.width, height: view.image.height, data: mask },
      camera: view.camera,
      atlasWidth: size,
      atlasHeight: size,
    });
    accumulate(sum, total, baked.atlas.data, baked.weight);
  }
  // Texels with a blended colour; the rest (unseen parts of charts, gutters) are filled below.
  const rgba = new Uint8Array(texels * 4);
  const weight = new Float32Array(texels);
  let seen = 0;
  const mean = [0, 0, 0];
  for (let p = 0; p < texels; p++) {
    if (total[p]! <= 0) continue;
    seen++;
    covered[p] = 1;
    weight[p] = 1;
    for (let c = 0; c < 3; c++) {
      const v = sum[p * 3 + c]! / total[p]!;
      rgba[p * 4 + c] = Math.round(v);
      mean[c] = mean[c]! + v;
    }
    rgba[p * 4 + 3] = 255;
  }
  for (let c = 0; c < 3; c++) mean[c] = seen ? mean[c]! / seen : 128;
  // Unseen texels and gutters: grow the known colour outwards, then the mean colour for the rest.
  const dilated = await dilateAtlas({
    atlas: { width: size, height: size, data: rgba },
    weight,
    pixels: Math.ceil(size / 16),
  });
  const out = dilated.atlas.data;
  for (let p = 0; p < texels; p++) {
    if (covered[p] || dilated.filled[p]) {
      out[p * 4 + 3] = 255;
      continue;
    }
    out[p * 4] = Math.round(mean[0]!);
    out[p * 4 + 1] = Math.round(mean[1]!);
    out[p * 4 + 2] = Math.round(mean[2]!);
    out[p * 4 + 3] = 255;
  }
  return { rgba: out, size, seen: seen / texels };
}
