/** Checks shared by the adapter tests: a FLAME mesh, a valid camera that sees it, finite landmarks. */
import assert from 'node:assert/strict';
import { projectPoint } from '../../../src-main/engine/geometry/camera';
import type { EstimatorOutput } from '../../../src-main/engine/estimate/estimator';

export function checkFlameOutput(
  out: EstimatorOutput,
  photo: { width: number; height: number },
): { inside: number } {
  const { positions, indices } = out.mesh;
  assert.equal(positions.length, 5023 * 3, '5023 FLAME vertices');
  assert.equal(indices.length, 9976 * 3, '9976 FLAME triangles');
  assert.ok(positions.every(Number.isFinite), 'finite vertices');
  assert.ok(indices.every((i) => i < 5023));
  // canonical frame: centred on the bounding box, head-sized (metres)
  for (let a = 0; a < 3; a++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = a; i < positions.length; i += 3) {
      lo = Math.min(lo, positions[i]!);
      hi = Math.max(hi, positions[i]!);
    }
    assert.ok(Math.abs(lo + hi) < 1e-5, `axis ${a} centred (${lo}, ${hi})`);
    assert.ok(hi - lo > 0.05 && hi - lo < 0.6, `axis ${a} extent ${hi - lo} m is head-sized`);
  }
  const c = out.camera;
  assert.equal(c.width, photo.width);
  assert.equal(c.height, photo.height);
  assert.ok(c.fx > 0 && c.fy > 0 && Number.isFinite(c.cx) && Number.isFinite(c.cy));
  assert.equal(c.R.length, 9);
  assert.equal(c.t.length, 3);
  // R is a rotation: orthonormal with determinant +1
  const R = c.R;
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      const dot = R[i * 3]! * R[j * 3]! + R[i * 3 + 1]! * R[j * 3 + 1]! + R[i * 3 + 2]! * R[j * 3 + 2]!;
      assert.ok(Math.abs(dot - (i === j ? 1 : 0)) < 1e-6, 'R orthonormal');
    }
  }
  const det =
    R[0]! * (R[4]! * R[8]! - R[5]! * R[7]!) -
    R[1]! * (R[3]! * R[8]! - R[5]! * R[6]!) +
    R[2]! * (R[3]! * R[7]! - R[4]! * R[6]!);
  assert.ok(Math.abs(det - 1) < 1e-6, 'det R = 1');
  assert.ok(c.t[2]! > 0.2, `head in front of the camera (tz ${c.t[2]})`);
  // the head's centre is in front of the camera and every vertex projects to a finite pixel
  let inside = 0;
  for (let i = 0; i < positions.length; i += 3) {
    const [u, v, z] = projectPoint(c, positions[i]!, positions[i + 1]!, positions[i + 2]!);
    assert.ok(z > 0 && Number.isFinite(u) && Number.isFinite(v));
    if (u >= 0 && v >= 0 && u < photo.width && v < photo.height) inside++;
  }
  assert.ok(out.landmarks2d.every(Number.isFinite), 'finite landmarks');
  assert.ok(out.confidence >= 0 && out.confidence <= 1);
  return { inside: inside / (positions.length / 3) };
}
