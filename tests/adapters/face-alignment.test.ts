import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitOrthographicPose } from '../../src-main/engine/estimate/adapters/face-alignment';
import { invertSimilarity2d, similarityTransform2d } from '../../src-main/engine/geometry/linear-algebra';
import { multiply3, rotationFromVector } from '../../src-main/engine/geometry/camera';
import { FLIP_YZ } from '../../src-main/engine/estimate/adapters/flame-result';

test('orthographic pose fit recovers a known rotation, scale and centre', () => {
  const R = multiply3(FLIP_YZ, rotationFromVector([0.2, -0.5, 0.1]));
  const scale = 1234;
  const centre: [number, number] = [300, 210];
  const model = new Float32Array(60);
  // a spread of head-sized points (a hash, not sin(i·k): those lie on a plane)
  for (let i = 0; i < model.length; i++) {
    const h = Math.sin(i * 78.233 + 1) * 43758.5453;
    model[i] = (h - Math.floor(h) - 0.5) * 0.2;
  }
  const image = new Float32Array(40);
  for (let i = 0; i < 20; i++) {
    const [x, y, z] = [model[i * 3]!, model[i * 3 + 1]!, model[i * 3 + 2]!];
    image[i * 2] = centre[0] + scale * (R[0]! * x + R[1]! * y + R[2]! * z);
    image[i * 2 + 1] = centre[1] + scale * (R[3]! * x + R[4]! * y + R[5]! * z);
  }
  const fit = fitOrthographicPose(model, image, 2);
  fit.R.forEach((v, i) => assert.ok(Math.abs(v - R[i]!) < 1e-6, `R[${i}] ${v} vs ${R[i]}`));
  assert.ok(Math.abs(fit.pixelsPerMetre - scale) < 1e-3);
  assert.ok(Math.abs(fit.centrePx[0] - centre[0]) < 1e-3 && Math.abs(fit.centrePx[1] - centre[1]) < 1e-3);
});

test('five-point similarity maps the points onto the template and inverts exactly', () => {
  const from: [number, number][] = [
    [200, 120],
    [260, 118],
    [231, 160],
    [208, 190],
    [255, 188],
  ];
  const angle = 0.3;
  const to = from.map(([x, y]): [number, number] => [
    0.5 * (Math.cos(angle) * x - Math.sin(angle) * y) + 7,
    0.5 * (Math.sin(angle) * x + Math.cos(angle) * y) - 3,
  ]);
  const m = similarityTransform2d(from, to);
  const inv = invertSimilarity2d(m);
  from.forEach(([x, y], i) => {
    const u = m[0]! * x + m[1]! * y + m[2]!;
    const v = m[3]! * x + m[4]! * y + m[5]!;
    assert.ok(Math.hypot(u - to[i]![0], v - to[i]![1]) < 1e-9);
    assert.ok(
      Math.hypot(inv[0]! * u + inv[1]! * v + inv[2]! - x, inv[3]! * u + inv[4]! * v + inv[5]! - y) < 1e-9,
    );
  });
});
