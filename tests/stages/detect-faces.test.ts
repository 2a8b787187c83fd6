import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import {
  detectFaces,
  faceMeshTopology,
  selectFace,
  type DetectedFace,
} from '../../src-main/engine/estimate/landmarks/detect-faces';
import { getHumanRuntime } from '../../src-main/engine/runtime/human-runtime';
import { CancelledError, StageError } from '../../src-main/engine/stage-error';
import { ASTRONAUT, COFFEE, loadPhoto, toPhoto, twoFacesPhoto, type Photo } from '../support/photos';

const RIGHT_EYE_OUTER = 33;
const LEFT_EYE_OUTER = 263;
const NOSE_TIP = 1;
const FOREHEAD = 10;
const CHIN = 152;

function point(face: DetectedFace, i: number): [number, number, number] {
  return [face.landmarks[i * 3]!, face.landmarks[i * 3 + 1]!, face.landmarks[i * 3 + 2]!];
}

function eyeLineDegrees(face: DetectedFace): number {
  const r = point(face, RIGHT_EYE_OUTER);
  const l = point(face, LEFT_EYE_OUTER);
  return (Math.atan2(l[1] - r[1], l[0] - r[0]) * 180) / Math.PI;
}

function stageError(fn: () => unknown): StageError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof StageError, `expected a StageError, got ${String(err)}`);
    return err;
  }
  assert.fail('no error thrown');
}

