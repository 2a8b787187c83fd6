import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RINGNET_CROP_SCALE } from '../../src-main/engine/estimate/adapters/ringnet';
import { estimatorFixtures } from './support/estimator-fixtures';
import { assertNetworkParity } from './support/network-parity';
import { runWeakPerspectiveEstimator } from './support/weak-perspective-estimator';

// random-weight RingNet (slim ResNet-50 v2 + 3 feedback steps, official NHWC 224 → 159), written as
// TF-named variables and converted by training/convert_ringnet.py (so the name mapping is exercised)
const fixtures = estimatorFixtures(['ringnet']);

test('RingNet: PyTorch and ONNX Runtime agree to 1e-4 (after the TF-variable round trip)', async (t) => {
  await assertNetworkParity(t, await fixtures, 'ringnet', 'RingNet', ['parameters']);
});

test('RingNet estimator: mesh + camera on astronaut.png', async (t) => {
  const fx = await fixtures;
  const ringnet = {
    id: 'ringnet',
    label: 'RingNet',
    packsDir: fx.packsDir,
    landmarks: { count: 51, why: "51 landmarks from RingNet's static embedding" },
    cropScale: RINGNET_CROP_SCALE,
    flipYZ: false,
  } as const;
  await runWeakPerspectiveEstimator(t, ringnet, ({ out, inside }) => {
    assert.ok(inside > 0, `${inside} of the head projects into the photo`);
    // global rotation ≈ π about x (HMR style): the camera sees the face (+Z) from the front
    assert.ok(out.camera.R[8]! < -0.9, `camera looks along −Z of the head (R[8] = ${out.camera.R[8]})`);
  });
});
