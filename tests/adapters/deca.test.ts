import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ASTRONAUT_FACE_BOX, estimatorFixtures } from './support/estimator-fixtures';
import { assertNetworkParity } from './support/network-parity';
import { runWeakPerspectiveEstimator } from './support/weak-perspective-estimator';

// random-weight DECA coarse encoder (full ResNet-50, official 224 → 236) + random FLAME, converted
// from an official-layout deca_model.tar by training/convert_deca.py
const fixtures = estimatorFixtures(['deca']);

test('DECA: PyTorch and ONNX Runtime agree to 1e-4', async (t) => {
  await assertNetworkParity(t, await fixtures, 'deca', 'DECA', ['parameters']);
});

test('DECA estimator: pack → verify → ONNX → FLAME → mesh + camera on astronaut.png', async (t) => {
  const fx = await fixtures;
  // our pinhole camera reproduces DECA's own orthographic projection (up to perspective)
  const deca = {
    id: 'deca',
    label: 'DECA',
    packsDir: fx.packsDir,
    landmarks: { count: 68, why: '68 landmarks from the full embedding' },
    cropScale: 1.25,
    flipYZ: true,
  } as const;
  await runWeakPerspectiveEstimator(t, deca, async ({ out, photo, estimator, inside }) => {
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
    // the same photo gives the same result
    const again = await estimator.estimate({ photo, cropBox: ASTRONAUT_FACE_BOX });
    assert.deepEqual(again.mesh.positions, out.mesh.positions);
    // a known camera (the built-in fit's) gives its focal length and principal point to the result
    const known = { ...out.camera, fx: 900, fy: 900, cx: 250, cy: 260 };
    const withCamera = await estimator.estimate({ photo, cropBox: ASTRONAUT_FACE_BOX, camera: known });
    const c = withCamera.camera;
    assert.deepEqual([c.fx, c.fy, c.cx, c.cy], [900, 900, 250, 260]);
    assert.ok(c.t[2]! < out.camera.t[2]!, 'a shorter focal brings the head closer at the same image size');
  });
});
