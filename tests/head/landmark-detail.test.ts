/**
 * Pose-aware symmetry of the face's detail (landmark-detail.ts): a landmark seen clearly worse than
 * its mirror takes the mirror's offset (x negated); a frontal face keeps its own, asymmetric detail.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadHeadModel, modelLandmarks } from '../../src-main/engine/geometry/head-model';
import { mirrorWhereSeenBetter } from '../../src-main/engine/estimate/builtin/landmark-detail';

const model = await loadHeadModel();
const mirror = model.landmarkMirror;
const N = mirror.length;
/** Deterministic offsets of a few millimetres, different on the two sides. */
const offsets = Float32Array.from({ length: N * 3 }, (_, i) => 0.003 * Math.sin(i * 12.9898));
const landmarks = modelLandmarks(model, model.positions);
/** The side of the face at +x (the head's left) and the other. */
const side = (i: number) => Math.sign(landmarks[i * 3]!);
const paired = [...Array(N).keys()].filter((i) => mirror[i] !== i && side(i) !== 0);

test('a frontal face (each landmark seen as well as its mirror) keeps its own detail', () => {
  const facing = new Float32Array(N).fill(0.8);
  assert.deepEqual(mirrorWhereSeenBetter(mirror, offsets, facing), offsets);
});

test('the side turned away takes the mirror of the near side; the near side and the midline keep theirs', () => {
  // Turned so the -x side faces away: its landmarks seen at 0.55, their mirrors at 0.9.
  const facing = Float32Array.from({ length: N }, (_, i) => (side(i) < 0 ? 0.55 : 0.9));
  const out = mirrorWhereSeenBetter(mirror, offsets, facing);
  assert.ok(paired.length > 100, `${paired.length} paired landmarks`);
  for (const i of paired) {
    const m = mirror[i]!;
    const [x, y, z] = [out[i * 3]!, out[i * 3 + 1]!, out[i * 3 + 2]!];
    if (side(i) < 0) {
      assert.ok(Math.abs(x + offsets[m * 3]!) < 1e-9, `far landmark ${i}: x from its mirror ${m}, negated`);
      assert.ok(Math.abs(y - offsets[m * 3 + 1]!) < 1e-9 && Math.abs(z - offsets[m * 3 + 2]!) < 1e-9);
    } else {
      for (let a = 0; a < 3; a++) assert.equal(out[i * 3 + a], offsets[i * 3 + a], `near landmark ${i}`);
    }
  }
  for (let i = 0; i < N; i++)
    if (mirror[i] === i)
      for (let a = 0; a < 3; a++) assert.equal(out[i * 3 + a], offsets[i * 3 + a], `midline ${i}`);
});

test('a small difference in how well the two are seen changes nothing; a larger one blends', () => {
  const facing = Float32Array.from({ length: N }, (_, i) => (side(i) < 0 ? 0.85 : 0.9));
  assert.deepEqual(mirrorWhereSeenBetter(mirror, offsets, facing), offsets);
  const halfway = Float32Array.from({ length: N }, (_, i) => (side(i) < 0 ? 0.7 : 0.9));
  const out = mirrorWhereSeenBetter(mirror, offsets, halfway);
  const i = paired.find(
    (k) => side(k) < 0 && Math.abs(offsets[k * 3 + 1]! - offsets[mirror[k]! * 3 + 1]!) > 1e-3,
  )!;
  const own = offsets[i * 3 + 1]!;
  const theirs = offsets[mirror[i]! * 3 + 1]!;
  const share = (out[i * 3 + 1]! - own) / (theirs - own);
  assert.ok(share > 0.2 && share < 0.8, `blended share ${share}`);
});
