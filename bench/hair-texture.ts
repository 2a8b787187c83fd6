/**
 * The hair's texture (hair/bake-hair-texture.ts): time of the bake at the default texture size, the
 * seam between the projected and the synthesised hair (atlas-seam.ts), and the flatness of unlit
 * renders of head + hair at eight azimuths, for each sample photo.
 *
 *   npx tsx bench/hair-texture.ts [runs] [--save <dir>]
 *
 * With --save, writes each photo's hair texture, its photo weight and lit/unlit turntable strips.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { loadHeadModel } from '../src-main/engine/geometry/head-model';
import { computeVertexNormals } from '../src-main/engine/geometry/textured-mesh';
import { fitHeadModel } from '../src-main/engine/estimate/builtin/fit-head-model';
import { detectFaces } from '../src-main/engine/estimate/landmarks/detect-faces';
import { segmentPerson } from '../src-main/engine/segment/segment-person';
import { generateHair, hairTextureInput } from '../src-main/engine/generate/hair/generate-hair';
import { bakeHairTexture } from '../src-main/engine/generate/hair/bake-hair-texture';
import { measureSeam } from '../src-main/engine/generate/prior-projection/atlas-seam';
import { measureFlatness } from '../src-main/engine/generate/prior-projection/flatness';
import {
  bakeHeadTexture,
  buildTexturedHead,
} from '../src-main/engine/generate/prior-projection/bake-head-texture';
import { renderViews, viewStripPng } from '../src-main/engine/pipeline/render-views';

const args = process.argv.slice(2);
const runs = Number(args.find((a) => /^\d+$/.test(a)) ?? 3);
const saveAt = args.indexOf('--save');
const saveDir = saveAt >= 0 ? args[saveAt + 1] : undefined;
const only = args.indexOf('--only');
const PHOTOS = [
  'resources/samples/astronaut.png',
  'resources/samples/grace_hopper.jpg',
  'resources/samples/cameraman.png',
  // A long beard: its own block of the atlas and texture classes (bake-hair-texture.ts).
  'resources/samples/mendeleev.jpg',
].filter((f) => only < 0 || f.includes(args[only + 1]!));
const AZIMUTHS = [0, 45, 90, 135, 180, 225, 270, 315];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

const model = await loadHeadModel();
if (saveDir) mkdirSync(saveDir, { recursive: true });
for (const file of PHOTOS) {
  const stem = path.basename(file).replace(/\.[^.]+$/, '');
  const png = await sharp(file).png().toBuffer();
  const raw = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const { width, height } = raw.info;
  const photoRgba = { data: new Uint8Array(raw.data), width, height };
  const face = (await detectFaces({ png, width, height }))[0];
  if (!face) throw new Error(`no face in ${file}`);
  const fit = fitHeadModel({ landmarks: face.landmarks, imageWidth: width, imageHeight: height }, model);
  const seg = await segmentPerson({ png, width, height });
  const personMask = new Uint8Array(await sharp(seg.maskPng).extractChannel(0).raw().toBuffer());
  const generated = await generateHair({
    photoRgba,
    personMask,
    landmarks: face.landmarks,
    positions: fit.positions,
    model,
    camera: fit.camera,
    textureSize: 1024,
  });
  // The generator's own shell (with a beard when it found one).
  const { positions, uvs, indices } = generated.mesh;
  const geometry = { positions, uvs, indices };
  const normals = computeVertexNormals(geometry.positions, geometry.indices);
  const input = hairTextureInput(
    { photoRgba, model, positions: fit.positions, camera: fit.camera, textureSize: 1024 },
    generated.segmentation,
    { ...geometry, normals },
    generated.report.params.parting,
  );
  await bakeHairTexture(input); // warm
  const times: number[] = [];
  const cpu: number[] = [];
  const steps: Record<string, number[]> = {};
  let texture = await bakeHairTexture(input);
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    texture = await bakeHairTexture(input);
    times.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
    for (const [k, v] of Object.entries(texture.timings)) (steps[k] ??= []).push(v);
  }
  const atlas = await sharp(texture.png).raw().toBuffer({ resolveWithObject: true });
  const seam = measureSeam(new Uint8Array(atlas.data), atlas.info.channels, texture.photoWeight, 1024);
  const head = await bakeHeadTexture({
    photoRgba,
    positions: fit.positions,
    model,
    camera: fit.camera,
    textureSize: 1024,
  });
  const headMesh = buildTexturedHead({ positions: fit.positions, model, texturePng: head.texturePng });
  const hairMesh = { ...geometry, normals, texturePng: texture.png };
  const unlit = await renderViews([headMesh, hairMesh], AZIMUTHS, { size: 512, shading: 'none' });
  const flat = unlit.map((v) => measureFlatness(v.image, v.covered).flatShare);
  console.log(
    `${stem}: hair texture ${median(times).toFixed(0)} ms (median of ${runs}; CPU time ${median(cpu).toFixed(0)} ms), seen ${(100 * texture.seenShare).toFixed(1)} %, ` +
      `seam: jump ${seam.jump.toFixed(2)} vs inside ${seam.inside.toFixed(2)} (ratio ${seam.ratio.toFixed(2)}), ` +
      `mean step ${seam.meanStep.toFixed(1)}/255 over ${seam.boundaryTexels} boundary texels\n` +
      `  flat share per view ${flat.map((f) => `${(f * 100).toFixed(0)} %`).join(' ')}`,
  );
  console.log(
    `  steps: ${Object.entries(steps)
      .map(([k, v]) => `${k} ${median(v).toFixed(0)}`)
      .join(', ')} ms`,
  );
  if (saveDir) {
    writeFileSync(path.join(saveDir, `${stem}-hair.png`), texture.png);
    const w = Uint8Array.from(texture.photoWeight, (x) => Math.round(255 * x));
    await sharp(w, { raw: { width: 1024, height: 1024, channels: 1 } })
      .png()
      .toFile(path.join(saveDir, `${stem}-hair-weight.png`));
    await sharp(await viewStripPng(unlit)).toFile(path.join(saveDir, `${stem}-unlit.png`));
    const lit = await renderViews([headMesh, hairMesh], AZIMUTHS, { size: 512 });
    await sharp(await viewStripPng(lit)).toFile(path.join(saveDir, `${stem}-lit.png`));
    for (const v of lit)
      await sharp(Buffer.from(v.image.data), { raw: { width: 512, height: 512, channels: 4 } })
        .png()
        .toFile(path.join(saveDir, `${stem}-${String(v.azimuthDeg).padStart(3, '0')}.png`));
  }
}
