import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { FlameLayer, rodrigues } from '../../src-main/engine/estimate/flame/flame-layer';
import { verifyPack } from '../../src-main/engine/packs/verify-pack';
import { estimatorFixtures, maxAbsDiff, readRef } from './support/estimator-fixtures';

test('TS FLAME matches the PyTorch FLAME on random params (random FLAME of official shapes)', async (t) => {
  const fx = await estimatorFixtures(['flame']);
  const pack = await verifyPack(path.join(fx.packsDir, 'flame'));
  const flame = FlameLayer.fromPack(pack);
  assert.equal(flame.vertexCount, 5023);
  assert.equal(flame.faces.length, 9976 * 3);
  assert.equal(flame.nShape, 300);
  assert.equal(flame.nExpression, 100);
  assert.equal(flame.landmarkCount, 68, 'full 68-point embedding from landmark_embedding.npy');

  const shape = await readRef(fx, 'flame', 'shape');
  const expression = await readRef(fx, 'flame', 'expression');
  const pose = await readRef(fx, 'flame', 'pose');
  const vertices = await readRef(fx, 'flame', 'vertices');
  const landmarks = await readRef(fx, 'flame', 'landmarks');
  const batch = shape.shape[0]!;
  let worstVerts = 0;
  let worstLmk = 0;
  for (let b = 0; b < batch; b++) {
    const out = flame.forward({
      shape: shape.data.subarray(b * 300, (b + 1) * 300),
      expression: expression.data.subarray(b * 100, (b + 1) * 100),
      pose: pose.data.subarray(b * 15, (b + 1) * 15),
    });
    const n = 5023 * 3;
    worstVerts = Math.max(worstVerts, maxAbsDiff(out.vertices, vertices.data.subarray(b * n, (b + 1) * n)));
    const lm = flame.landmarks(out.vertices);
    worstLmk = Math.max(worstLmk, maxAbsDiff(lm, landmarks.data.subarray(b * 68 * 3, (b + 1) * 68 * 3)));
  }
  t.diagnostic(
    `FLAME TS vs PyTorch: max |Δ| vertices ${worstVerts.toExponential(2)} m, landmarks ${worstLmk.toExponential(2)} m`,
  );
  assert.ok(worstVerts <= 1e-4, `vertices differ by ${worstVerts}`);
  assert.ok(worstLmk <= 1e-4, `landmarks differ by ${worstLmk}`);

  // the posed result really moved: a zero pose differs from the reference pose
  const rest = flame.forward({ shape: shape.data.subarray(0, 300) });
  assert.ok(maxAbsDiff(rest.vertices, vertices.data.subarray(0, 5023 * 3)) > 1e-3, 'pose changes the mesh');
});

test('Rodrigues gives rotations (orthonormal, det 1) and the identity at zero', () => {
  const I = rodrigues(0, 0, 0);
  I.forEach((v, i) => assert.ok(Math.abs(v - (i % 4 === 0 ? 1 : 0)) < 1e-7));
  const R = rodrigues(0.3, -1.2, 2.0);
  const det =
    R[0]! * (R[4]! * R[8]! - R[5]! * R[7]!) -
    R[1]! * (R[3]! * R[8]! - R[5]! * R[6]!) +
    R[2]! * (R[3]! * R[7]! - R[4]! * R[6]!);
  // the 1e-8 guard (as in the PyTorch reference) leaves the axis a hair short of unit length
  assert.ok(Math.abs(det - 1) < 1e-6);
  // a quarter turn about +Y takes +Z to +X
  const Ry = rodrigues(0, Math.PI / 2, 0);
  assert.ok(Math.abs(Ry[2]! - 1) < 1e-6 && Math.abs(Ry[8]!) < 1e-6);
});

test('FLAME refuses more coefficients than the model has', async () => {
  const fx = await estimatorFixtures(['flame']);
  const flame = FlameLayer.fromPack(await verifyPack(path.join(fx.packsDir, 'flame')));
  assert.throws(() => flame.forward({ expression: new Float32Array(101) }), /at most 100/);
  assert.throws(() => flame.forward({ pose: [NaN] }), /not finite/);
});
