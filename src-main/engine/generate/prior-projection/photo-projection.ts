/**
 * The native rasterizer's part of the bake: the photo projected onto the head's UV atlas, and which
 * texels lie on a chart. The person mask rides in the photo's alpha channel, so one native bake
 * returns view angle (its weight, without a mask) and mask separately, and the caller shapes each.
 */
import sharp from 'sharp';
import type { PinholeCamera } from '../../geometry/camera';
import { bakeProjectedTexture, renderTexturedMesh, type RgbaImage } from '../../native/native-addon';
import { toNativeCamera } from './native-camera';

export interface AtlasProjection {
  /** Photo colour per texel; alpha = person mask there (0..255). Zero where `cos` is 0. */
  rgba: Uint8Array;
  /** cos(normal, view direction) per texel; 0 where hidden, off the photo, facing away or off-chart. */
  cos: Float32Array;
}

/** Surface attributes per UV vertex (seams duplicated), triangles over UV vertices. */
export interface UvSurface {
  positions: Float32Array;
  normals: Float32Array;
  uvs: Float32Array;
  indices: Uint32Array;
}

/**
 * The photo as RGBA with the person mask (any size; scaled to the photo) in alpha; fully opaque
 * without a mask.
 */
export async function photoWithMaskAlpha(
  photo: { data: Uint8Array; width: number; height: number },
  mask?: { data: Uint8Array; width: number; height: number },
): Promise<RgbaImage> {
  const { width, height } = photo;
  const channels = photo.data.length / (width * height);
  if (channels !== 3 && channels !== 4) throw new Error(`photo must be RGB or RGBA (${channels} channels)`);
  let alpha: Uint8Array | undefined;
  if (mask && (mask.width !== width || mask.height !== height)) {
    const resized = await sharp(mask.data, { raw: { width: mask.width, height: mask.height, channels: 1 } })
      .resize(width, height, { fit: 'fill' })
      .raw()
      .toBuffer();
    alpha = new Uint8Array(resized.buffer, resized.byteOffset, resized.length);
  } else if (mask) {
    alpha = mask.data;
  }
  const data = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    data[p * 4] = photo.data[p * channels]!;
    data[p * 4 + 1] = photo.data[p * channels + 1]!;
    data[p * 4 + 2] = photo.data[p * channels + 2]!;
    data[p * 4 + 3] = alpha ? alpha[p]! : 255;
  }
  return { width, height, data };
}

/**
 * Photo colour, mask and view angle per atlas texel. A texel counts as visible when its camera depth
 * is within `depthToleranceM` (metres, at the head's distance) of the nearest surface there.
 */
export async function projectPhotoOntoAtlas(input: {
  photo: RgbaImage;
  surface: UvSurface;
  camera: PinholeCamera;
  size: number;
  depthToleranceM: number;
}): Promise<AtlasProjection> {
  const { camera, size } = input;
  const distance = Math.max(0.05, Math.hypot(camera.t[0]!, camera.t[1]!, camera.t[2]!));
  const baked = await bakeProjectedTexture({
    ...input.surface,
    photo: input.photo,
    camera: toNativeCamera(camera),
    atlasWidth: size,
    atlasHeight: size,
    depthEpsilon: input.depthToleranceM / distance,
  });
  return { rgba: baked.atlas.data, cos: baked.weight };
}

/**
 * Triangle index per atlas texel (−1 off the charts): the UV layout drawn by the native renderer with
 * the bake's texel convention (texel i's centre at uv (i + ½) / size), so both cover the same texels.
 */
export async function atlasTriangleIds(
  uvs: Float32Array,
  indices: Uint32Array,
  size: number,
): Promise<Int32Array> {
  const n = uvs.length / 2;
  const flat = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    flat[i * 3] = uvs[i * 2]! * size - 0.5;
    flat[i * 3 + 1] = uvs[i * 2 + 1]! * size - 0.5;
    flat[i * 3 + 2] = 1;
  }
  const rendered = await renderTexturedMesh({
    positions: flat,
    indices,
    camera: { fx: 1, fy: 1, cx: 0, cy: 0, R: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [0, 0, 0] },
    width: size,
    height: size,
  });
  return rendered.triangleId;
}

/** Camera depth of the nearest surface per photo pixel (+Infinity where none), native renderer. */
export async function photoDepth(
  positions: Float32Array,
  indices: Uint32Array,
  camera: PinholeCamera,
  width: number,
  height: number,
): Promise<Float32Array> {
  const rendered = await renderTexturedMesh({
    positions,
    indices,
    camera: toNativeCamera(camera),
    width,
    height,
  });
  return rendered.depth;
}
