import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { createEstimator } from '../../src-main/engine/estimate/create-estimator';
import { detectFaces } from '../../src-main/engine/estimate/landmarks/detect-faces';
import { checkFlameOutput } from './support/check-output';
import { ASTRONAUT, ASTRONAUT_FACE_BOX, estimatorFixtures, loadRgb } from './support/estimator-fixtures';
import { assertNetworkParity } from './support/network-parity';

// random-weight MICA: full ArcFace iResNet-100 [3, 13, 30, 3] → 512 → mapping MLP → 300, converted
// from an official-layout mica.tar; its pack has vertex-index landmarks instead of an embedding
const fixtures = estimatorFixtures(['mica']);

test('MICA: PyTorch and ONNX Runtime agree to 1e-4', async (t) => {
  await assertNetworkParity(t, await fixtures, 'mica', 'MICA', ['shape_code', 'identity']);
});

test('MICA estimator: ArcFace alignment from real face-mesh landmarks, mesh + camera on astronaut.png', async (t) => {
  const fx = await fixtures;
  const photo = await loadRgb(ASTRONAUT);
  const [face] = await detectFaces({
    png: await readFile(ASTRONAUT),
    width: photo.width,
    height: photo.height,
  });
  assert.ok(face, 'a face on astronaut.png');
  const [x, y, w, h] = face.box;
  const estimator = await createEstimator('mica', fx.packsDir);
  try {
    const started = performance.now();
    const out = await estimator.estimate({
      photo,
      cropBox: { x, y, width: w, height: h },
      landmarks: { layout: 'mediapipe468', points: face.landmarks, dims: 3 },
    });
    t.diagnostic(`estimate ${(performance.now() - started).toFixed(0)} ms`);
    assert.equal(out.estimatorId, 'mica');
    const { inside } = checkFlameOutput(out, photo);
    assert.equal(out.landmarks2d.length, 68 * 2, 'vertex-index landmarks (68 listed in the pack)');
    assert.ok(inside > 0.9, `${inside} of the head projects into the photo`);
    // the pack carries FLAME's MediaPipe embedding: the pose is fitted to the face-mesh points
    assert.notDeepEqual(out.camera.R, [1, 0, 0, 0, -1, 0, 0, 0, -1], 'a fitted, not a default, rotation');
    // the box-only path (no landmarks): template-placed alignment, frontal camera
    const boxOnly = await estimator.estimate({ photo, cropBox: ASTRONAUT_FACE_BOX });
    checkFlameOutput(boxOnly, photo);
    assert.deepEqual(boxOnly.camera.R, [1, 0, 0, 0, -1, 0, 0, 0, -1], 'frontal view fitted to the box');
    assert.ok(boxOnly.confidence < out.confidence, 'less trusted without landmarks');
  } finally {
    await estimator.dispose();
  }
});
