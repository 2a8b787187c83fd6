/**
 * The headless preview of a result: the textured mesh rendered by the native rasterizer from three
 * sides (left three-quarter, front, right three-quarter), side by side in one PNG; further objects
 * (the hair) with it.
 */
import sharp from 'sharp';
import { orbitCamera } from '../geometry/camera';
import { meshBounds, type TexturedMesh } from '../geometry/textured-mesh';
import { renderTexturedMesh } from '../native/native-addon';
import { decodeRawImage } from '../image/raw-image';

const PANEL = 512;
const AZIMUTHS = [-40, 0, 40];
const BACKGROUND = [236, 238, 242, 255] as const;

export async function renderPreviewPng(mesh: TexturedMesh, extras: TexturedMesh[] = []): Promise<Buffer> {
  const texture = await decodeRawImage(mesh.texturePng, 4);
  const extraTextures = await Promise.all(extras.map((e) => decodeRawImage(e.texturePng, 4)));
  // Framed on the head alone: the hair may hang far below it.
  const { min, max } = meshBounds(mesh.positions);
  const centre = [0, 1, 2].map((a) => (min[a]! + max[a]!) / 2);
  const radius = Math.hypot(max[0]! - min[0]!, max[1]! - min[1]!, max[2]! - min[2]!) / 2;
  const positions = mesh.positions.map((v, i) => v - centre[i % 3]!);
  const distance = 1.0;
  const focal = (0.46 * PANEL * distance) / Math.max(radius, 1e-3);
  const panels: Buffer[] = [];
  for (const azimuthDeg of AZIMUTHS) {
    const camera = orbitCamera({ azimuthDeg, elevationDeg: 8, distance, width: PANEL, height: PANEL, focal });
    const rendered = await renderTexturedMesh({
      positions,
      uvs: mesh.uvs,
      ...(mesh.normals ? { normals: mesh.normals } : {}),
      indices: mesh.indices,
      texture,
      camera,
      width: PANEL,
      height: PANEL,
      background: BACKGROUND,
      shading: 'lambert',
      ambient: 0.55,
    });
    const image = Buffer.from(rendered.image.data);
    // Further objects (hair) drawn separately and merged by depth: each keeps its own texture.
    for (let e = 0; e < extras.length; e++) {
      const extra = extras[e]!;
      const over = await renderTexturedMesh({
        positions: extra.positions.map((v, i) => v - centre[i % 3]!),
        uvs: extra.uvs,
        ...(extra.normals ? { normals: extra.normals } : {}),
        indices: extra.indices,
        texture: extraTextures[e]!,
        camera,
        width: PANEL,
        height: PANEL,
        shading: 'lambert',
        ambient: 0.55,
      });
      for (let p = 0; p < PANEL * PANEL; p++) {
        if (over.depth[p]! < rendered.depth[p]!) image.set(over.image.data.subarray(p * 4, p * 4 + 4), p * 4);
      }
    }
    panels.push(image);
  }
  return sharp({
    create: {
      width: PANEL * panels.length,
      height: PANEL,
      channels: 4,
      background: { r: 236, g: 238, b: 242, alpha: 1 },
    },
  })
    .composite(
      panels.map((p, i) => ({
        input: p,
        raw: { width: PANEL, height: PANEL, channels: 4 as const },
        left: i * PANEL,
        top: 0,
      })),
    )
    .png()
    .toBuffer();
}
