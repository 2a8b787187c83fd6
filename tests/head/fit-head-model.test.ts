import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { loadHeadModel } from '../../src-main/engine/geometry/head-model';
import { fitHeadModel } from '../../src-main/engine/estimate/builtin/fit-head-model';
import { ASTRONAUT, loadPhoto } from './support/photos';
import { bakedHead, renderAtAzimuth } from './support/render';
import type { PinholeCamera } from '../../src-main/engine/geometry/camera';
import { headDepth, maskIoU } from '../../src-main/engine/generate/hair/fit-hairstyle';

const model = await loadHeadModel();
const photo = await loadPhoto(ASTRONAUT);
const fitInput = (p: typeof photo) => ({
  landmarks: p.face.landmarks,
  imageWidth: p.rgba.width,
  imageHeight: p.rgba.height,
});

test('astronaut.png: landmarks reproject within 2 % of the face box, near-frontal pose, plausible camera', () => {
  const t0 = performance.now();
  const fit = fitHeadModel(fitInput(photo), model);
  const ms = performance.now() - t0;
  const { medianPx, medianFractionOfFaceBox, shapeOnlyMedianPx } = fit.reprojectionError;
  console.log(
    `fit ${ms.toFixed(0)} ms; median ${medianPx.toFixed(2)} px = ${(100 * medianFractionOfFaceBox).toFixed(2)} % of ${fit.faceBoxPx.toFixed(0)} px (shape only ${shapeOnlyMedianPx.toFixed(2)} px); pose ${JSON.stringify(fit.pose)}; f ${fit.camera.fx.toFixed(0)}; confidence ${fit.confidence.toFixed(2)}`,
  );
  assert.ok(medianFractionOfFaceBox <= 0.02, `median error ${(100 * medianFractionOfFaceBox).toFixed(2)} %`);
  assert.ok(shapeOnlyMedianPx / fit.faceBoxPx <= 0.03, 'the shape model alone (no detail) fits within 3 %');
  assert.ok(
    Math.abs(fit.pose.yaw) < 15 && Math.abs(fit.pose.pitch) < 25 && Math.abs(fit.pose.roll) < 10,
    'roughly frontal',
  );
  const c = fit.camera;
  assert.equal(c.cx, 256);
  assert.equal(c.cy, 256);
  assert.ok(c.fx > 0.5 * 512 && c.fx < 10 * 512, `focal ${c.fx}`);
  assert.ok(c.t[2]! > 0.3 && c.t[2]! < 6, `distance ${c.t[2]} m`);
  // The fitted nose tip projects onto the detected one.
  const du = fit.landmarks2d[2]! - photo.face.landmarks[3]!;
  const dv = fit.landmarks2d[3]! - photo.face.landmarks[4]!;
  assert.ok(Math.hypot(du, dv) < 0.03 * fit.faceBoxPx);
  assert.ok(fit.confidence > 0.6, `confidence ${fit.confidence}`);
  assert.ok(fit.visible.reduce((a, b) => a + b, 0) > 350, 'most landmarks visible in a frontal photo');
});

test('mirrored photo gives mirrored yaw and roll, same pitch', async () => {
  const mirrored = await loadPhoto(ASTRONAUT, { mirror: true });
  const a = fitHeadModel(fitInput(photo), model);
  const b = fitHeadModel(fitInput(mirrored), model);
  console.log('pose', a.pose, 'mirrored', b.pose);
  assert.ok(Math.abs(a.pose.yaw + b.pose.yaw) < 3, `yaw ${a.pose.yaw} vs ${b.pose.yaw}`);
  assert.ok(Math.abs(a.pose.roll + b.pose.roll) < 3, `roll ${a.pose.roll} vs ${b.pose.roll}`);
  assert.ok(Math.abs(a.pose.pitch - b.pose.pitch) < 3);
  assert.ok(b.reprojectionError.medianFractionOfFaceBox <= 0.02);
});

/** Pixels the head covers in a camera's view (the depth the hair fit draws the head with). */
async function headCoverage(positions: Float32Array, camera: PinholeCamera): Promise<Uint8Array> {
  const { width, height } = camera;
  const depth = await headDepth({
    camera,
    headPositions: positions,
    headIndices: model.triangles,
    width,
    height,
  });
  return Uint8Array.from(depth, (d) => (Number.isFinite(d) ? 1 : 0));
}

test('3/4 views (the photo-textured head rendered at 40–45° yaw, real detector): yaw recovered, hidden side skipped, the head laid over its view', async () => {
  // No real 3/4 portrait is in the repository yet (licensed candidates: resources/samples/SOURCES.md);
  // a render of the astronaut's fitted, textured head stands in for one.
  const fit = fitHeadModel(fitInput(photo), model);
  const mesh = await bakedHead(photo.rgba, fit, model);
  for (const yaw of [40, -40, 45]) {
    const { png, camera } = await renderAtAzimuth(mesh, yaw);
    await sharp(png)
      .toFile(`test-output/head-three-quarter-${yaw}.png`)
      .catch(() => undefined);
    const view = await loadPhoto(png);
    const r = fitHeadModel(fitInput(view), model);
    const visible = r.visible.reduce((a, b) => a + b, 0);
    // The fitted head in its fitted camera against the true head in the render's camera: the overlay
    // the studio shows, and where the photo's texture and hair land.
    const truth = await headCoverage(fit.positions, camera);
    const fitted = await headCoverage(r.positions, r.camera);
    const iou = maskIoU(truth, fitted);
    console.log(
      `rendered yaw ${yaw}: fitted yaw ${r.pose.yaw.toFixed(1)}, median ${(100 * r.reprojectionError.medianFractionOfFaceBox).toFixed(2)} %, visible ${visible}, ` +
        `head overlay IoU ${iou.toFixed(3)}, focal ${r.camera.fx.toFixed(0)} px (render ${camera.fx})`,
    );
    // One facemesh pass on the detector's box and a free focal length gave overlay IoU 0.80/0.84/0.74
    // here (45°: focal 382 px for a 1500 px render, the head shrunk in the view); the mesh re-run until
    // its crop settles gives 0.91/0.89/0.86, and the turned-face focal prior 0.92/0.90/0.88 with the
    // focal at 940–960 px (without it 740–870).
    assert.ok(iou >= 0.85, `head overlay IoU ${iou.toFixed(3)} at ${yaw}°`);
    assert.ok(r.camera.fx > 0.55 * camera.fx, `focal ${r.camera.fx.toFixed(0)} px at ${yaw}°`);
    // Rendering at azimuth +40 shows the head's +X side: the face turns towards the image's left.
    assert.ok(Math.abs(r.pose.yaw + yaw) < 15, `fitted yaw ${r.pose.yaw} for a ${yaw}° view`);
    assert.ok(visible < 440, 'part of the far side is excluded');
    assert.ok(r.reprojectionError.medianFractionOfFaceBox <= 0.02);
  }
});
