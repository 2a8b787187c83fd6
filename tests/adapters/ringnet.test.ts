import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createEstimator } from '../../src-main/engine/estimate/estimator';
import { checkFlameOutput } from './support/check-output';
import { ASTRONAUT, ASTRONAUT_FACE_BOX, estimatorFixtures, loadRgb } from './support/estimator-fixtures';
import { networkParity } from './support/network-parity';
import { weakPerspectiveError } from './support/weak-perspective-check';
import path from 'node:path';

// random-weight RingNet (slim ResNet-50 v2 + 3 feedback steps, official NHWC 224 → 159), written as
// TF-named variables and converted by training/convert_ringnet.py (so the name mapping is exercised)
const fixtures = estimatorFixtures(['ringnet']);

test('RingNet: PyTorch and ONNX Runtime agree to 1e-4 (after the TF-variable round trip)', async (t) => {
  const parity = await networkParity(await fixtures, 'ringnet');
  const p = parity.parameters!;
  t.diagnostic(
    `RingNet parameters[1×159]: max |Δ| ${p.maxAbsDiff.toExponential(2)} (max |value| ${p.maxAbs.toFixed(2)})`,
  );
  assert.ok(p.maxAbsDiff <= 1e-4, `differ by ${p.maxAbsDiff}`);
});

test('RingNet estimator: mesh + camera on astronaut.png', async (t) => {
  const fx = await fixtures;
  const photo = await loadRgb(ASTRONAUT);
  const estimator = await createEstimator('ringnet', fx.packsDir);
  try {
    const started = performance.now();
    const out = await estimator.estimate({ photo, cropBox: ASTRONAUT_FACE_BOX });
    t.diagnostic(`estimate ${(performance.now() - started).toFixed(0)} ms`);
    assert.equal(out.estimatorId, 'ringnet');
    const { inside } = checkFlameOutput(out, photo);
    assert.equal(out.landmarks2d.length, 51 * 2, "51 landmarks from RingNet's static embedding");
    assert.ok(inside > 0, `${inside} of the head projects into the photo`);
    const err = await weakPerspectiveError({
      out,
      packDir: path.join(fx.packsDir, 'ringnet'),
      box: ASTRONAUT_FACE_BOX,
      cropScale: 1.6,
      flipYZ: false,
    });
    t.diagnostic(
      `camera vs RingNet's projection: median ${err.median.toExponential(1)} px, max ${err.max.toExponential(1)} px`,
    );
    assert.ok(
      err.median < 3 && err.max < 20,
      `camera disagrees with RingNet's projection by ${err.median} / ${err.max} px`,
    );
    // global rotation ≈ π about x (HMR style): the camera sees the face (+Z) from the front
    assert.ok(out.camera.R[8]! < -0.9, `camera looks along −Z of the head (R[8] = ${out.camera.R[8]})`);
  } finally {
    await estimator.dispose();
  }
});
