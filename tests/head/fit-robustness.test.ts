/**
 * Robustness of the built-in head fit on the real detector's landmarks: near-profile renders of the
 * astronaut's textured head, and astronaut.png with sunglasses, a hand over the mouth and chin, and
 * a band over the forehead drawn on it. Each image and an overlay of the fitted landmarks go to
 * test-output/fit-robustness/ (grey dots: detections, green: fitted visible, red: fitted hidden).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import sharp from 'sharp';
import { loadHeadModel, modelLandmarks } from '../../src-main/engine/geometry/head-model';
import { projectPoint } from '../../src-main/engine/geometry/camera';
import {
  fitHeadModel,
  poseAngles,
  type FitResult,
} from '../../src-main/engine/estimate/builtin/fit-head-model';
import { detectFaces, selectFace } from '../../src-main/engine/estimate/landmarks/detect-faces';
import { StageError } from '../../src-main/engine/stage-error';
import { ASTRONAUT, loadPhoto } from './support/photos';
import { bakedHead, renderAtAzimuth } from './support/render';

const OUT = 'test-output/fit-robustness';
await mkdir(OUT, { recursive: true });
const model = await loadHeadModel();
const clean = await loadPhoto(ASTRONAUT);
const W = clean.rgba.width;
const H = clean.rgba.height;
const cleanFit = fitHeadModel({ landmarks: clean.face.landmarks, imageWidth: W, imageHeight: H }, model);

/** Detection and fit the way the estimate stage does them ('refuse': exactly one face). */
async function detectAndFit(png: Buffer, width: number, height: number) {
  const face = selectFace(await detectFaces({ png, width, height }), 'refuse');
  return {
    face,
    fit: fitHeadModel({ landmarks: face.landmarks, imageWidth: width, imageHeight: height }, model),
  };
}

const pct = (x: number) => `${(100 * x).toFixed(2)} %`;
const pose = (f: FitResult) => [f.pose.yaw, f.pose.pitch, f.pose.roll].map((a) => a.toFixed(1)).join('/');

function medianDistance(
  a: ArrayLike<number>,
  aStride: number,
  b: ArrayLike<number>,
  bStride: number,
  ids: number[],
) {
  const d = ids.map((i) =>
    Math.hypot(a[i * aStride]! - b[i * bStride]!, a[i * aStride + 1]! - b[i * bStride + 1]!),
  );
  d.sort((x, y) => x - y);
  return d[d.length >> 1]!;
}

async function saveCase(name: string, png: Buffer, detections: Float32Array, fit: FitResult): Promise<void> {
  const scale = 2;
  const dots: string[] = [];
  for (let i = 0; i < 468; i++) {
    dots.push(
      `<circle cx="${detections[i * 3]! * scale}" cy="${detections[i * 3 + 1]! * scale}" r="1.6" fill="#bbb"/>`,
    );
  }
  for (let i = 0; i < 468; i++) {
    const colour = fit.visible[i] ? '#2f2' : '#f33';
    dots.push(
      `<circle cx="${fit.landmarks2d[i * 2]! * scale}" cy="${fit.landmarks2d[i * 2 + 1]! * scale}" r="1.1" fill="${colour}"/>`,
    );
  }
  const { width = W, height = H } = await sharp(png).metadata();
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width * scale}" height="${height * scale}">${dots.join('')}</svg>`;
  await sharp(png).toFile(`${OUT}/${name}.png`);
  await sharp(png)
    .resize(width * scale, height * scale)
    .composite([{ input: Buffer.from(svg) }])
    .png()
    .toFile(`${OUT}/${name}-overlay.png`);
}

