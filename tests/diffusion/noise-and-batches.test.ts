import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  scoreMatrixBytes,
  unitsForBufferLimit,
  unitsForMemory,
  unitsPerBatchFor,
  WEBGPU_ATTENTION_BYTES,
  type BatchSizing,
} from '../../src-main/engine/generate/multiview-diffusion/batch-size';
import { seededNoise } from '../../src-main/engine/generate/multiview-diffusion/noise-source';
import {
  assembleUnetFeeds,
  batchesOf,
  scatterEps,
  unitLayout,
} from '../../src-main/engine/generate/multiview-diffusion/unet-batches';
import { providerCandidates } from '../../src-main/engine/generate/multiview-diffusion/providers';

/** head360's groups: four of four neighbouring views. */
const HEAD360_GROUPS = [
  [0, 1, 2, 3],
  [4, 5, 6, 7],
  [8, 9, 10, 11],
  [12, 13, 14, 15],
];

test('seeded noise: the same seed gives the same values, another seed others; standard normal', () => {
  const a = seededNoise(7);
  const b = seededNoise(7);
  assert.deepEqual(a.initial(1000), b.initial(1000));
  assert.deepEqual(a.stepNoise(12, 1000), b.stepNoise(12, 1000));
  assert.notDeepEqual(a.stepNoise(12, 1000), a.stepNoise(13, 1000));
  assert.notDeepEqual(a.initial(1000), seededNoise(8).initial(1000));
  const z = a.initial(200_000);
  const mean = z.reduce((s, v) => s + v, 0) / z.length;
  const std = Math.sqrt(z.reduce((s, v) => s + (v - mean) ** 2, 0) / z.length);
  assert.ok(Math.abs(mean) < 0.01 && Math.abs(std - 1) < 0.01, `mean ${mean} std ${std}`);
  assert.deepEqual(a.state, { kind: 'seeded', algorithm: 'xoshiro128**-box-muller/1', seed: 7 });
});

