/**
 * Built-in estimator benchmark: per test photo, landmark detection, head-model fit and the
 * prior-projection bake (native rasterizer) at 1024² and 2048² — wall and CPU time, reprojection
 * error, pose, confidence. Then robustness cases, detection + fit each: renders of the astronaut's
 * textured head from 45° to 80° yaw (which angles the detector still finds), and the photo with
 * sunglasses, a hand over mouth and chin, and a band over the forehead drawn on it (the same
 * scenes as tests/head/fit-robustness.test.ts, drawn more simply).
 * Run: npx tsx bench/estimate-builtin.ts
 */
import os from 'node:os';
import sharp from 'sharp';
import { fileURLToPath } from 'node:url';
import { detectFaces } from '../src-main/engine/estimate/landmarks/detect-faces';
import { loadHeadModel } from '../src-main/engine/geometry/head-model';
import { fitHeadModel } from '../src-main/engine/estimate/builtin/fit-head-model';
import { bakeHeadTexture } from '../src-main/engine/generate/prior-projection/bake-head-texture';
import type { HeadModel } from '../src-main/engine/geometry/head-model';
import { bakedHead, renderAtAzimuth } from '../tests/head/support/render';

const astronaut = fileURLToPath(new URL('../resources/samples/astronaut.png', import.meta.url));
const photos: { name: string; png: () => Promise<Buffer> }[] = [
  { name: 'astronaut.png', png: () => sharp(astronaut).png().toBuffer() },
  { name: 'astronaut.png mirrored', png: () => sharp(astronaut).flop().png().toBuffer() },
  { name: 'astronaut.png 2× (1024²)', png: () => sharp(astronaut).resize(1024).png().toBuffer() },
];

async function main(): Promise<void> {
  const model = await loadHeadModel();
  console.log(`${os.cpus().length} cores (${os.cpus()[0]?.model}), load ${os.loadavg()[0]!.toFixed(1)}`);
  console.log(
    '| photo | detect ms | fit ms (cpu) | bake 1k ms (cpu) | bake 2k ms (cpu) | median err px | % face box | shape-only px | yaw/pitch/roll ° | confidence |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const p of photos) {
    const png = await p.png();
    const raw = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    let t = performance.now();
    const faces = await detectFaces({ png, width: raw.info.width, height: raw.info.height });
    const detectMs = performance.now() - t;
    const face = faces[0];
    if (!face) {
      console.log(`| ${p.name} | ${detectMs.toFixed(0)} | no face | | | | | | | |`);
      continue;
    }
    // Warm once, then time the second run (the first includes JIT compilation).
    const input = { landmarks: face.landmarks, imageWidth: raw.info.width, imageHeight: raw.info.height };
    fitHeadModel(input, model);
    let cpu = process.cpuUsage();
    t = performance.now();
    const fit = fitHeadModel(input, model);
    const fitMs = performance.now() - t;
    const fitCpu = process.cpuUsage(cpu);
    const bakes: string[] = [];
    for (const textureSize of [1024, 2048] as const) {
      const bakeInput = {
        photoRgba: { data: raw.data, width: raw.info.width, height: raw.info.height },
        positions: fit.positions,
        model,
        camera: fit.camera,
        textureSize,
      };
      await bakeHeadTexture(bakeInput); // warm (addon load, JIT)
      cpu = process.cpuUsage();
      t = performance.now();
      await bakeHeadTexture(bakeInput);
      const bakeCpu = process.cpuUsage(cpu);
      bakes.push(
        `${(performance.now() - t).toFixed(0)} (${((bakeCpu.user + bakeCpu.system) / 1000).toFixed(0)})`,
      );
    }
    const e = fit.reprojectionError;
    const pose = [fit.pose.yaw, fit.pose.pitch, fit.pose.roll].map((a) => a.toFixed(1)).join(' / ');
    console.log(
      `| ${p.name} | ${detectMs.toFixed(0)} | ${fitMs.toFixed(0)} (${((fitCpu.user + fitCpu.system) / 1000).toFixed(0)}) | ${bakes.join(' | ')} | ${e.medianPx.toFixed(2)} | ${(100 * e.medianFractionOfFaceBox).toFixed(2)} | ${e.shapeOnlyMedianPx.toFixed(2)} | ${pose} | ${fit.confidence.toFixed(2)} |`,
    );
  }
  await robustness(model);
}

