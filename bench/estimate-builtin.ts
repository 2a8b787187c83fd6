/**
 * Built-in estimator benchmark: per test photo, landmark detection, head-model fit and the
 * prior-projection bake (native rasterizer) at 1024² and 2048² — wall and CPU time, reprojection
 * error, pose, confidence.
 * Run: npx tsx bench/estimate-builtin.ts
 */
import os from 'node:os';
import sharp from 'sharp';
import { fileURLToPath } from 'node:url';
import { detectFaces } from '../src-main/engine/estimate/landmarks/detect-faces';
import { loadHeadModel } from '../src-main/engine/geometry/head-model';
import { fitHeadModel } from '../src-main/engine/estimate/builtin/fit-head-model';
import { bakeHeadTexture } from '../src-main/engine/generate/prior-projection/bake-head-texture';

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
}

void main();
