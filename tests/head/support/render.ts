/** Renders for the head tests, on the native rasterizer (the one the pipeline uses). */
import sharp from 'sharp';
import { orbitCamera, type PinholeCamera } from '../../../src-main/engine/geometry/camera';
import type { HeadModel } from '../../../src-main/engine/geometry/head-model';
import {
  bakeHeadTexture,
  buildTexturedHead,
} from '../../../src-main/engine/generate/prior-projection/bake-head-texture';
import type { TexturedMesh } from '../../../src-main/engine/geometry/textured-mesh';
import { toNativeCamera } from '../../../src-main/engine/generate/prior-projection/native-camera';
import { renderTexturedMesh } from '../../../src-main/engine/native/native-addon';

/**
 * The textured mesh as `camera` (the fit's convention: continuous pixel coordinates) sees it, unlit,
 * on an opaque background; RGBA pixels match the photo's pixel grid.
 */
export async function renderTextured(
  mesh: Pick<TexturedMesh, 'positions' | 'uvs' | 'indices' | 'texturePng'>,
  camera: PinholeCamera,
  background: [number, number, number] = [255, 255, 255],
): Promise<{ data: Uint8Array; width: number; height: number }> {
  const tex = await sharp(mesh.texturePng).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const rendered = await renderTexturedMesh({
    positions: mesh.positions,
    uvs: mesh.uvs,
    indices: mesh.indices,
    texture: { data: new Uint8Array(tex.data), width: tex.info.width, height: tex.info.height },
    camera: toNativeCamera(camera),
    width: camera.width,
    height: camera.height,
    background: [...background, 255],
  });
  return rendered.image;
}

/** RGBA pixels → PNG. */
export function rgbaPng(image: { data: Uint8Array; width: number; height: number }): Promise<Buffer> {
  return sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), {
    raw: { width: image.width, height: image.height, channels: 4 },
  })
    .png()
    .toBuffer();
}

/** The fitted head textured by the prior-projection bake at 1k, as the pipeline exports it. */
export async function bakedHead(
  photoRgba: { data: Uint8Array; width: number; height: number },
  fit: { positions: Float32Array; camera: PinholeCamera },
  model: HeadModel,
): Promise<TexturedMesh> {
  const bake = await bakeHeadTexture({
    photoRgba,
    positions: fit.positions,
    model,
    camera: fit.camera,
    textureSize: 1024,
  });
  return buildTexturedHead({ positions: fit.positions, model, texturePng: bake.texturePng });
}

/**
 * The head seen from `azimuthDeg` (0 = in front, at eye level, 1.2 m, 512² at f = 1500): the stand-in
 * for a 3/4 or profile photo, since no such real photo with a clear licence ships here.
 */
export async function renderAtAzimuth(
  mesh: TexturedMesh,
  azimuthDeg: number,
): Promise<{ png: Buffer; camera: PinholeCamera }> {
  const camera = orbitCamera({
    azimuthDeg,
    elevationDeg: 0,
    distance: 1.2,
    width: 512,
    height: 512,
    focal: 1500,
  });
  return { png: await rgbaPng(await renderTextured(mesh, camera, [90, 110, 140])), camera };
}