/** Detection and fit of one scene (fit timed on a second run), as a table row. */
async function robustnessRow(name: string, png: Buffer, model: HeadModel): Promise<void> {
  const { width = 0, height = 0 } = await sharp(png).metadata();
  let t = performance.now();
  const face = (await detectFaces({ png, width, height }))[0];
  const detectMs = performance.now() - t;
  if (!face) {
    console.log(`| ${name} | ${detectMs.toFixed(0)} | no face | | | | |`);
    return;
  }
  const input = { landmarks: face.landmarks, imageWidth: width, imageHeight: height };
  fitHeadModel(input, model);
  t = performance.now();
  const fit = fitHeadModel(input, model);
  const fitMs = performance.now() - t;
  const pose = [fit.pose.yaw, fit.pose.pitch, fit.pose.roll].map((a) => a.toFixed(1)).join(' / ');
  const e = fit.reprojectionError;
  console.log(
    `| ${name} | ${detectMs.toFixed(0)} | ${fitMs.toFixed(0)} | ${(100 * e.medianFractionOfFaceBox).toFixed(2)} | ${((100 * e.shapeOnlyMedianPx) / fit.faceBoxPx).toFixed(2)} | ${pose} | ${fit.confidence.toFixed(2)} |`,
  );
}

async function robustness(model: HeadModel): Promise<void> {
  const png = await sharp(astronaut).png().toBuffer();
  const raw = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const { width: W, height: H } = raw.info;
  const face = (await detectFaces({ png, width: W, height: H }))[0]!;
  const fit = fitHeadModel({ landmarks: face.landmarks, imageWidth: W, imageHeight: H }, model);
  console.log('\nRobustness (detect + fit; fit ms of a second run)\n');
  console.log(
    '| case | detect ms | fit ms | median err % face box | shape-only % | yaw/pitch/roll ° | confidence |',
  );
  console.log('|---|---|---|---|---|---|---|');
  await robustnessRow('astronaut.png (clean)', png, model);

  const mesh = await bakedHead({ data: raw.data, width: W, height: H }, fit, model);
  for (const azimuth of [45, -45, 50, -50, 55, -55, 60, -60, 65, -65, 70, -70, 75, -75, 80, -80]) {
    const { png: view } = await renderAtAzimuth(mesh, azimuth);
    await robustnessRow(`render, head yaw ${-azimuth}°`, view, model);
  }

  // Occluders drawn at the clean photo's landmarks (MediaPipe ids: eye corners 33/133 and 263/362).
  const L = face.landmarks;
  const at = (i: number): [number, number] => [L[i * 3]!, L[i * 3 + 1]!];
  const mid = (a: number, b: number): [number, number] => [
    (at(a)[0] + at(b)[0]) / 2,
    (at(a)[1] + at(b)[1]) / 2,
  ];
  const eyeR = mid(33, 133);
  const eyeL = mid(263, 362);
  const ipd = Math.hypot(eyeL[0] - eyeR[0], eyeL[1] - eyeR[1]);
  const lens = (c: [number, number]) =>
    `<ellipse cx="${c[0]}" cy="${c[1] + 1}" rx="${0.3 * ipd}" ry="${0.24 * ipd}" fill="#141414"/>`;
  const glasses = `${lens(eyeR)}${lens(eyeL)}<line x1="${eyeR[0]}" y1="${eyeR[1] - 2}" x2="${eyeL[0]}" y2="${eyeL[1] - 2}" stroke="#141414" stroke-width="${0.1 * ipd}"/>`;
  const mouth = mid(13, 14);
  const chin = at(152);
  const top = at(2)[1] + 0.25 * (mouth[1] - at(2)[1]);
  const bottom = chin[1] + 0.15 * ipd;
  const handW = 1.35 * Math.hypot(at(61)[0] - at(291)[0], at(61)[1] - at(291)[1]);
  const hand = (fill: string) =>
    `<ellipse cx="${(mouth[0] + chin[0]) / 2}" cy="${(top + bottom) / 2}" rx="${handW / 2}" ry="${(bottom - top) / 2}" fill="${fill}"/>`;
  const bandTop = at(10)[1] - 0.45 * ipd;
  const bandBottom = mid(105, 334)[1] - 0.12 * ipd;
  const band = `<rect x="${at(127)[0] - 0.3 * ipd}" y="${bandTop}" width="${at(356)[0] - at(127)[0] + 0.6 * ipd}" height="${bandBottom - bandTop}" fill="rgb(40,60,120)"/>`;
  const scenes: [string, string][] = [
    ['sunglasses', glasses],
    ['skin-toned hand over mouth and chin', hand('rgb(214,170,150)')],
    ['dark hand over mouth and chin', hand('rgb(35,30,30)')],
    ['band over the forehead', band],
  ];
  for (const [name, shapes] of scenes) {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">${shapes}</svg>`;
    const occluded = await sharp(png)
      .composite([{ input: Buffer.from(svg) }])
      .png()
      .toBuffer();
    await robustnessRow(`astronaut.png, ${name}`, occluded, model);
  }
}

void main();
