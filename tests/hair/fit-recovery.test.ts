/**
 * The fit recovers styles the sample photos do not have (long, bob, afro, bun): a style's own
 * silhouette in the astronaut's fitted camera is the target, and the fit must find a style of the same
 * family that covers it (IoU ≥ 0.9). With no long-haired photo under a clear licence in the repository,
 * this is how long hair is checked end to end through the real renderer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitHeadModel } from '../../src-main/engine/estimate/builtin/fit-head-model';
import { buildHairMesh, HAIR_MESH_COARSE } from '../../src-main/engine/generate/hair/build-hair-mesh';
import {
  fitHairstyle,
  maskIoU,
  renderHairSilhouette,
  silhouetteScene,
} from '../../src-main/engine/generate/hair/fit-hairstyle';
import { headRadialField } from '../../src-main/engine/generate/hair/head-radial-field';
import {
  HAIRSTYLE_IDS,
  HAIRSTYLE_PRESETS,
  hairShape,
  type HairstyleId,
} from '../../src-main/engine/generate/hair/hairstyle-library';
import { loadHeadModel } from '../../src-main/engine/geometry/head-model';
import { ASTRONAUT, loadPhoto } from '../head/support/photos';

const model = await loadHeadModel();
const photo = await loadPhoto(ASTRONAUT);
const { width, height } = photo.rgba;
const fit = fitHeadModel({ landmarks: photo.face.landmarks, imageWidth: width, imageHeight: height }, model);
const field = headRadialField(model, fit.positions);
/** The astronaut's fitted camera with no hair in the photo: the target is drawn by the test. */
const emptyScene = () =>
  silhouetteScene({
    model,
    positions: fit.positions,
    camera: fit.camera,
    hairMask: new Uint8Array(width * height),
    maskWidth: width,
    maskHeight: height,
  });

/** Styles whose silhouettes can be told apart in a front view; the family each belongs to. */
const FAMILY: Partial<Record<HairstyleId, string>> = {
  'long-straight': 'long',
  'long-wavy': 'long',
  bob: 'bob',
  afro: 'afro',
};
const familyOf = (style: HairstyleId) => FAMILY[style] ?? 'short';

for (const style of ['long-straight', 'long-wavy', 'bob', 'afro'] as const) {
  test(`a ${style} silhouette is fitted by a ${familyOf(style)} style`, async () => {
    // Not the preset the fit starts from: fuller, shorter, parted.
    const preset = HAIRSTYLE_PRESETS[style];
    const truth = {
      ...preset,
      volume: preset.volume * 1.25,
      sideVolume: preset.sideVolume * 1.2,
      length: preset.length * 0.85,
      parting: 0.3,
    };
    const base = emptyScene();
    const target = await renderHairSilhouette(base, buildHairMesh(field, hairShape(field, truth)));
    const t0 = performance.now();
    const result = await fitHairstyle({ ...base, target }, field);
    console.log(
      `${style}: fitted ${result.params.style} IoU ${result.iou.toFixed(3)} in ${(performance.now() - t0).toFixed(0)} ms ` +
        `(${result.evaluations} renders); length ${result.params.length.toFixed(2)} m`,
    );
    assert.equal(familyOf(result.params.style), familyOf(style), `fitted ${result.params.style}`);
    assert.ok(result.iou >= 0.9, `IoU ${result.iou.toFixed(3)}`);
  });
}

test("the fit's coarse mesh draws the exported mesh's silhouette, long hair included", async () => {
  // Until 2026-12-05 a curtain's last ring drew in to the neck and its rows lay centimetres apart at
  // its end, so the coarse mesh ended a long curtain higher than the exported one: mendeleev.jpg's fit
  // chose 15 cm of hair and reported IoU 0.723 for an exported silhouette of 0.648.
  const scene = emptyScene();
  const agreement: string[] = [];
  let worst = 1;
  for (const style of HAIRSTYLE_IDS) {
    const shape = hairShape(field, HAIRSTYLE_PRESETS[style]);
    const coarse = await renderHairSilhouette(scene, buildHairMesh(field, shape, HAIR_MESH_COARSE));
    const full = await renderHairSilhouette(scene, buildHairMesh(field, shape));
    const iou = maskIoU(coarse, full);
    agreement.push(`${style} ${iou.toFixed(3)}`);
    worst = Math.min(worst, iou);
  }
  console.log(`coarse against exported silhouette: ${agreement.join(', ')}`);
  assert.ok(worst >= 0.97, agreement.join(', '));
});