test('near-profile renders (±60°, ±75° yaw): fitted when the detector finds the face, else a clear no-face error', async () => {
  // No real profile portrait with a clear licence ships here; renders of the astronaut's fitted,
  // textured head stand in, as in fit-head-model.test.ts's 3/4 test.
  const mesh = await bakedHead(clean.rgba, cleanFit, model);
  const truthLandmarks = modelLandmarks(model, cleanFit.positions);
  const found: number[] = [];
  for (const azimuth of [60, -60, 75, -75]) {
    const { png, camera: cam } = await renderAtAzimuth(mesh, azimuth);
    const trueYaw = poseAngles(cam.R).yaw; // the head's yaw in this view (−azimuth)
    let result: Awaited<ReturnType<typeof detectAndFit>>;
    try {
      result = await detectAndFit(png, 512, 512);
    } catch (e) {
      assert.ok(
        e instanceof StageError && e.code === 'no-face',
        `expected a no-face error, got ${String(e)}`,
      );
      assert.ok(e.hint && e.hint.length > 0, 'the no-face error tells the user what to do');
      await sharp(png).toFile(`${OUT}/yaw${azimuth}-no-face.png`);
      console.log(`view yaw ${trueYaw.toFixed(0)}°: no face (${e.message})`);
      continue;
    }
    const { face, fit } = result;
    await saveCase(`yaw${azimuth}`, png, face.landmarks, fit);
    // Truth: the rendered head's own landmarks through the render camera.
    const truth = new Float32Array(468 * 2);
    for (let i = 0; i < 468; i++) {
      const [u, v] = projectPoint(
        cam,
        truthLandmarks[i * 3]!,
        truthLandmarks[i * 3 + 1]!,
        truthLandmarks[i * 3 + 2]!,
      );
      truth[i * 2] = u;
      truth[i * 2 + 1] = v;
    }
    const ids = [...fit.visible.keys()].filter((i) => fit.visible[i]);
    const detError = medianDistance(face.landmarks, 3, truth, 2, ids) / fit.faceBoxPx;
    const fitError = medianDistance(fit.landmarks2d, 2, truth, 2, ids) / fit.faceBoxPx;
    console.log(
      `view yaw ${trueYaw.toFixed(0)}°: fitted yaw/pitch/roll ${pose(fit)}, median error ${pct(fit.reprojectionError.medianFractionOfFaceBox)} of ${fit.faceBoxPx.toFixed(0)} px (shape only ${pct(fit.reprojectionError.shapeOnlyMedianPx / fit.faceBoxPx)}), visible ${ids.length}, confidence ${fit.confidence.toFixed(2)}; vs the rendered truth: detections ${pct(detError)}, fit ${pct(fitError)}`,
    );
    found.push(Math.round(Math.abs(trueYaw)));
    assert.ok(fit.reprojectionError.medianFractionOfFaceBox <= 0.02, 'median error ≤ 2 % of the face box');
    assert.equal(Math.sign(fit.pose.yaw), Math.sign(trueYaw), 'yaw turns the right way');
    // The detector's landmarks under-turn a near-profile face (with exact landmarks the fit recovers
    // yaw within 2° up to 75°), so the bound is loose.
    assert.ok(Math.abs(fit.pose.yaw - trueYaw) < 20, `fitted yaw ${fit.pose.yaw} for a ${trueYaw}° view`);
    assert.ok(ids.length < 380, 'the far side is excluded');
    assert.ok(fitError <= detError + 0.01, 'the fit adds at most 1 % of the face box to the detector error');
    assert.ok(fit.confidence > 0 && fit.confidence <= 1);
  }
  console.log(`largest yaw fitted here: ${Math.max(...found)}° (bench/estimate-builtin.ts scans 5° steps)`);
  assert.equal(found.filter((y) => y === 60).length, 2, 'both 60° views are fitted');
});

// MediaPipe face-mesh landmark ids (subject's right eye = image left).
const RIGHT_EYE = [33, 7, 163, 144, 145, 153, 154, 155, 133, 173, 157, 158, 159, 160, 161, 246];
const LEFT_EYE = [263, 249, 390, 373, 374, 380, 381, 382, 362, 398, 384, 385, 386, 387, 388, 466];
const MOUTH = [61, 291, 0, 17, 13, 14, 78, 308, 37, 267, 84, 314];
const CHIN = [152, 148, 377, 176, 400, 175];
const FOREHEAD = [10, 109, 338, 67, 297, 151, 108, 337, 69, 299];

const L = clean.face.landmarks;
const at = (i: number): [number, number] => [L[i * 3]!, L[i * 3 + 1]!];
const mean = (ids: number[]): [number, number] => [
  ids.reduce((s, i) => s + at(i)[0], 0) / ids.length,
  ids.reduce((s, i) => s + at(i)[1], 0) / ids.length,
];
const dist = (a: [number, number], b: [number, number]) => Math.hypot(a[0] - b[0], a[1] - b[1]);

