import assert from 'node:assert/strict';
import { test } from 'node:test';
import { projectPoint } from '../../src-main/engine/geometry/camera';
import {
  FLIP_YZ,
  FOCAL_PER_LONG_SIDE,
  pinholeFromOrtho,
  type OrthoProjection,
} from '../../src-main/engine/estimate/adapters/flame-result';

const proj: OrthoProjection = { R: [...FLIP_YZ], pixelsPerMetre: 2400, centrePx: [260, 190] };

test("network camera: the input camera's focal length and principal point are used when given", () => {
  const given = { fx: 1700, fy: 1650, cx: 240.5, cy: 300.25 };
  const cam = pinholeFromOrtho(proj, 512, 600, given);
  assert.deepEqual([cam.fx, cam.fy, cam.cx, cam.cy], [1700, 1650, 240.5, 300.25]);
  // the head's centre lands where the network put it, at the scale it gave
  const [u, v] = projectPoint(cam, 0, 0, 0);
  assert.ok(Math.hypot(u - 260, v - 190) < 1e-9, `centre at ${u}, ${v}`);
  const tz = cam.t[2]!;
  assert.ok(Math.abs((cam.fx + cam.fy) / 2 / tz - 2400) < 1e-9, 'pixels per metre at the centre');
  // a point 1 cm to the side moves 2400·0.01 px (up to the fx/fy split and perspective)
  const [u1] = projectPoint(cam, 0.01, 0, 0);
  assert.ok(Math.abs(u1 - u - (24 * cam.fx) / ((cam.fx + cam.fy) / 2)) < 0.01);
});

test('network camera: without an input camera (or an unusable one) the ~30° fallback', () => {
  for (const given of [undefined, { fx: 0, fy: 0, cx: 1, cy: 1 }, { fx: NaN, fy: 1, cx: 1, cy: 1 }]) {
    const cam = pinholeFromOrtho(proj, 512, 600, given);
    assert.equal(cam.fx, FOCAL_PER_LONG_SIDE * 600);
    assert.deepEqual([cam.cx, cam.cy], [256, 300]);
    const [u, v] = projectPoint(cam, 0, 0, 0);
    assert.ok(Math.hypot(u - 260, v - 190) < 1e-9);
  }
});
