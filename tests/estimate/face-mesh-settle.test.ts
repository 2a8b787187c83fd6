/**
 * The face mesh re-run on its own crop until the crop settles (estimate/landmarks/refine-face-mesh.ts)
 * on the real photo that showed why: KPhotoAlbum's new-wave portrait, whose tall quiff filled the
 * detector's box so that one facemesh pass put the whole mesh one feature high.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { detectFaces } from '../../src-main/engine/estimate/landmarks/detect-faces';
import { loadPhoto, NEW_WAVE } from '../support/photos';

const EYE_OUTER = [33, 263];
const NOSE_TIP = 1;
const MOUTH_CORNERS = [61, 291];
const CHIN = 152;

it('kpa_new_wave.jpg (tall quiff): eyes, nose, mouth and chin land on his, not one feature higher', async () => {
  const faces = await detectFaces(await loadPhoto(NEW_WAVE));
  assert.equal(faces.length, 1, `faces: ${faces.map((f) => f.box.map(Math.round).join(',')).join(' | ')}`);
  const lm = faces[0]!.landmarks;
  const y = (i: number) => lm[i * 3 + 1]!;
  console.log(
    `new wave: eye corners y ${EYE_OUTER.map((i) => y(i).toFixed(0)).join('/')}, nose tip ${y(NOSE_TIP).toFixed(0)}, ` +
      `mouth corners ${MOUTH_CORNERS.map((i) => y(i).toFixed(0)).join('/')}, chin ${y(CHIN).toFixed(0)}`,
  );
  // Looked at on the photo (800×549): his outer eye corners at y ≈ 255–262, nose tip ≈ 305, mouth
  // corners ≈ 352, chin ≈ 440. One pass on the detector's box gave 225 (his brows), 263 (between the
  // eyes), ~305 (the nostrils) and 371 (his teeth).
  for (const i of EYE_OUTER) assert.ok(y(i) > 245 && y(i) < 272, `eye corner ${i} at y ${y(i)}`);
  assert.ok(y(NOSE_TIP) > 292 && y(NOSE_TIP) < 318, `nose tip at y ${y(NOSE_TIP)}`);
  for (const i of MOUTH_CORNERS) assert.ok(y(i) > 338 && y(i) < 366, `mouth corner ${i} at y ${y(i)}`);
  assert.ok(y(CHIN) > 425 && y(CHIN) < 458, `chin at y ${y(CHIN)}`);
});
