import assert from 'node:assert/strict';
import { test } from 'node:test';

import { backendInfo, renderTexturedMesh } from '../../src-main/engine/native/native-addon';
import { bilinear, cube, frontCamera, pattern, quad } from './fixtures';

test('backendInfo reports a backend and why', () => {
  const info = backendInfo();
  assert.ok(info.backend === 'cpu' || info.backend === 'cuda');
  assert.ok(info.reason.length > 0);
  if (info.backend === 'cpu' && info.cudaCompiled) assert.match(info.reason, /cuda|CPU forced/i);
});

test('unit cube: exact pixel coverage, depth and background', async () => {
  // Front face z = 0.5 at depth 2.5: x ∈ [-0.5, 0.5] → u = 128·x/2.5 + 31.5 ∈ [5.9, 57.1] → pixels 6..57.
  for (const cullBackFaces of [false, true]) {
    const r = await renderTexturedMesh({
      ...cube(0.5),
      camera: frontCamera(3, 128, 64, 64),
      width: 64,
      height: 64,
      background: [10, 20, 30, 0],
      cullBackFaces,
      backend: 'cpu',
    });
    let covered = 0;
    for (let y = 0; y < 64; y++) {
      for (let x = 0; x < 64; x++) {
        const i = y * 64 + x;
        const inside = x >= 6 && x <= 57 && y >= 6 && y <= 57;
        if (!inside) {
          assert.equal(r.triangleId[i], -1, `pixel ${x},${y} should be background`);
          assert.equal(r.depth[i], Infinity);
          assert.deepEqual([...r.image.data.subarray(i * 4, i * 4 + 4)], [10, 20, 30, 0]);
          continue;
        }
        covered++;
        assert.ok(r.triangleId[i] === 0 || r.triangleId[i] === 1, `pixel ${x},${y} hits the +Z face`);
        assert.ok(Math.abs(r.depth[i]! - 2.5) < 1e-5, `depth ${r.depth[i]} at ${x},${y}`);
        assert.deepEqual([...r.image.data.subarray(i * 4, i * 4 + 4)], [255, 255, 255, 255]);
      }
    }
    assert.equal(covered, 52 * 52);
  }
});

test('textured quad: perspective-correct UVs sample the texture bilinearly', async () => {
  // The quad fills the 64×64 view exactly; pixel (x, y) sees uv ((x + .5)/64, (y + .5)/64).
  const texture = pattern(8, 8);
  const r = await renderTexturedMesh({
    ...quad(),
    texture,
    camera: frontCamera(4, 128, 64, 64),
    width: 64,
    height: 64,
    backend: 'cpu',
  });
  let worst = 0;
  for (let y = 0; y < 64; y++) {
    for (let x = 0; x < 64; x++) {
      for (let c = 0; c < 4; c++) {
        const want = bilinear(texture, (x + 0.5) / 8 - 0.5, (y + 0.5) / 8 - 0.5, c);
        worst = Math.max(worst, Math.abs(r.image.data[(y * 64 + x) * 4 + c]! - want));
      }
    }
  }
  assert.ok(worst <= 0.51, `max colour error ${worst}`);
  assert.ok(r.triangleId.every((id) => id === 0 || id === 1));
});

test('back faces are culled only when asked; lambert darkens oblique pixels', async () => {
  const seenFromBehind = { ...frontCamera(4, 128, 64, 64), R: [-1, 0, 0, 0, -1, 0, 0, 0, 1] };
  const base = { ...quad(), camera: seenFromBehind, width: 64, height: 64, backend: 'cpu' as const };
  const shown = await renderTexturedMesh(base);
  const culled = await renderTexturedMesh({ ...base, cullBackFaces: true });
  assert.equal(shown.triangleId.filter((id) => id >= 0).length, 64 * 64);
  assert.equal(culled.triangleId.filter((id) => id >= 0).length, 0);

  const lit = await renderTexturedMesh({
    ...base,
    camera: frontCamera(4, 128, 64, 64),
    shading: 'lambert',
    ambient: 0.2,
  });
  const x = (-31.5 / 128) * 4;
  const cos = 4 / Math.sqrt(16 + 2 * x * x);
  assert.ok(Math.abs(lit.image.data[0]! - 255 * (0.2 + 0.8 * cos)) <= 1, `corner ${lit.image.data[0]}`);
  assert.ok(lit.image.data[(32 * 64 + 32) * 4]! >= 254);
});

test('invalid input rejects with a clear error', async () => {
  const camera = frontCamera(4, 128, 64, 64);
  const bad = quad();
  bad.indices[4] = 7;
  await assert.rejects(
    renderTexturedMesh({ ...bad, camera, width: 64, height: 64 }),
    /indices\[4\] = 7 is out of range/,
  );
  await assert.rejects(
    renderTexturedMesh({ ...quad(), positions: new Float32Array(10), camera, width: 64, height: 64 }),
    /positions length 10/,
  );
  await assert.rejects(
    renderTexturedMesh({
      ...quad(),
      camera,
      width: 64,
      height: 64,
      texture: { width: 4, height: 4, data: new Uint8Array(10) },
    }),
    /texture.data has 10 bytes/,
  );
  await assert.rejects(
    renderTexturedMesh({ ...quad(), camera: { ...camera, R: [1, 0, 0] }, width: 64, height: 64 }),
    /camera.R/,
  );
  await assert.rejects(renderTexturedMesh({ ...quad(), camera, width: 0, height: 64 }), /render width/);
});

test('CPU and CUDA give the same image (GPU machines only)', async (t) => {
  const info = backendInfo();
  if (info.backend !== 'cuda') {
    t.skip(`no CUDA here: ${info.reason}`);
    return;
  }
  const input = {
    ...cube(0.5),
    texture: pattern(64, 64),
    camera: frontCamera(2.2, 300, 320, 240),
    width: 320,
    height: 240,
  };
  input.camera.R = [0.8, 0, 0.6, 0, -1, 0, 0.6, 0, -0.8]; // turned 37° about Y: three faces show
  const cpu = await renderTexturedMesh({ ...input, shading: 'lambert', backend: 'cpu' });
  const gpu = await renderTexturedMesh({ ...input, shading: 'lambert', backend: 'auto' });
  assert.equal(gpu.backend, 'cuda');
  assert.deepEqual(gpu.triangleId, cpu.triangleId);
  assert.deepEqual(gpu.depth, cpu.depth);
  assert.ok(gpu.image.data.every((v, i) => Math.abs(v - cpu.image.data[i]!) <= 1));
});