function skinTone(): string {
  // Mean colour around the cheeks and the nose bridge of the clean photo.
  let r = 0,
    g = 0,
    b = 0,
    n = 0;
  for (const i of [50, 280, 6, 197, 101, 330]) {
    const [x, y] = at(i);
    for (let dy = -2; dy <= 2; dy++) {
      for (let dx = -2; dx <= 2; dx++) {
        const o = ((Math.round(y) + dy) * W + Math.round(x) + dx) * 4;
        r += clean.rgba.data[o]!;
        g += clean.rgba.data[o + 1]!;
        b += clean.rgba.data[o + 2]!;
        n++;
      }
    }
  }
  return `rgb(${Math.round(r / n)},${Math.round(g / n)},${Math.round(b / n)})`;
}

/** SVG shapes (photo pixels) drawn over the clean photo. */
function occluders() {
  const eyeR = mean(RIGHT_EYE);
  const eyeL = mean(LEFT_EYE);
  const ipd = dist(eyeR, eyeL);
  const tilt = (Math.atan2(eyeL[1] - eyeR[1], eyeL[0] - eyeR[0]) * 180) / Math.PI;
  const mid: [number, number] = [(eyeR[0] + eyeL[0]) / 2, (eyeR[1] + eyeL[1]) / 2];
  const [fx, fy] = at(127);
  const [gx, gy] = at(356);
  const lensRx = 0.3 * ipd;
  const lensRy = 0.24 * ipd;
  const glasses =
    `<g transform="rotate(${tilt} ${mid[0]} ${mid[1]})" fill="#141414" stroke="#141414">` +
    `<ellipse cx="${mid[0] - ipd / 2}" cy="${mid[1] + 1}" rx="${lensRx}" ry="${lensRy}"/>` +
    `<ellipse cx="${mid[0] + ipd / 2}" cy="${mid[1] + 1}" rx="${lensRx}" ry="${lensRy}"/>` +
    `<rect x="${mid[0] - ipd / 2 + lensRx * 0.8}" y="${mid[1] - lensRy * 0.55}" width="${ipd - 1.6 * lensRx}" height="${0.12 * ipd}"/>` +
    `</g>` +
    `<line x1="${mid[0] - ipd / 2 - lensRx * 0.95}" y1="${eyeR[1] - 2}" x2="${fx}" y2="${fy}" stroke="#141414" stroke-width="2"/>` +
    `<line x1="${mid[0] + ipd / 2 + lensRx * 0.95}" y1="${eyeL[1] - 2}" x2="${gx}" y2="${gy}" stroke="#141414" stroke-width="2"/>`;
  // A hand over mouth and chin: a skin-toned blob from below the nose to below the chin, with
  // finger gaps, wider than the mouth.
  const mouth = mean(MOUTH);
  const chin = mean(CHIN);
  const noseBase = at(2);
  const handTop = noseBase[1] + 0.25 * (mouth[1] - noseBase[1]);
  const handBottom = chin[1] + 0.15 * ipd;
  const handW = 1.35 * dist(at(61), at(291));
  const cx = (mouth[0] + chin[0]) / 2;
  const skin = skinTone();
  const fingers = [0.3, 0.5, 0.7]
    .map(
      (s) =>
        `<line x1="${cx - handW / 2}" y1="${handTop + s * (handBottom - handTop)}" x2="${cx + handW / 2}" y2="${handTop + s * (handBottom - handTop) - 2}" stroke="rgb(120,80,70)" stroke-width="1"/>`,
    )
    .join('');
  const hand =
    `<ellipse cx="${cx}" cy="${(handTop + handBottom) / 2}" rx="${handW / 2}" ry="${(handBottom - handTop) / 2}" fill="${skin}"/>` +
    fingers;
  // A band over the forehead: from above the hairline landmarks down to just above the brows.
  const brows = mean([105, 334, 66, 296]);
  const top = Math.min(...FOREHEAD.map((i) => at(i)[1])) - 0.3 * ipd;
  const bandBottom = brows[1] - 0.12 * ipd;
  const band = `<rect x="${at(127)[0] - 0.3 * ipd}" y="${top}" width="${at(356)[0] - at(127)[0] + 0.6 * ipd}" height="${bandBottom - top}" fill="rgb(40,60,120)"/>`;
  // The same hand in a dark glove; a bigger one up to the nostrils.
  const darkHand = hand.replace(skin, 'rgb(35,30,30)');
  const bigTop = noseBase[1] - 0.1 * ipd;
  const bigHand = `<ellipse cx="${cx}" cy="${(bigTop + handBottom) / 2}" rx="${0.8 * handW}" ry="${(handBottom - bigTop) / 2}" fill="${skin}"/>`;
  // A skin-toned panel over the face's left half (image right) from just beside the nose: the
  // left eye, cheek and mouth corner hidden.
  const nose = at(1);
  const halfFace = `<rect x="${nose[0] + 2}" y="${at(10)[1] + 5}" width="${at(356)[0] - nose[0] + 10}" height="${chin[1] - at(10)[1]}" fill="${skin}"/>`;
  return { glasses, hand, band, darkHand, bigHand, halfFace };
}

