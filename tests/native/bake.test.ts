import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';

import sharp from 'sharp';

import {
  backendInfo,
  bakeProjectedTexture,
  dilateAtlas,
  type RgbaImage,
} from '../../src-main/engine/native/native-addon';
import { frontCamera, merge, psnr, quad } from './fixtures';

const SIZE = 128;

async function astronaut(): Promise<RgbaImage> {
  const file = path.resolve(import.meta.dirname, '../../resources/samples/astronaut.png');
  const { data, info } = await sharp(file)
    .resize(SIZE, SIZE)
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    data: new Uint8Array(data.buffer, data.byteOffset, data.length),
  };
}

// The quad [-1, 1]² at z = 0 fills the photo exactly: fx = SIZE·dist/2 puts its edges on pixel borders,
// so atlas texel (i, j) projects onto photo pixel (i, j).
const camera = frontCamera(4, (SIZE * 4) / 2, SIZE, SIZE);

test('a frontal textured quad bakes back the photo it was seen in', async () => {
  const photo = await astronaut();
  const r = await bakeProjectedTexture({
    ...quad(),
    photo,
    camera,
    atlasWidth: SIZE,
    atlasHeight: SIZE,
    backend: 'cpu',
  });
  assert.equal(r.backend, 'cpu');
  const quality = psnr(r.atlas.data, photo.data);
  assert.ok(quality > 50, `PSNR ${quality.toFixed(1)} dB`);
  // weight = cos(normal, view direction) = dist / |p - c| for the plane z = 0 seen from (0, 0, 4).
  for (const [i, j] of [
    [0, 0],
    [64, 64],
    [127, 5],
  ] as const) {
    const x = -1 + (2 * (i + 0.5)) / SIZE;
    const y = 1 - (2 * (j + 0.5)) / SIZE;
    const want = 4 / Math.hypot(4, x, y);
    assert.ok(Math.abs(r.weight[j * SIZE + i]! - want) < 1e-4, `weight at ${i},${j}`);
  }
});

test('occluded texels get weight 0; a mask scales the weight', async () => {
  const photo = await astronaut();
  // Occluder at z = 1 hides the photo's left half; its uvs lie outside the atlas.
  const occluder = quad(1, 1, [2, 2, 3, 3]);
  occluder.positions.set([-2, 2, 1, 0, 2, 1, 0, -2, 1, -2, -2, 1]);
  const r = await bakeProjectedTexture({
    ...merge(quad(), occluder),
    photo,
    camera,
    atlasWidth: SIZE,
    atlasHeight: SIZE,
    backend: 'cpu',
  });
  for (let j = 0; j < SIZE; j++) {
    for (let i = 0; i < SIZE; i++) {
      const w = r.weight[j * SIZE + i]!;
      if (i < SIZE / 2) {
        assert.equal(w, 0, `texel ${i},${j} is hidden`);
        assert.equal(r.atlas.data[(j * SIZE + i) * 4 + 3], 0);
      } else {
        assert.ok(w > 0.9, `texel ${i},${j} is visible`);
      }
    }
  }

  const mask = { width: SIZE, height: SIZE, data: new Uint8Array(SIZE * SIZE).fill(255) };
  for (let j = 0; j < SIZE; j++) mask.data.fill(51, j * SIZE + SIZE / 2, (j + 1) * SIZE);
  const plain = await bakeProjectedTexture({
    ...quad(),
    photo,
    camera,
    atlasWidth: SIZE,
    atlasHeight: SIZE,
    backend: 'cpu',
  });
  const masked = await bakeProjectedTexture({
    ...quad(),
    photo,
    mask,
    camera,
    atlasWidth: SIZE,
    atlasHeight: SIZE,
    backend: 'cpu',
  });
  assert.ok(Math.abs(masked.weight[10]! - plain.weight[10]!) < 1e-6);
  assert.ok(Math.abs(masked.weight[SIZE - 10]! - plain.weight[SIZE - 10]! * 0.2) < 1e-5);
});

test('dilation grows baked texels into the empty atlas border', async () => {
  const photo = await astronaut();
  // The quad covers only the atlas centre (uv 0.25..0.75): the rest starts empty.
  const r = await bakeProjectedTexture({
    ...quad(1, 0, [0.25, 0.25, 0.75, 0.75]),
    photo,
    camera,
    atlasWidth: SIZE,
    atlasHeight: SIZE,
    backend: 'cpu',
  });
  const d = await dilateAtlas({ atlas: r.atlas, weight: r.weight, pixels: 4 });
  const at = (i: number, j: number): number => j * SIZE + i;
  assert.equal(r.weight[at(30, 64)], 0);
  assert.equal(d.filled[at(30, 64)], 1, 'texel 2 left of the covered block is filled');
  assert.equal(d.filled[at(27, 64)], 0, 'texel 5 away stays empty');
  assert.equal(d.filled[at(64, 64)], 0, 'baked texels are not touched');
  // A filled texel copies its neighbours' colour: next to the edge it equals the edge texel's colour.
  for (let c = 0; c < 3; c++) {
    const edge = r.atlas.data[at(32, 64) * 4 + c]!;
    assert.ok(Math.abs(d.atlas.data[at(31, 64) * 4 + c]! - edge) <= 12);
  }
  await assert.rejects(
    dilateAtlas({ atlas: r.atlas, weight: new Float32Array(3), pixels: 4 }),
    /weight length 3/,
  );
});

test('bake input checks', async () => {
  const photo = await astronaut();
  const { uvs: _uvs, ...noUvs } = quad();
  await assert.rejects(
    bakeProjectedTexture({ ...noUvs, photo, camera, atlasWidth: 64, atlasHeight: 64 } as never),
    /uvs are required/,
  );
  await assert.rejects(
    bakeProjectedTexture({
      ...quad(),
      photo,
      mask: { width: 4, height: 4, data: new Uint8Array(16) },
      camera,
      atlasWidth: 64,
      atlasHeight: 64,
    }),
    /mask must have the photo size/,
  );
});

test('CPU and CUDA bake the same atlas (GPU machines only)', async (t) => {
  const info = backendInfo();
  if (info.backend !== 'cuda') {
    t.skip(`no CUDA here: ${info.reason}`);
    return;
  }
  const photo = await astronaut();
  const input = { ...quad(), photo, camera, atlasWidth: 256, atlasHeight: 256 };
  const cpu = await bakeProjectedTexture({ ...input, backend: 'cpu' });
  const gpu = await bakeProjectedTexture({ ...input, backend: 'auto' });
  assert.equal(gpu.backend, 'cuda');
  assert.ok(gpu.weight.every((w, i) => Math.abs(w - cpu.weight[i]!) < 1e-5));
  assert.ok(gpu.atlas.data.every((v, i) => Math.abs(v - cpu.atlas.data[i]!) <= 1));
});
