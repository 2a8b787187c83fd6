/**
 * The face's outline below the eyes from face-api's jaw contour (estimate/landmarks/): on real
 * photos, and the fusion's rules on MediaPipe landmarks with a jaw contour made to measure.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { detectFaces, type DetectedFace } from '../../src-main/engine/estimate/landmarks/detect-faces';
import { detectJawContour, JAW_POINTS } from '../../src-main/engine/estimate/landmarks/detect-jaw-contour';
import { fuseJawContour } from '../../src-main/engine/estimate/landmarks/fuse-jaw-contour';
import { decodeRawImage } from '../../src-main/engine/image/raw-image';
import { ASTRONAUT, JESPER, loadPhoto } from '../support/photos';

const CHIN = 152;
const NOSE_TIP = 1;
const MOUTH_CORNERS = [61, 291];
const FOREHEAD = 10;
const EYE_OUTER = [33, 263];
const CHEEKS = [234, 454];

type Rgb = Awaited<ReturnType<typeof decodeRawImage>>;

async function faceIn(file: string): Promise<{ rgb: Rgb; face: DetectedFace }> {
  const photo = await loadPhoto(file);
  const faces = await detectFaces(photo);
  assert.equal(faces.length, 1);
  return { rgb: await decodeRawImage(photo.png, 3), face: faces[0]! };
}

const xy = (lm: Float32Array, i: number): [number, number] => [lm[i * 3]!, lm[i * 3 + 1]!];

describe('jaw contour on real photos', () => {
  let jesper: { rgb: Rgb; face: DetectedFace };
  let astronaut: { rgb: Rgb; face: DetectedFace };
  before(async () => {
    jesper = await faceIn(JESPER);
    astronaut = await faceIn(ASTRONAUT);
  });

  it('kpa_jesper.jpg: the settled face mesh finds his chin, and the jaw contour agrees with it', async () => {
    const lm = jesper.face.landmarks;
    const jaw = await detectJawContour(jesper.rgb, lm, 3);
    assert.ok(jaw, 'no jaw contour');
    assert.equal(jaw.length, JAW_POINTS * 2);
    const fused = fuseJawContour(lm, 3, jaw);
    assert.ok(fused.applied, fused.reason);
    const [, chinBefore] = xy(lm, CHIN);
    const [, chinAfter] = xy(fused.landmarks, CHIN);
    console.log(
      `jaw kpa_jesper: chin y ${chinBefore.toFixed(0)} → ${chinAfter.toFixed(0)} px, median move ${fused.medianMovePx.toFixed(1)} px`,
    );
    // His chin's lower edge is at y ≈ 405–415 in the photo (looked at: the shadow under it). One
    // facemesh pass on the detector's box put it at 382 and the jaw contour had to move it ~30 px;
    // the mesh re-run until its crop settles finds it itself.
    assert.ok(chinBefore > 395 && chinBefore < 430, `face mesh chin at ${chinBefore}`);
    assert.ok(chinAfter > 395 && chinAfter < 430, `chin at ${chinAfter}`);
    assert.ok(fused.medianMovePx < 6, `median move ${fused.medianMovePx} px`);
    for (const i of [...MOUTH_CORNERS, NOSE_TIP, FOREHEAD, ...EYE_OUTER])
      assert.deepEqual(xy(fused.landmarks, i), xy(lm, i), `landmark ${i} moved`);
  });

  it('astronaut.png: the two detectors agree, the outline moves a few pixels', async () => {
    const lm = astronaut.face.landmarks;
    const jaw = await detectJawContour(astronaut.rgb, lm, 3);
    assert.ok(jaw);
    const fused = fuseJawContour(lm, 3, jaw);
    assert.ok(fused.applied, fused.reason);
    assert.ok(fused.medianMovePx < 6, `median move ${fused.medianMovePx} px`);
  });

  it('fusion: each oval point lands on the contour; a turned head and a wrong face are left alone', () => {
    const lm = astronaut.face.landmarks;
    // A contour 10 % out from the nose tip through the lower oval, as a jaw line further out would be.
    const [nx, ny] = xy(lm, NOSE_TIP);
    const oval = [454, 361, 397, 379, 400, CHIN, 176, 150, 172, 132, 234];
    const jaw = new Float32Array(
      oval.flatMap((i) => [nx + (xy(lm, i)[0] - nx) * 1.1, ny + (xy(lm, i)[1] - ny) * 1.1]),
    );
    const fused = fuseJawContour(lm, 3, jaw);
    assert.ok(fused.applied, fused.reason);
    const [, chinY] = xy(fused.landmarks, CHIN);
    assert.ok(Math.abs(chinY - (ny + (xy(lm, CHIN)[1] - ny) * 1.1)) < 0.5, `chin at ${chinY}`);
    // Inside the chin follows part of the way; the depth column is untouched.
    for (let i = 0; i < lm.length; i += 3) assert.equal(fused.landmarks[i + 2], lm[i + 2]);

    const turned = Float32Array.from(lm);
    turned[NOSE_TIP * 3] = xy(lm, CHEEKS[0]!)[0] + 0.1 * (xy(lm, CHEEKS[1]!)[0] - xy(lm, CHEEKS[0]!)[0]);
    const t = fuseJawContour(turned, 3, jaw);
    assert.equal(t.applied, false);
    assert.match(t.reason!, /turned/);
    assert.deepEqual(t.landmarks, turned);

    const elsewhere = jaw.map((v, i) => (i % 2 ? v + 150 : v));
    const e = fuseJawContour(lm, 3, elsewhere);
    assert.equal(e.applied, false);
    assert.deepEqual(e.landmarks, lm);
  });
});
