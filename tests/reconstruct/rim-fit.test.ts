/**
 * The rim fit on its own: the textured ellipsoid shrunk by 1.5 mm along its normals is fitted back to
 * the rig's silhouettes of the true one. Same topology, so every vertex's error is its offset from its
 * own true position along the normal.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeVertexNormals } from '../../src-main/engine/geometry/textured-mesh';
import {
  isNativeAddonAvailable,
  nativeAddonProblem,
  setForceCpu,
} from '../../src-main/engine/native/native-addon';
import { fitRims } from '../../src-main/engine/reconstruct/rim-fit';
import { makeHeadFixture } from '../fixtures/head-fixture';
import { head360, renderScene, textureFromPng, type SceneObject } from './synthetic-scene';

const skip = isNativeAddonAvailable() ? false : `native addon: ${nativeAddonProblem()}`;

function offsetsAlongNormals(
  positions: Float32Array,
  truth: Float32Array,
  normals: Float32Array,
): { mean: number; meanAbs: number } {
  let sum = 0;
  let abs = 0;
  const n = truth.length / 3;
  for (let v = 0; v < n; v++) {
    let d = 0;
    for (let k = 0; k < 3; k++) d += (positions[v * 3 + k]! - truth[v * 3 + k]!) * normals[v * 3 + k]!;
    sum += d;
    abs += Math.abs(d);
  }
  return { mean: sum / n, meanAbs: abs / n };
}

test('rim fit: a head shrunk by 1.5 mm is fitted back onto the rig silhouettes', { skip }, async () => {
  setForceCpu(true);
  const fixture = await makeHeadFixture({ nose: false, textureSide: 256 });
  const truth: SceneObject = {
    positions: fixture.positions,
    uvs: fixture.uvs,
    indices: fixture.indices,
    texture: await textureFromPng(fixture.texturePng, 256),
  };
  const normals = computeVertexNormals(fixture.positions, fixture.indices);
  const shrunk = fixture.positions.map((x, i) => x - 0.0015 * normals[i]!);
  const views = [];
  for (const v of head360()) {
    const r = await renderScene([truth], v.camera);
    views.push({ camera: v.camera, image: r.image, mask: r.mask });
  }
  const before = offsetsAlongNormals(shrunk, fixture.positions, normals);
  const fitted = await fitRims(shrunk, fixture.indices, views);
  const after = offsetsAlongNormals(fitted.positions, fixture.positions, normals);
  console.log(
    `rim fit: mean offset ${(before.mean * 1000).toFixed(2)} → ${(after.mean * 1000).toFixed(2)} mm, ` +
      `mean |offset| ${(before.meanAbs * 1000).toFixed(2)} → ${(after.meanAbs * 1000).toFixed(2)} mm, ` +
      `${fitted.rimVertices} rim samples, ${fitted.rounds} rounds`,
  );
  assert.equal(fitted.rounds, 3);
  assert.ok(fitted.rimVertices > 1000, `${fitted.rimVertices} rim samples`);
  // One pixel is ~2.1 mm at the head here: the fit must take most of the 1.5 mm back.
  assert.ok(Math.abs(after.mean) < 0.4e-3, `mean offset ${after.mean * 1000} mm`);
  assert.ok(after.meanAbs < 0.6e-3, `mean |offset| ${after.meanAbs * 1000} mm`);
});

test('rim fit: cancelled before it starts, it returns the mesh unchanged', { skip }, async () => {
  const fixture = await makeHeadFixture({ nose: false, textureSide: 64 });
  const controller = new AbortController();
  controller.abort();
  const view = head360()[0]!;
  const mask = new Uint8Array(view.camera.width * view.camera.height).fill(255);
  const r = await fitRims(
    fixture.positions,
    fixture.indices,
    [{ camera: view.camera, image: { width: view.camera.width, height: view.camera.height }, mask }],
    undefined,
    controller.signal,
  );
  assert.equal(r.rounds, 0);
  assert.deepEqual(r.positions, fixture.positions);
});
