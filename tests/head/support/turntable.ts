/** Turntable renders of a textured head for the skin-texture tests, with what each pixel shows. */
import sharp from 'sharp';
import { orbitCamera, type PinholeCamera } from '../../../src-main/engine/geometry/camera';
import type { TexturedMesh } from '../../../src-main/engine/geometry/textured-mesh';
import { toNativeCamera } from '../../../src-main/engine/generate/prior-projection/native-camera';
import { renderTexturedMesh, type RgbaImage } from '../../../src-main/engine/native/native-addon';

export const TURNTABLE_AZIMUTHS = [0, 45, 90, 135, 180, 225, 270, 315];

export interface View {
  azimuthDeg: number;
  camera: PinholeCamera;
  image: RgbaImage;
  /** Triangle per pixel, −1 on the background. */
  triangleId: Int32Array;
}

/** The head from `azimuthDeg` (0 = in front), 5° above eye level, 1.2 m, 512², unlit. */
export async function renderView(
  mesh: Pick<TexturedMesh, 'positions' | 'uvs' | 'indices'>,
  texture: RgbaImage,
  azimuthDeg: number,
  elevationDeg = 5,
): Promise<View> {
  const camera = orbitCamera({
    azimuthDeg,
    elevationDeg,
    distance: 1.2,
    width: 512,
    height: 512,
    focal: 1500,
  });
  const r = await renderTexturedMesh({
    positions: mesh.positions,
    uvs: mesh.uvs,
    indices: mesh.indices,
    texture,
    camera: toNativeCamera(camera),
    width: 512,
    height: 512,
    background: [255, 255, 255, 255],
  });
  return { azimuthDeg, camera, image: r.image, triangleId: r.triangleId };
}

export async function decodeTexture(png: Buffer): Promise<RgbaImage> {
  const t = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(t.data), width: t.info.width, height: t.info.height };
}

/** A single-channel 0..1 atlas map as a grey RGBA texture (to render what each pixel's texel holds). */
export function mapTexture(map: Float32Array, size: number): RgbaImage {
  const data = new Uint8Array(size * size * 4);
  for (let p = 0; p < size * size; p++) {
    const v = Math.round(255 * Math.min(1, Math.max(0, map[p]!)));
    data.set([v, v, v, 255], p * 4);
  }
  return { data, width: size, height: size };
}

/** The views side by side (the head's middle 320 × 384 of each), as a PNG file. */
export async function saveStrip(views: View[], file: string): Promise<void> {
  const tiles = await Promise.all(
    views.map((v) =>
      sharp(Buffer.from(v.image.data), { raw: { width: 512, height: 512, channels: 4 } })
        .extract({ left: 96, top: 64, width: 320, height: 384 })
        .png()
        .toBuffer(),
    ),
  );
  await sharp({ create: { width: 320 * tiles.length, height: 384, channels: 4, background: '#ffffff' } })
    .composite(tiles.map((input, i) => ({ input, left: i * 320, top: 0 })))
    .png()
    .toFile(file);
}
