/**
 * Renders of a result from around the head, on the native rasterizer: every object (head, hair…)
 * rendered alone and composited by depth, framed on the first object (the head: long hair may hang
 * far below it) so all views share one scale. Serves the preview (front, 3/4, profile, back), the turntable views and the tests.
 */
import sharp from 'sharp';
import { orbitCamera } from '../geometry/camera';
import { meshBounds, type TexturedMesh } from '../geometry/textured-mesh';
import { decodeRawImage, type RawImage } from '../image/raw-image';
import { renderTexturedMesh } from '../native/native-addon';

export interface ViewRenderOptions {
  size: number;
  elevationDeg?: number;
  /** 'lambert' (a headlight, as an artist's viewport) or 'none' (the texture as it is). */
  shading?: 'lambert' | 'none';
  background?: readonly [number, number, number];
}

export type RenderableObject = Pick<TexturedMesh, 'positions' | 'uvs' | 'indices' | 'texturePng'> &
  Partial<Pick<TexturedMesh, 'normals'>>;

export interface RenderedView {
  azimuthDeg: number;
  image: RawImage;
  /** 1 where an object is drawn, 0 on the background. */
  covered: Uint8Array;
}

/** Azimuth 0 looks at the face, 90 at the head's left side (+X), 180 at the back. */
export async function renderViews(
  objects: readonly RenderableObject[],
  azimuthsDeg: readonly number[],
  options: ViewRenderOptions,
): Promise<RenderedView[]> {
  if (objects.length === 0) throw new Error('renderViews: nothing to render');
  const { size, elevationDeg = 8, shading = 'lambert', background = [236, 238, 242] } = options;
  const { centre, radius } = bounds(objects[0]!);
  const textures = await Promise.all(objects.map((o) => decodeRawImage(o.texturePng, 4)));
  const centred = objects.map((o) => o.positions.map((v, i) => v - centre[i % 3]!));
  const distance = 1.0;
  const focal = (0.46 * size * distance) / Math.max(radius, 1e-3);
  const views: RenderedView[] = [];
  for (const azimuthDeg of azimuthsDeg) {
    const camera = orbitCamera({ azimuthDeg, elevationDeg, distance, width: size, height: size, focal });
    const layers = [];
    for (const [i, object] of objects.entries()) {
      layers.push(
        await renderTexturedMesh({
          positions: centred[i]!,
          uvs: object.uvs,
          ...(object.normals ? { normals: object.normals } : {}),
          indices: object.indices,
          texture: textures[i]!,
          camera,
          width: size,
          height: size,
          background: [...background, 255],
          shading,
          ambient: 0.55,
        }),
      );
    }
    views.push({ azimuthDeg, ...compositeByDepth(layers, size) });
  }
  return views;
}

function bounds(object: RenderableObject): { centre: number[]; radius: number } {
  const { min, max } = meshBounds(object.positions);
  const centre = [0, 1, 2].map((a) => (min[a]! + max[a]!) / 2);
  const radius = Math.hypot(max[0]! - min[0]!, max[1]! - min[1]!, max[2]! - min[2]!) / 2;
  return { centre, radius };
}

/** Per pixel, the colour of the nearest object (the first layer where none is drawn). */
function compositeByDepth(
  layers: { image: { data: Uint8Array }; depth: Float32Array }[],
  size: number,
): { image: RawImage; covered: Uint8Array } {
  const data = new Uint8Array(layers[0]!.image.data);
  const depth = Float32Array.from(layers[0]!.depth);
  for (const layer of layers.slice(1)) {
    for (let p = 0; p < size * size; p++) {
      if (layer.depth[p]! < depth[p]!) {
        depth[p] = layer.depth[p]!;
        data.set(layer.image.data.subarray(p * 4, p * 4 + 4), p * 4);
      }
    }
  }
  const covered = depth.map((d) => (Number.isFinite(d) ? 1 : 0));
  return { image: { data, width: size, height: size }, covered: Uint8Array.from(covered) };
}

export async function viewPng(view: RenderedView): Promise<Buffer> {
  const { data, width, height } = view.image;
  return sharp(Buffer.from(data.buffer, data.byteOffset, data.byteLength), {
    raw: { width, height, channels: 4 },
  })
    .png()
    .toBuffer();
}

/** Views side by side in one PNG (the preview strip). */
export async function viewStripPng(views: readonly RenderedView[]): Promise<Buffer> {
  const size = views[0]!.image.width;
  return sharp({
    create: { width: size * views.length, height: size, channels: 4, background: '#eceef2' },
  })
    .composite(
      views.map((v, i) => ({
        input: Buffer.from(v.image.data.buffer, v.image.data.byteOffset, v.image.data.byteLength),
        raw: { width: size, height: size, channels: 4 as const },
        left: i * size,
        top: 0,
      })),
    )
    .png()
    .toBuffer();
}
