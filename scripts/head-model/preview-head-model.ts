/**
 * Renders the head model (shaded, mean shape) from five directions into one PNG for a visual check,
 * on the native rasterizer (build it first: bash native/build.sh --no-cuda).
 * Run: npx tsx scripts/head-model/preview-head-model.ts [out.png]
 */
import sharp from 'sharp';
import { loadHeadModel } from '../../src-main/engine/geometry/head-model';
import { orbitCamera } from '../../src-main/engine/geometry/camera';
import { renderTexturedMesh } from '../../src-main/engine/native/native-addon';

/** A warm grey for the unlit base colour: one texel, every uv at its centre. */
const CLAY = { width: 1, height: 1, data: new Uint8Array([240, 233, 226, 255]) };

async function main(): Promise<void> {
  const out = process.argv[2] ?? 'test-output/head-model-preview.png';
  const model = await loadHeadModel();
  const size = 320;
  const tiles: Buffer[] = [];
  const views = (process.env.VIEWS ?? '0,0;45,0;90,0;180,0;30,-50')
    .split(';')
    .map((s) => s.split(',').map(Number) as [number, number]);
  for (const [az, el] of views) {
    const camera = orbitCamera({
      azimuthDeg: az,
      elevationDeg: el,
      distance: Number(process.env.DISTANCE ?? 1.4),
      width: size,
      height: size,
      focal: 1000,
    });
    const rendered = await renderTexturedMesh({
      positions: model.positions,
      uvs: new Float32Array(model.vertexCount * 2).fill(0.5),
      indices: model.triangles,
      texture: CLAY,
      camera,
      width: size,
      height: size,
      background: [255, 255, 255, 255],
      shading: 'lambert',
      ambient: 0.17,
    });
    const { data } = rendered.image;
    tiles.push(
      await sharp(Buffer.from(data.buffer, data.byteOffset, data.byteLength), {
        raw: { width: size, height: size, channels: 4 },
      })
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