test('UNet units: 4 groups of 4 + input element, both guidance halves → 8 units of 5; batches of whole units', () => {
  const groups = HEAD360_GROUPS;
  const layout = unitLayout(groups, true, true);
  assert.equal(layout.units.length, 8);
  assert.equal(layout.elementsPerUnit, 5);
  assert.deepEqual(
    batchesOf(layout, 3).map((b) => b.length),
    [3, 3, 2],
  );
  assert.equal(unitLayout(groups, false, false).units.length, 16);

  // element contents: 1 value per latent, context 1, one frustum of 1 value per view
  const V = 16;
  const s = {
    x: Float32Array.from({ length: V }, (_, v) => v + 1),
    inputLatent: new Float32Array([100]),
    context: Float32Array.from({ length: V + 1 }, (_, v) => 200 + v),
    contextSize: 1,
    frustums: [Float32Array.from({ length: V }, (_, v) => 300 + v)],
    frustumSizes: [1],
    latentSize: 1,
    views: V,
    timestep: 981,
  };
  const units = [layout.units[1]!, layout.units[5]!]; // group 1 conditional, group 1 unconditional
  const f = assembleUnetFeeds(units, layout, s);
  assert.equal(f.batch, 10);
  assert.deepEqual([...f.x_t], [5, 6, 7, 8, 100, 5, 6, 7, 8, 0]);
  assert.deepEqual([...f.concat], [100, 100, 100, 100, 100, 0, 0, 0, 0, 0]);
  assert.deepEqual([...f.context], [204, 205, 206, 207, 216, 0, 0, 0, 0, 0]);
  assert.deepEqual([...f.frustums[0]!], [304, 305, 306, 307, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual([...f.timestep], new Array(10).fill(981));
  const out = { cond: new Float32Array(V), uncond: new Float32Array(V) };
  scatterEps(
    units,
    layout,
    Float32Array.from({ length: 10 }, (_, i) => i + 1),
    1,
    out,
  );
  assert.deepEqual([...out.cond.subarray(4, 8)], [1, 2, 3, 4]);
  assert.deepEqual([...out.uncond.subarray(4, 8)], [6, 7, 8, 9]);
});

test('provider order CUDA → DirectML → WebGPU → CPU, each one passed over with its reason', () => {
  const linux = providerCandidates('auto', new Set(['cpu', 'webgpu']), 'linux');
  assert.deepEqual(linux.candidates, ['webgpu', 'cpu']);
  assert.deepEqual(
    linux.skipped.map((s) => s.provider),
    ['cuda', 'dml'],
  );
  assert.match(linux.skipped[1]!.reason, /Windows/);
  const windows = providerCandidates('auto', new Set(['cpu', 'webgpu', 'dml', 'cuda']), 'win32');
  assert.deepEqual(windows.candidates, ['cuda', 'dml', 'webgpu', 'cpu']);
  const asked = providerCandidates('cuda', new Set(['cpu']), 'linux');
  assert.deepEqual(asked.candidates, ['cpu']);
  assert.match(asked.skipped[0]!.reason, /cuda/);
});

test('the frustum assembly graph (WebGPU device path) builds the same UNet frustums as the CPU layout', async () => {
  const ort = await import('onnxruntime-node');
  const { frustumAssemblyModel, assemblyIndex } =
    await import('../../src-main/engine/generate/multiview-diffusion/frustum-assembly');
  const V = 16;
  const dims = [
    [3, 2, 2, 2],
    [2, 1, 1, 1],
  ];
  const frustums = dims.map((d, i) =>
    Float32Array.from({ length: V * d.reduce((a, b) => a * b, 1) }, (_, k) => k + 1000 * i + 1),
  );
  const session = await ort.InferenceSession.create(frustumAssemblyModel([5, 5]));
  const groups = HEAD360_GROUPS;
  const layout = unitLayout(groups, true, true);
  const units = layout.units.slice(2, 7);
  const cpu = assembleUnetFeeds(units, layout, {
    x: new Float32Array(V),
    inputLatent: new Float32Array(1),
    context: new Float32Array(V + 1),
    contextSize: 1,
    frustums,
    frustumSizes: dims.map((d) => d.reduce((a, b) => a * b, 1)),
    latentSize: 1,
    views: V,
    timestep: 1,
  });
  const index = assemblyIndex(units, true, V);
  const out = await session.run({
    frustum_0: new ort.Tensor('float32', frustums[0]!, [V, ...dims[0]!]),
    frustum_1: new ort.Tensor('float32', frustums[1]!, [V, ...dims[1]!]),
    index: new ort.Tensor('int64', index, [index.length]),
  });
  assert.deepEqual(out.assembled_0!.dims, [25, ...dims[0]!]);
  assert.deepEqual(out.assembled_0!.data, cpu.frustums[0]);
  assert.deepEqual(out.assembled_1!.data, cpu.frustums[1]);
  await session.release();
});

test('batch sizes: the full-size UNet on WebGPU runs 2 units a batch (its 8 at once exceeded a buffer on an H200); the CPU by memory', () => {
  // the full config's manifest: attention at latent 32/16/8 with 8 heads, groups of 4 views + the input
  const full: BatchSizing = {
    unetInputShapes: [
      [-1, 4, 32, 32],
      [-1, 4, 32, 32],
      [-1],
      [-1, 1, 768],
      [-1, 64, 48, 32, 32],
      [-1, 128, 24, 16, 16],
      [-1, 256, 12, 8, 8],
      [-1, 512, 6, 4, 4],
    ],
    attention: [
      { resolution: 32, heads: 8 },
      { resolution: 16, heads: 8 },
      { resolution: 8, heads: 8 },
    ],
    elementsPerUnit: 5,
  };
  assert.equal(scoreMatrixBytes(full), 8 * 5120 ** 2 * 4);
  assert.equal(unitsForBufferLimit(full, WEBGPU_ATTENTION_BYTES), 2);
  assert.equal(unitsPerBatchFor(full, 'webgpu', 8), 2);
  assert.equal(unitsPerBatchFor(full, 'cuda', 8), 8);
  assert.equal(unitsForMemory(full, 24 * 2 ** 30), 2); // 4.4 GB a unit: 2.7 GB activations, 1.7 GB scores
  assert.equal(unitsForMemory(full, 2 ** 30), 1);
  const small: BatchSizing = { ...full, attention: [{ resolution: 8, heads: 4 }] };
  assert.equal(unitsPerBatchFor(small, 'webgpu', 8), 8);
});
