/** Renders for the head tests, on the native rasterizer (the one the pipeline uses). */
import sharp from 'sharp';
import type { PinholeCamera } from '../../../src-main/engine/geometry/camera';
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