async function occluded(shapes: string): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">${shapes}</svg>`;
  return sharp(clean.png)
    .composite([{ input: Buffer.from(svg) }])
    .png()
    .toBuffer();
}

const shapes = occluders();
const cases: { name: string; svg: string; covered: number[]; lowerConfidence: boolean }[] = [
  { name: 'sunglasses', svg: shapes.glasses, covered: [...RIGHT_EYE, ...LEFT_EYE], lowerConfidence: false },
  { name: 'hand-over-mouth', svg: shapes.hand, covered: [...MOUTH, ...CHIN], lowerConfidence: true },
  { name: 'dark-hand', svg: shapes.darkHand, covered: [...MOUTH, ...CHIN], lowerConfidence: true },
  { name: 'big-hand', svg: shapes.bigHand, covered: [...MOUTH, ...CHIN], lowerConfidence: true },
  { name: 'half-face-cover', svg: shapes.halfFace, covered: LEFT_EYE, lowerConfidence: true },
  { name: 'forehead-band', svg: shapes.band, covered: FOREHEAD, lowerConfidence: true },
];

for (const c of cases) {
  test(`astronaut.png with ${c.name}: fits within 2 %, pose close to the clean photo's, confidence reported`, async () => {
    const png = await occluded(c.svg);
    const { face, fit } = await detectAndFit(png, W, H);
    await saveCase(c.name, png, face.landmarks, fit);
    const all = [...Array(468).keys()];
    // The clean photo's detections are the truth for where the covered landmarks really are.
    const vsClean = medianDistance(fit.landmarks2d, 2, L, 3, all) / fit.faceBoxPx;
    const coveredVsClean = medianDistance(fit.landmarks2d, 2, L, 3, c.covered) / fit.faceBoxPx;
    const detectedCoveredVsClean = medianDistance(face.landmarks, 3, L, 3, c.covered) / fit.faceBoxPx;
    const dPose = {
      yaw: fit.pose.yaw - cleanFit.pose.yaw,
      pitch: fit.pose.pitch - cleanFit.pose.pitch,
      roll: fit.pose.roll - cleanFit.pose.roll,
    };
    console.log(
      `${c.name}: median error ${pct(fit.reprojectionError.medianFractionOfFaceBox)} of ${fit.faceBoxPx.toFixed(0)} px (shape only ${pct(fit.reprojectionError.shapeOnlyMedianPx / fit.faceBoxPx)}); vs the clean photo's detections: all ${pct(vsClean)}, covered ${pct(coveredVsClean)} (the detector's own ${pct(detectedCoveredVsClean)}); pose ${pose(fit)} (clean ${pose(cleanFit)}); confidence ${fit.confidence.toFixed(2)} (clean ${cleanFit.confidence.toFixed(2)}); detector score ${face.score.toFixed(2)}, mesh ${face.meshScore.toFixed(2)}`,
    );
    assert.ok(fit.reprojectionError.medianFractionOfFaceBox <= 0.02, 'median error ≤ 2 % of the face box');
    assert.ok(
      vsClean <= 0.02,
      `fitted landmarks within 2 % of the clean photo's detections (${pct(vsClean)})`,
    );
    // Under the occluder the detector guesses; the fit may follow the guess but not stray further.
    assert.ok(
      coveredVsClean <= detectedCoveredVsClean + 0.01,
      `covered landmarks ${pct(coveredVsClean)} from the truth, detector ${pct(detectedCoveredVsClean)}`,
    );
    for (const [axis, d] of Object.entries(dPose)) {
      assert.ok(Math.abs(d) < 6, `${axis} differs from the clean fit by ${d.toFixed(1)}°`);
    }
    assert.ok(fit.confidence > 0, 'confidence stays above 0');
    if (c.lowerConfidence) {
      assert.ok(
        fit.confidence < cleanFit.confidence,
        `confidence ${fit.confidence} vs clean ${cleanFit.confidence}`,
      );
    }
  });
}
