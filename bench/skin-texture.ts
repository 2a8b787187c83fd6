/**
 * The head's skin texture (prior-projection bake): time per step at the default texture size, and
 * the flatness of unlit renders at eight azimuths, for each sample photo. The bake gets what the
 * generate stage gives it: the person mask and the photo's hair (segmented first, not timed here).
 *
 *   npx tsx bench/skin-texture.ts [runs] [--albedo] [--save <dir>]
 *
 * With --save, writes each photo's texture and turntable renders there.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { loadHeadModel } from '../src-main/engine/geometry/head-model';
import { fitHeadModel } from '../src-main/engine/estimate/builtin/fit-head-model';
import { detectFaces } from '../src-main/engine/estimate/landmarks/detect-faces';
import {
  bakeHeadTexture,
  buildTexturedHead,
} from '../src-main/engine/generate/prior-projection/bake-head-texture';
import { measureFlatness } from '../src-main/engine/generate/prior-projection/flatness';
import { renderView } from '../tests/head/support/turntable';
import { landmarksWithJawLine } from '../src-main/engine/estimate/landmarks/jaw-line';
import { decodeRawImage } from '../src-main/engine/image/raw-image';
import { segmentPerson } from '../src-main/engine/segment/segment-person';
import { segmentPhotoHair } from '../src-main/engine/generate/hair/generate-hair';
import { hairOrHeadwear } from '../src-main/engine/generate/hair/segment-hair';

const args = process.argv.slice(2);
const runs = Number(args.find((a) => /^\d+$/.test(a)) ?? 3);
const albedo = args.includes('--albedo');
const saveAt = args.indexOf('--save');
const saveDir = saveAt >= 0 ? args[saveAt + 1] : undefined;
const PHOTOS = ['resources/samples/astronaut.png', 'resources/samples/grace_hopper.jpg'];
const AZIMUTHS = [0, 45, 90, 135, 180, 225, 270, 315];

const model = await loadHeadModel();
for (const file of PHOTOS) {
  const png = await sharp(file).png().toBuffer();
  const raw = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const { width, height } = raw.info;
  const face = (await detectFaces({ png, width, height }))[0];
  if (!face) throw new Error(`no face in ${file}`);
  const fit = fitHeadModel({ landmarks: face.landmarks, imageWidth: width, imageHeight: height }, model);
  const photoRgba = { data: new Uint8Array(raw.data), width, height };
  const person = await segmentPerson({ png, width, height });
  const personMask = new Uint8Array(
    await sharp(person.maskPng).extractChannel(0).resize(width, height, { fit: 'fill' }).raw().toBuffer(),
  );
  const { landmarks } = await landmarksWithJawLine(await decodeRawImage(png, 3), face.landmarks);
  const { segmentation } = segmentPhotoHair({ photoRgba, personMask, landmarks, model, camera: fit.camera });
  const input = {
    photoRgba,
    mask: { data: personMask, width, height },
    positions: fit.positions,
    model,
    camera: fit.camera,
    textureSize: 1024 as const,
    albedo,
    hairMask: { data: hairOrHeadwear(segmentation), width, height },
  };
  await bakeHeadTexture(input); // warm (addon load, JIT)
  const steps: Record<string, number[]> = {};
  let bake = await bakeHeadTexture(input);
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    bake = await bakeHeadTexture(input);
    (steps['total'] ??= []).push(performance.now() - t0);
    for (const [k, v] of Object.entries(bake.timings)) (steps[k] ??= []).push(v);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  console.log(
    `\n${path.basename(file)} (${width}×${height}), 1024² texture, albedo ${albedo}, median of ${runs}:`,
  );
  for (const [k, v] of Object.entries(steps))
    console.log(`  ${k.padEnd(26)} ${median(v).toFixed(0).padStart(6)} ms`);
  // The steps the flat-fill bake had too (colour probes, the native projections, dilation and PNG).
  const before = ['measure colours', 'project photo', 'dilate and encode'].reduce(
    (t, k) => t + median(steps[k] ?? [0]),
    0,
  );
  console.log(
    `  ${'added by skin synthesis'.padEnd(26)} ${(median(steps['total']!) - before).toFixed(0).padStart(6)} ms`,
  );
  console.log(
    `  coverage ${JSON.stringify(bake.coverage)}, exemplar texels ${bake.synthesis.exemplarTexels}, contrast ${bake.synthesis.exemplarContrast.toFixed(4)}`,
  );
  const l = bake.lighting;
  console.log(
    `  lighting: from (${l.direction.map((x) => x.toFixed(2)).join(', ')}), directionality ${l.directionality.toFixed(2)}, ${l.samples} samples`,
  );

  const mesh = buildTexturedHead({ positions: fit.positions, model, texturePng: bake.texturePng });
  const tex = await sharp(bake.texturePng).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const flat: string[] = [];
  const stem = path.basename(file).replace(/\.[^.]+$/, '');
  if (saveDir) {
    mkdirSync(saveDir, { recursive: true });
    writeFileSync(`${saveDir}/${stem}-texture.png`, bake.texturePng);
  }
  const tiles: Buffer[] = [];
  for (const az of AZIMUTHS) {
    const r = await renderView(
      mesh,
      { data: new Uint8Array(tex.data), width: tex.info.width, height: tex.info.height },
      az,
    );
    const covered = Uint8Array.from(r.triangleId, (t) => (t >= 0 ? 1 : 0));
    flat.push(`${az}°: ${(100 * measureFlatness(r.image, covered).flatShare).toFixed(1)} %`);
    if (saveDir) {
      tiles.push(
        await sharp(Buffer.from(r.image.data), { raw: { width: 512, height: 512, channels: 4 } })
          .extract({ left: 96, top: 64, width: 320, height: 384 })
          .png()
          .toBuffer(),
      );
    }
  }
  console.log(`  flat share per view: ${flat.join(', ')}`);
  if (saveDir) {
    await sharp({ create: { width: 320 * tiles.length, height: 384, channels: 4, background: '#ffffff' } })
      .composite(tiles.map((t, i) => ({ input: t, left: i * 320, top: 0 })))
      .png()
      .toFile(`${saveDir}/${stem}-turntable.png`);
  }
}
