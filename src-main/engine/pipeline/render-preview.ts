/**
 * The headless preview of a result: the textured mesh rendered by the native rasterizer from three
 * sides (left three-quarter, front, right three-quarter), side by side in one PNG.
 */
import sharp from 'sharp';
import { orbitCamera } from '../geometry/camera';
import { meshBounds, type TexturedMesh } from '../geometry/textured-mesh';
import { renderTexturedMesh } from '../native/native-addon';
import { decodeRawImage } from '../image/raw-image';

const PANEL = 512;
const AZIMUTHS = [-40, 0, 40];
const BACKGROUND = [236, 238, 242, 255] as const;

export async function renderPreviewPng(mesh: TexturedMesh): Promise<Buffer> {
  const texture = await decodeRawImage(mesh.texturePng, 4);
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
    panels.push(
      Buffer.from(rendered.image.data.buffer, rendered.image.data.byteOffset, rendered.image.data.byteLength),
    );
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
