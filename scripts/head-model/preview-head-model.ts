/**
 * Renders the head model (shaded, mean shape) from five directions into one PNG for a visual check.
 * Run: npx tsx scripts/head-model/preview-head-model.ts [out.png]
 */
import sharp from 'sharp';
import { loadHeadModel } from '../../src-main/engine/geometry/head-model';
import { orbitCamera } from '../../src-main/engine/geometry/camera';
import { renderMeshPreview } from '../../src-main/engine/generate/prior-projection/render-preview';

async function main(): Promise<void> {
  const out = process.argv[2] ?? 'test-output/head-model-preview.png';
  const model = await loadHeadModel();
  const size = 320;
  const tiles: Buffer[] = [];
  const views = (process.env.VIEWS ?? '0,0;45,0;90,0;180,0;30,-50')
    .split(';')
    .map((s) => s.split(',').map(Number) as [number, number]);
  for (const [az, el] of views) {
    const cam = orbitCamera({
      azimuthDeg: az,
      elevationDeg: el,
      distance: 0.9,
      width: size,
      height: size,
      focal: 1000,
    });
    const img = renderMeshPreview({ positions: model.positions, indices: model.triangles }, cam);
    tiles.push(
      await sharp(Buffer.from(img.data), { raw: { width: size, height: size, channels: 4 } })
        .png()
        .toBuffer(),
    );
  }
  await sharp({ create: { width: size * tiles.length, height: size, channels: 4, background: '#ffffff' } })
    .composite(tiles.map((input, i) => ({ input, left: i * size, top: 0 })))
    .png()
    .toFile(out);
  console.log(out);
}

void main();