describe('detectFaces on real photos', () => {
  let astronaut: Photo;
  let face: DetectedFace;
  const timings: string[] = [];

  before(async () => {
    astronaut = await loadPhoto(ASTRONAUT);
    let t = performance.now();
    const runtime = await getHumanRuntime();
    timings.push(`runtime start ${(performance.now() - t).toFixed(0)} ms`);
    t = performance.now();
    const faces = await detectFaces(astronaut);
    timings.push(
      `first detectFaces ${(performance.now() - t).toFixed(0)} ms (after runtime warm-up ${runtime.startupMs.toFixed(0)} ms)`,
    );
    assert.equal(faces.length, 1);
    face = faces[0]!;
  });
  after(() => console.log(`[timing] ${timings.join('; ')}`));

  it('finds exactly one confident face with 468 landmarks in astronaut.png', () => {
    assert.ok(face.score > 0.8, `detector score ${face.score}`);
    assert.ok(face.meshScore > 0.9, `mesh score ${face.meshScore}`);
    assert.equal(face.count, 468);
    assert.equal(face.landmarks.length, 468 * 3);
    assert.ok(face.landmarks.every(Number.isFinite));
    // the face is at the top centre of the portrait, ~150 px wide
    const [x, y, w, h] = face.box;
    assert.ok(x > 100 && x + w < 360 && y >= 0 && y + h < 260, `box ${face.box}`);
    assert.ok(w > 100 && w < 250 && h > 100 && h < 250, `box ${face.box}`);
  });

  it('puts every landmark inside the face box, in anatomical order', () => {
    const [x, y, w, h] = face.box;
    for (let i = 0; i < face.count; i++) {
      const [px, py] = point(face, i);
      assert.ok(
        px >= x - 1 && px <= x + w + 1 && py >= y - 1 && py <= y + h + 1,
        `landmark ${i} (${px}, ${py}) outside ${face.box}`,
      );
    }
    const rightEye = point(face, RIGHT_EYE_OUTER);
    const leftEye = point(face, LEFT_EYE_OUTER);
    const nose = point(face, NOSE_TIP);
    // the subject's left eye is on the image's right
    assert.ok(leftEye[0] - rightEye[0] > 40, 'eye corners');
    assert.ok(nose[0] > rightEye[0] && nose[0] < leftEye[0], 'nose between the eyes');
    assert.ok(
      point(face, FOREHEAD)[1] < rightEye[1] && rightEye[1] < nose[1] && nose[1] < point(face, CHIN)[1],
    );
    // MediaPipe z: smaller = closer; the nose tip is nearer the camera than the eye corners
    assert.ok(
      nose[2] < rightEye[2] - 10 && nose[2] < leftEye[2] - 10,
      `z nose ${nose[2]} eyes ${rightEye[2]}, ${leftEye[2]}`,
    );
  });

  it('agrees with Human’s own (whole-pixel) mesh, with z in photo pixels', async () => {
    const runtime = await getHumanRuntime();
    const { data, info } = await sharp(astronaut.png).raw().toBuffer({ resolveWithObject: true });
    const input = runtime.tf.tensor3d(new Uint8Array(data), [info.height, info.width, 3], 'int32');
    const result = await runtime.exclusive((human) => human.detect(input));
    runtime.tf.dispose(input);
    const mesh = result.face[0]!.mesh;
    let xy = 0;
    const zRatios: number[] = [];
    for (let i = 0; i < 468; i++) {
      const [px, py, pz] = point(face, i);
      xy += Math.hypot(mesh[i]![0] + 0.5 - px, mesh[i]![1] + 0.5 - py);
      if (Math.abs(mesh[i]![2]!) > 15) zRatios.push(pz / mesh[i]![2]!);
    }
    assert.ok(xy / 468 < 2, `mean xy distance ${xy / 468} px`);
    // Human leaves z in its 192-px crop units; ours is in photo pixels: ratio = crop size / 192 (~0.75 here)
    zRatios.sort((a, b) => a - b);
    const median = zRatios[zRatios.length >> 1]!;
    assert.ok(median > 0.6 && median < 0.95, `z ratio ${median}`);
  });

  it('maps landmarks back to photo pixels when detecting on a downscaled copy', async () => {
    const big = await toPhoto(sharp(astronaut.png).resize(2048));
    const t = performance.now();
    const faces = await detectFaces(big);
    timings.push(`detectFaces 2048² ${(performance.now() - t).toFixed(0)} ms`);
    assert.equal(faces.length, 1);
    let diff = 0;
    for (let i = 0; i < 468 * 3; i++) diff += Math.abs(faces[0]!.landmarks[i]! - 4 * face.landmarks[i]!);
    assert.ok(diff / (468 * 3) < 6, `mean difference ${diff / (468 * 3)} px at 2048²`);
  });

  it('follows a tilted head (photo rotated 25°)', async () => {
    const tilted = await toPhoto(sharp(astronaut.png).rotate(25, { background: '#ffffff' }));
    const faces = await detectFaces(tilted);
    assert.equal(faces.length, 1);
    const turn = eyeLineDegrees(faces[0]!) - eyeLineDegrees(face);
    assert.ok(Math.abs(turn - 25) < 4, `eye line turned ${turn.toFixed(1)}°`);
  });

  it('finds no face in a photo of a coffee cup and selectFace says so', async () => {
    const faces = await detectFaces(await loadPhoto(COFFEE));
    assert.equal(faces.length, 0);
    const err = stageError(() => selectFace(faces, 'refuse'));
    assert.equal(err.code, 'no-face');
    assert.match(err.hint ?? '', /visible face/);
  });

  it('finds both people in a two-person photo; refuses to guess, picks the largest or an index', async () => {
    const { photo } = await twoFacesPhoto();
    const faces = await detectFaces(photo);
    assert.equal(faces.length, 2);
    assert.ok(faces[0]!.box[0] < faces[1]!.box[0], 'faces are ordered left to right');
    const err = stageError(() => selectFace(faces, 'refuse'));
    assert.equal(err.code, 'several-faces');
    assert.match(err.message, /2 faces/);
    assert.match(err.hint ?? '', /--face largest/);
    assert.match(err.hint ?? '', /--face N/);
    // the left copy is full size, the right one 75 %
    assert.equal(selectFace(faces, 'largest'), faces[0]);
    const ratio = faces[1]!.box[2] / faces[0]!.box[2];
    assert.ok(ratio > 0.65 && ratio < 0.85, `size ratio ${ratio}`);
    assert.equal(selectFace(faces, 1), faces[1]);
    assert.equal(stageError(() => selectFace(faces, 2)).code, 'face-index-out-of-range');
    assert.equal(selectFace([face], 'refuse'), face);
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(detectFaces(astronaut, controller.signal), CancelledError);
  });

  it('exposes the 468-vertex face mesh triangulation and canonical UVs', async () => {
    const { triangles, canonicalUvs } = await faceMeshTopology();
    assert.ok(triangles.length % 3 === 0 && triangles.length / 3 > 800, `${triangles.length / 3} triangles`);
    assert.equal(Math.max(...triangles), 467);
    assert.equal(new Set(triangles).size, 468, 'every landmark is used');
    assert.equal(canonicalUvs.length, 468 * 2);
    assert.ok(canonicalUvs.every((v) => v >= 0 && v <= 1));
  });
});
