import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createEstimator } from '../../src-main/engine/estimate/estimator';
import { checkFlameOutput } from './support/check-output';
import { ASTRONAUT, ASTRONAUT_FACE_BOX, estimatorFixtures, loadRgb } from './support/estimator-fixtures';
import { networkParity } from './support/network-parity';
import { weakPerspectiveError } from './support/weak-perspective-check';
import path from 'node:path';

// random-weight DECA coarse encoder (full ResNet-50, official 224 → 236) + random FLAME, converted
// from an official-layout deca_model.tar by training/convert_deca.py
const fixtures = estimatorFixtures(['deca']);

test('DECA: PyTorch and ONNX Runtime agree to 1e-4', async (t) => {
  const parity = await networkParity(await fixtures, 'deca');
  const p = parity.parameters!;
  t.diagnostic(
    `DECA parameters[1×236]: max |Δ| ${p.maxAbsDiff.toExponential(2)} (max |value| ${p.maxAbs.toFixed(2)})`,
  );
  assert.ok(p.maxAbsDiff <= 1e-4, `differ by ${p.maxAbsDiff}`);
});

test('DECA estimator: pack → verify → ONNX → FLAME → mesh + camera on astronaut.png', async (t) => {
  const fx = await fixtures;
  const photo = await loadRgb(ASTRONAUT);
  const estimator = await createEstimator('deca', fx.packsDir);
  try {
    const started = performance.now();
    const out = await estimator.estimate({ photo, cropBox: ASTRONAUT_FACE_BOX });
    t.diagnostic(`estimate ${(performance.now() - started).toFixed(0)} ms`);
    assert.equal(out.estimatorId, 'deca');
    const { inside } = checkFlameOutput(out, photo);
    assert.equal(out.landmarks2d.length, 68 * 2, '68 landmarks from the full embedding');
    // cam s ≈ 9 on a 1.25× crop: the head lands on the face box, not somewhere else
    const [u, v] = [
      (out.camera.t[0]! * out.camera.fx) / out.camera.t[2]! + out.camera.cx,
      (out.camera.t[1]! * out.camera.fy) / out.camera.t[2]! + out.camera.cy,
    ];
    const b = ASTRONAUT_FACE_BOX;
    assert.ok(
      Math.abs(u - (b.x + b.width / 2)) < b.width && Math.abs(v - (b.y + b.height / 2)) < b.height,
      `centre at ${u}, ${v}`,
    );
    assert.ok(inside > 0.5, `${inside} of the head projects into the photo`);
    // our pinhole camera reproduces DECA's own orthographic projection (up to perspective)
    const err = await weakPerspectiveError({
      out,
      packDir: path.join(fx.packsDir, 'deca'),
      box: ASTRONAUT_FACE_BOX,
      cropScale: 1.25,
      flipYZ: true,
    });
    t.diagnostic(
      `camera vs DECA's projection: median ${err.median.toExponential(1)} px, max ${err.max.toExponential(1)} px`,
    );
    assert.ok(
      err.median < 3 && err.max < 20,
      `camera disagrees with DECA's projection by ${err.median} / ${err.max} px`,
    );
    // the same photo gives the same result
    const again = await estimator.estimate({ photo, cropBox: ASTRONAUT_FACE_BOX });
    assert.deepEqual(again.mesh.positions, out.mesh.positions);
  } finally {
    await estimator.dispose();
  }
});
