/**
 * Hair on the real sample photos: segmentation (hair above the forehead, none on the face, the cap
 * recognised as headwear), the fitted style's silhouette IoU in the photo's view, a closed UV-mapped
 * shell that covers the scalp, a texture that is not flat, and the hair as its own object in GLB/OBJ.
 * Images go to test-output/hair/ (photo with masks, turntables at 0/90/180/270°) — look at them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { NodeIO } from '@gltf-transform/core';
import validator from 'gltf-validator';
import sharp from 'sharp';
import { fitHeadModel } from '../../src-main/engine/estimate/builtin/fit-head-model';
import { exportHead, EXPORT_PRESETS, HAIR_OBJECT } from '../../src-main/engine/export';
import {
  generateHair,
  hairFitScene,
  hairTextureInput,
  type GeneratedHair,
} from '../../src-main/engine/generate/hair/generate-hair';
import { buildBeardMesh, type BeardShape } from '../../src-main/engine/generate/hair/build-beard-mesh';
import {
  BEARD_ATLAS,
  buildHairMesh,
  HAIR_ATLAS,
  HAIR_ATLAS_BESIDE_BEARD,
  HAIR_MESH_FULL,
} from '../../src-main/engine/generate/hair/build-hair-mesh';
import { bakeHairTexture, typicalHairColour } from '../../src-main/engine/generate/hair/bake-hair-texture';
import { headRadialField, sampleField } from '../../src-main/engine/generate/hair/head-radial-field';
import { labDistance, rgbaToLab, type Lab } from '../../src-main/engine/generate/hair/photo-colours';
import { HAIRSTYLE_PRESETS, hairShape } from '../../src-main/engine/generate/hair/hairstyle-library';
import {
  fitHairstyle,
  maskIoU,
  renderHairSilhouette,
} from '../../src-main/engine/generate/hair/fit-hairstyle';
import { toFaceLocal } from '../../src-main/engine/generate/hair/face-frame';
import {
  coveringSkin,
  hairOrHeadwear,
  leftToHairObject,
} from '../../src-main/engine/generate/hair/segment-hair';
import { eyebrowRgb } from '../../src-main/engine/generate/hair/hair-in-photo';
import { HAIR_FIT_UNUSABLE, HAIR_IN_PHOTO_MIN, hairFitNote } from '../../src-main/shared/hair-fit';
import {
  bakeHeadTexture,
  buildTexturedHead,
} from '../../src-main/engine/generate/prior-projection/bake-head-texture';
import { bakedHead, renderTextured } from '../head/support/render';
import { loadHeadModel, modelLandmarks } from '../../src-main/engine/geometry/head-model';
import { orbitCamera } from '../../src-main/engine/geometry/camera';
import {
  computeVertexNormals,
  joinMeshes,
  type TexturedMesh,
} from '../../src-main/engine/geometry/textured-mesh';
import { renderTexturedMesh } from '../../src-main/engine/native/native-addon';
import { decodeRawImage } from '../../src-main/engine/image/raw-image';
import { landmarksWithJawLine } from '../../src-main/engine/estimate/landmarks/jaw-line';
import { segmentPerson } from '../../src-main/engine/segment/segment-person';
import {
  ASTRONAUT,
  CAMERAMAN,
  CHILD_HEADSCARF,
  GRACE_HOPPER,
  JESPER,
  JESPER_TILT,
  PETSC_SARICH,
  PETSC_SEAN,
  MARIE_CURIE,
  NEW_WAVE,
  PETSC_DAVE,
} from '../support/photos';
import { loadPhoto } from '../head/support/photos';
import { distanceToMask } from '../../src-main/engine/image/chamfer-distance';
import { importInBlender, removeTempDirs, tempDir } from '../export/support';

const OUT = path.resolve(import.meta.dirname, '../../test-output/hair');
mkdirSync(OUT, { recursive: true });
const model = await loadHeadModel();

interface Case {
  name: string;
  photo: Awaited<ReturnType<typeof loadPhoto>>;
  /** The landmarks the pipeline's later stages read: the face mesh with face-api's jaw contour fused. */
  landmarks: Float32Array;
  fit: ReturnType<typeof fitHeadModel>;
  personMask: Uint8Array;
  hair: GeneratedHair;
  ms: number;
}

async function runCase(name: string, file: string): Promise<Case> {
  const photo = await loadPhoto(file);
  const { width, height } = photo.rgba;
  const { landmarks } = await landmarksWithJawLine(await decodeRawImage(photo.png, 3), photo.face.landmarks);
  const seg = await segmentPerson({ png: photo.png, width, height });
  const personMask = new Uint8Array(await sharp(seg.maskPng).extractChannel(0).raw().toBuffer());
  const fit = fitHeadModel({ landmarks, imageWidth: width, imageHeight: height }, model);
  const t0 = performance.now();
  const hair = await generateHair({
    photoRgba: photo.rgba,
    personMask,
    landmarks,
    positions: fit.positions,
    model,
    camera: fit.camera,
    textureSize: 1024,
  });
  return { name, photo, landmarks, fit, personMask, hair, ms: performance.now() - t0 };
}

const cases = [
  await runCase('astronaut', ASTRONAUT),
  await runCase('grace_hopper', GRACE_HOPPER),
  await runCase('kpa_jesper', JESPER),
];
for (const c of cases) {
  const r = c.hair.report;
  console.log(
    `${c.name}: ${r.style} IoU ${r.iou.toFixed(3)} headwear ${r.headwear} in ${c.ms.toFixed(0)} ms ` +
      `${JSON.stringify(r.ms)} params ${JSON.stringify(r.params)} outline ${JSON.stringify(r.outline)}`,
  );
}

test('segmentation: hair (or a cap) above the forehead, none on the face below the brows', async () => {
  for (const c of cases) {
    const seg = c.hair.segmentation;
    const lm = c.landmarks;
    const foreheadY = toFaceLocal(seg.frame, lm[10 * 3]!, lm[10 * 3 + 1]!)[1];
    let above = 0,
      aboveHair = 0,
      face = 0,
      faceHair = 0;
    const overlay = Buffer.from(c.photo.rgba.data);
    for (let p = 0; p < seg.width * seg.height; p++) {
      const [x, y] = toFaceLocal(seg.frame, (p % seg.width) + 0.5, Math.floor(p / seg.width) + 0.5);
      const isHair = seg.hair[p] || seg.headwear[p];
      if (Math.abs(x) < 0.25 && y < foreheadY - 0.05 && y > foreheadY - 0.25) {
        above++;
        if (isHair) aboveHair++;
      }
      if (seg.face[p] && y > -0.1) {
        face++;
        if (isHair) faceHair++;
      }
      const tint = seg.hair[p] ? [0, 255, 0] : seg.headwear[p] ? [255, 0, 255] : null;
      if (tint) for (let k = 0; k < 3; k++) overlay[p * 4 + k] = (overlay[p * 4 + k]! + tint[k]!) >> 1;
    }
    await sharp(overlay, { raw: { width: seg.width, height: seg.height, channels: 4 } })
      .png()
      .toFile(path.join(OUT, `${c.name}-hair-mask.png`));
    console.log(
      `${c.name}: above forehead ${((100 * aboveHair) / above).toFixed(1)} % hair/headwear, face ${((100 * faceHair) / face).toFixed(2)} %`,
    );
    assert.ok(
      aboveHair / above > 0.85,
      `${c.name}: only ${aboveHair}/${above} pixels above the forehead are hair`,
    );
    assert.ok(faceHair / face < 0.01, `${c.name}: ${faceHair}/${face} face pixels taken for hair`);
  }
  assert.equal(cases[0]!.hair.report.headwear, false, 'astronaut wears no cap');
  assert.equal(cases[1]!.hair.report.headwear, true, "Grace Hopper's cap is headwear");
  // His short cut ends above the ears: the shadowed skin along his jaw and the dark background by
  // his neck are not hair (they made the fit hang a bob to his chin, lengthBelowEars 0.72).
  const jesper = cases[2]!.hair.report.outline;
  assert.ok(
    jesper.lengthBelowEars < 0.2,
    `kpa_jesper: hair ${jesper.lengthBelowEars} face heights below the ears`,
  );
});

test('fit: the chosen style matches the photo hair outline; a wrong style does not', async () => {
  for (const c of cases) {
    const { report } = c.hair;
    assert.ok(report.iou >= 0.8, `${c.name}: IoU ${report.iou.toFixed(3)}`);
    // The same measure on a style from the wrong family: long straight hair on these short cuts.
    const scene = hairFitScene(c.hair.segmentation, { model, ...c.fit });
    const field = headRadialField(model, c.fit.positions);
    const wrong = buildHairMesh(field, hairShape(field, HAIRSTYLE_PRESETS['long-straight']));
    const wrongIoU = maskIoU(await renderHairSilhouette(scene, wrong), scene.target);
    assert.ok(
      wrongIoU < report.iou - 0.15,
      `${c.name}: long straight ${wrongIoU.toFixed(3)} vs fit ${report.iou.toFixed(3)}`,
    );
  }
});

test('a turned head (the cameraman, 62°): the hair behind his crown is found and fitted, the camcorder at his eye is not hair', async () => {
  const c = await runCase('cameraman', CAMERAMAN);
  const seg = c.hair.segmentation;
  const yaw = c.fit.pose.yaw;
  // The back of his head shows on the side of the face frame's x away from where he looks.
  // His nose tip: what lies beyond it, below the brows, is the camcorder at his eye.
  const [noseX] = toFaceLocal(seg.frame, c.landmarks[1 * 3]!, c.landmarks[1 * 3 + 1]!);
  let behind = 0;
  let hair = 0;
  let inFront = 0;
  for (let p = 0; p < seg.width * seg.height; p++) {
    if (!seg.hair[p]) continue;
    hair++;
    const [x, y] = toFaceLocal(seg.frame, (p % seg.width) + 0.5, Math.floor(p / seg.width) + 0.5);
    if (Math.abs(x) > 1.1) behind++;
    if (y > -0.1 && x * Math.sign(noseX) > Math.abs(noseX)) inFront++;
  }
  console.log(
    `cameraman (yaw ${yaw.toFixed(0)}°): ${c.hair.report.style} IoU ${c.hair.report.iou.toFixed(3)}, ` +
      `${((100 * behind) / hair).toFixed(1)} % of the hair beyond the frontal reach, ` +
      `${inFront} hair pixels in front of his nose`,
  );
  // With the frontal reach (1.1 face heights) for every pose the hair was cut off in a straight line
  // behind his ear and the fit reached IoU 0.66.
  assert.ok(behind / hair > 0.05, `only ${behind}/${hair} hair pixels behind the frontal reach`);
  // The camcorder at his eye was hair (284 pixels beyond his nose), and the fit widened the hair to reach it (IoU 0.78).
  assert.ok(inFront < 50, `${inFront} hair pixels in front of his face`);
  assert.ok(c.hair.report.iou >= 0.82, `IoU ${c.hair.report.iou.toFixed(3)}`);
  // His photo shows the back of his head, full: his medium cut keeps it (a frontal photo keeps the
  // style's thinning there, fit-hairstyle.ts's NAPE_EVIDENCE).
  assert.equal(c.hair.report.style, 'medium');
  assert.ok(
    c.hair.report.params.nape < 0.5 * HAIRSTYLE_PRESETS.medium.nape,
    `nape ${c.hair.report.params.nape}`,
  );
  assert.ok(
    cases.every((k) => k.hair.report.params.nape === HAIRSTYLE_PRESETS[k.hair.report.params.style].nape),
  );
});

test('bare ears decide: kpa_new_wave.jpg gets a quiff, not a bob over his ears', async () => {
  // The dark wood beside his head reads as hair down to his shoulders, so by IoU alone a bob
  // hanging over his ears (0.61) beat any short cut; his ears are plainly seen, bare.
  const c = await runCase('kpa_new_wave', NEW_WAVE);
  const scene = hairFitScene(c.hair.segmentation, { model, ...c.fit });
  const field = headRadialField(model, c.fit.positions);
  const bareCovered = async (params: typeof c.hair.report.params) => {
    const sil = await renderHairSilhouette(scene, buildHairMesh(field, hairShape(field, params)));
    let bare = 0,
      covered = 0;
    for (let p = 0; p < sil.length; p++) {
      if (!scene.bareSkin[p]) continue;
      bare++;
      if (sil[p]) covered++;
    }
    return { share: covered / bare, iou: maskIoU(sil, scene.target) };
  };
  const bob = await fitHairstyle(scene, field, { styles: ['bob'] });
  const chosen = await bareCovered(c.hair.report.params);
  const overEars = await bareCovered(bob.params);
  console.log(
    `kpa_new_wave: ${c.hair.report.style} IoU ${c.hair.report.iou.toFixed(3)}, ` +
      `${(100 * chosen.share).toFixed(1)} % of the bare skin beside the face under hair; ` +
      `bob IoU ${overEars.iou.toFixed(3)}, ${(100 * overEars.share).toFixed(1)} % under hair`,
  );
  assert.equal(c.hair.report.style, 'quiff');
  // Not by luck of the search (the bob fitted on its own, all its parameters refined, scores lower).
  const quiffScore = c.hair.report.styleScores.quiff;
  assert.ok(quiffScore > bob.styleScores.bob, `quiff ${quiffScore} vs bob ${bob.styleScores.bob}`);
  assert.ok(c.hair.report.params.crest > 0.03, `crest ${c.hair.report.params.crest} m`);
  // His forehead is high: the front hairline is raised above the head model's (a negative fringe),
  // or the shell's edge lies over his forehead skin as a dark band.
  assert.ok(c.hair.report.params.fringe < 0, `fringe ${c.hair.report.params.fringe}`);
  assert.ok(chosen.share < 0.25, `${(100 * chosen.share).toFixed(1)} % of his bare ears under hair`);
  assert.ok(overEars.share > 2 * chosen.share, 'the bob does not cover more of his ears');
});

/**
 * Over the back of the crown (atlas rows 5–30 %, the back half of u), mean |luma change| across u over
 * that along v: strands run along v, so hair is far above 1; fabric is near 1.
 */
async function backCrownAnisotropy(texturePng: Buffer): Promise<number> {
  const { data, info } = await sharp(texturePng).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const { width, height } = info;
  const luma = (x: number, y: number) => {
    const p = (y * width + x) * 3;
    return 0.299 * data[p]! + 0.587 * data[p + 1]! + 0.114 * data[p + 2]!;
  };
  let across = 0,
    along = 0;
  for (let y = Math.round(height * 0.05); y < Math.round(height * 0.3); y++) {
    for (let x = 1; x < width - 1; x++) {
      if (x > width * 0.25 && x < width * 0.75) continue;
      across += Math.abs(luma(x + 1, y) - luma(x - 1, y));
      along += Math.abs(luma(x, y + 1) - luma(x, y - 1));
    }
  }
  return across / along;
}

test("Grace Hopper's cap from behind: fabric, not hair strands, white crown over black band; the astronaut's hair has strands", async () => {
  // The cap's patches were cut from its badge and stretched along v like hair: the back of the cap
  // was brown streaks (across/along 5.6) flecked with the braid's gold.
  const cap = await backCrownAnisotropy(cases[1]!.hair.mesh.texturePng);
  const hair = await backCrownAnisotropy(cases[0]!.hair.mesh.texturePng);
  console.log(
    `back of the crown, |d/du| / |d/dv|: grace_hopper's cap ${cap.toFixed(2)}, astronaut's hair ${hair.toFixed(2)}`,
  );
  assert.ok(cap < 2, `cap ${cap.toFixed(2)}`);
  assert.ok(hair > 3, `hair ${hair.toFixed(2)}`);

  // Her cap's white crown over its black band goes all round: the colours the photo shows at each
  // height, taken beside the badge. It was one dark colour behind (and, from the median of the seen
  // cap at each height, a ring of the badge's gold). Texture luma at the shell's vertices on the
  // back of the head, by height.
  const mesh = cases[1]!.hair.mesh;
  const { data, info } = await sharp(mesh.texturePng)
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const back: { y: number; luma: number }[] = [];
  for (let v = 0; v < mesh.positions.length / 3; v++) {
    if (mesh.positions[v * 3 + 2]! > -0.04) continue;
    const x = Math.min(info.width - 1, Math.floor(mesh.uvs[v * 2]! * info.width));
    const y = Math.min(info.height - 1, Math.floor(mesh.uvs[v * 2 + 1]! * info.height));
    const t = (y * info.width + x) * 3;
    back.push({
      y: mesh.positions[v * 3 + 1]!,
      luma: 0.299 * data[t]! + 0.587 * data[t + 1]! + 0.114 * data[t + 2]!,
    });
  }
  back.sort((a, b) => b.y - a.y);
  const medianLuma = (from: number, to: number) => {
    const l = back.slice(Math.floor(from * back.length), Math.ceil(to * back.length)).map((b) => b.luma);
    return l.sort((a, b) => a - b)[l.length >> 1]!;
  };
  const crown = medianLuma(0, 0.1);
  const darkest = Math.min(...[0.1, 0.2, 0.3, 0.4, 0.5].map((f) => medianLuma(f, f + 0.1)));
  console.log(
    `grace_hopper's cap behind: crown luma ${crown.toFixed(0)}, darkest band below ${darkest.toFixed(0)}`,
  );
  assert.ok(crown > 150, `crown luma ${crown.toFixed(0)}`);
  assert.ok(darkest < 80, `darkest band ${darkest.toFixed(0)}`);

  // The crown's apex: the texels a bilinear lookup at each crown vertex's UV reads (with a repeating
  // sampler, glTF's default, v wraps). They lay between the crown fan's teeth and above it, off the
  // shell's triangles, and took the hair's brown: a dark dot on top of her white cap in Blender.
  // (build-hair-mesh.ts: the outer crown's vertices, one per column, follow the rings.)
  const columns = HAIR_MESH_FULL.columns;
  const vertexCount = mesh.positions.length / 3;
  const topVertices = [...Array(columns).keys()].map((j) => vertexCount - 2 * columns + j);
  for (const v of topVertices)
    for (let k = 0; k < 3; k++)
      assert.equal(mesh.positions[v * 3 + k], mesh.positions[topVertices[0]! * 3 + k], 'one crown point');
  const apexLuma: number[] = [];
  for (const v of topVertices) {
    const fx = mesh.uvs[v * 2]! * info.width - 0.5,
      fy = mesh.uvs[v * 2 + 1]! * info.height - 0.5;
    for (const y of [Math.floor(fy), Math.floor(fy) + 1])
      for (const x of [Math.floor(fx), Math.floor(fx) + 1]) {
        const t = (((y + info.height) % info.height) * info.width + ((x + info.width) % info.width)) * 3;
        apexLuma.push(0.299 * data[t]! + 0.587 * data[t + 1]! + 0.114 * data[t + 2]!);
      }
  }
  console.log(
    `grace_hopper's cap at the crown's apex: ${topVertices.length} vertices, darkest texel read ${Math.min(...apexLuma).toFixed(0)}`,
  );
  assert.ok(Math.min(...apexLuma) > 150, `darkest texel at the crown ${Math.min(...apexLuma).toFixed(0)}`);
});

/** The head's bake with the masks the generate stage gives it (generate-stage.ts). */
function bakeLikeTheJob(c: Case) {
  const seg = c.hair.segmentation;
  const { width, height } = c.photo.rgba;
  return bakeHeadTexture({
    photoRgba: c.photo.rgba,
    mask: { data: c.personMask, width, height },
    positions: c.fit.positions,
    model,
    camera: c.fit.camera,
    textureSize: 1024,
    hairMask: { data: leftToHairObject(seg), width, height },
    lowerFaceMask: { data: seg.lowerFace, width, height },
    coveringMask: { data: coveringSkin(seg), width, height },
  });
}

/** The head with this texture drawn in the photo's camera over magenta, saved under OUT as `file`. */
async function renderInPhoto(c: Case, texturePng: Buffer, file: string) {
  const { width, height } = c.photo.rgba;
  const mesh = buildTexturedHead({ positions: c.fit.positions, model, texturePng });
  const render = await renderTextured(mesh, c.fit.camera, [255, 0, 255]);
  await sharp(render.data, { raw: { width, height, channels: 4 } })
    .png()
    .toFile(path.join(OUT, file));
  return render;
}

let daveCase: Promise<Case> | undefined;
const dave = () => (daveCase ??= runCase('petsc_dave', PETSC_DAVE));

test("a beard's edge is not hair (petsc_dave.jpg): no strip of it down the cheek to the jaw", async () => {
  // His sideburns run into his beard; their edge along the cheek passed the colour tests as a strip
  // of hair 0.03 face heights wide, and the fit hung hair down the side of his face (IoU 0.65).
  const c = await dave();
  const seg = c.hair.segmentation;
  let strip = 0;
  for (let p = 0; p < seg.width * seg.height; p++) {
    const [, y] = toFaceLocal(seg.frame, (p % seg.width) + 0.5, Math.floor(p / seg.width) + 0.5);
    if (seg.hair[p] && y > 0.2) strip++;
  }
  const r = c.hair.report;
  console.log(`petsc_dave: ${r.style} IoU ${r.iou.toFixed(3)}, ${strip} hair pixels below the cheekbones`);
  assert.equal(strip, 0, `${strip} hair pixels below the cheekbones`);
  assert.ok(r.iou >= 0.67, `IoU ${r.iou.toFixed(3)}`);
});

test("the beard stays on the jaw (petsc_dave.jpg): the head in the photo's camera is as dark there as the photo", async () => {
  // The skin test on the jaw and neck (which keeps collars off the neck) took his dark beard for
  // clothing, and the texture gave him a shaven jaw: median luma 66 against the photo's 38.
  const c = await dave();
  const seg = c.hair.segmentation;
  const { width, height } = c.photo.rgba;
  const bake = await bakeLikeTheJob(c);
  const render = await renderInPhoto(c, bake.texturePng, 'petsc_dave-beard.png');
  // The lower face from just above the jaw down (the beard on chin and jaw), where the head is drawn.
  const chinY = toFaceLocal(seg.frame, c.landmarks[152 * 3]!, c.landmarks[152 * 3 + 1]!)[1];
  const luma = (d: Uint8Array, p: number) =>
    0.299 * d[p * 4]! + 0.587 * d[p * 4 + 1]! + 0.114 * d[p * 4 + 2]!;
  const inPhoto: number[] = [],
    inRender: number[] = [];
  for (let p = 0; p < width * height; p++) {
    const [, y] = toFaceLocal(seg.frame, (p % width) + 0.5, Math.floor(p / width) + 0.5);
    const d = render.data;
    const background = d[p * 4] === 255 && d[p * 4 + 1] === 0 && d[p * 4 + 2] === 255;
    if (!seg.lowerFace[p] || y < chinY - 0.15 || background) continue;
    inPhoto.push(luma(c.photo.rgba.data, p));
    inRender.push(luma(d, p));
  }
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1]!;
  const meanDifference = inPhoto.reduce((s, v, i) => s + Math.abs(v - inRender[i]!), 0) / inPhoto.length;
  console.log(
    `petsc_dave: beard luma, photo ${median(inPhoto).toFixed(0)}, head ${median(inRender).toFixed(0)}, ` +
      `mean |difference| ${meanDifference.toFixed(1)} over ${inPhoto.length} pixels`,
  );
  assert.ok(inPhoto.length > 10000, `${inPhoto.length} pixels`);
  assert.ok(median(inRender) - median(inPhoto) < 20, 'the jaw is lighter than the beard');
  assert.ok(meanDifference < 12, `mean |difference| ${meanDifference.toFixed(1)}`);
});

test("a bare hairline's thin hair is not painted as skin on the hair's edge (petsc_dave.jpg)", async () => {
  // His hair thins out over a high forehead: the hair mask's pixels there show skin through thin
  // hair. Projected onto the shell's front edge they were a band of skin colour above a dark line,
  // which read as a wig's lace. They shape the outline but not the colour (sparseHairline).
  const c = await dave();
  const seg = c.hair.segmentation;
  let sparse = 0;
  for (const v of seg.sparseHairline) sparse += v;
  const { mesh } = c.hair;
  const { data, info } = await sharp(mesh.texturePng)
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  // The outer surface's last ring (v = its end in the atlas) over the forehead (u 0.5 is the face),
  // sampled a few texels up the hair from the edge.
  const endV = HAIR_ATLAS.outerV[1];
  const edge: number[] = [0, 0, 0];
  let count = 0;
  for (let i = 0; i < mesh.uvs.length / 2; i++) {
    const [u, v] = [mesh.uvs[i * 2]!, mesh.uvs[i * 2 + 1]!];
    if (Math.abs(v - endV) > 1e-4 || Math.abs(u - 0.5) > 0.06) continue;
    const x = Math.round(u * info.width);
    const y = Math.round(v * info.height) - 4;
    for (let k = 0; k < 3; k++) edge[k]! += data[(y * info.width + x) * 3 + k]!;
    count++;
  }
  const luma = ([r, g, b]: readonly number[]) => 0.299 * r! + 0.587 * g! + 0.114 * b!;
  // Where the edge's lightness lies from the hair's (0) to the skin's (1).
  const towardsSkin =
    (luma(edge.map((e) => e / count)) - luma(seg.hairRgb)) / (luma(seg.skinRgb) - luma(seg.hairRgb));
  console.log(
    `petsc_dave: ${sparse} sparse hairline pixels; the hair's front edge ${towardsSkin.toFixed(2)} of the way ` +
      `from the hair's lightness (${luma(seg.hairRgb).toFixed(0)}) to the skin's (${luma(seg.skinRgb).toFixed(0)})`,
  );
  assert.ok(count >= 4, `${count} edge texels`);
  assert.ok(sparse > 0, 'no sparse hairline found');
  assert.ok(towardsSkin < 0.15, "the hair's edge is skin-coloured");
  // Blond hair comes as near the skin as thin hair over it does: the astronaut's fringe stays photo.
  assert.ok(
    cases[0]!.hair.segmentation.sparseHairline.every((v) => v === 0),
    'a sparse hairline on blond hair',
  );
});

/** A texture's Lab per texel, and its size. */
async function textureLab(
  png: Buffer,
): Promise<{ lab: Float32Array; info: { width: number; height: number } }> {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { lab: rgbaToLab(data, info.width * info.height), info };
}

/** Lab of one RGB colour. */
function labOf(rgb: readonly number[]): Lab {
  const one = rgbaToLab(Uint8Array.from([...rgb, 255]), 1);
  return [one[0]!, one[1]!, one[2]!];
}

test("no skin on the hair over the ears (kpa_jesper.jpg): the ear's rim in the hair's outline is not its colour", async () => {
  // The hair mask's rim beside the ears takes in a little ear: projected onto the hair it gave pink
  // patches over his ears. Hair pixels of the skin's colour near bare skin now shape the outline only
  // (skinColouredHair), and the head hides from the photo what lies behind it.
  const c = cases[2]!;
  const seg = c.hair.segmentation;
  const { lab, info } = await textureLab(c.hair.mesh.texturePng);
  const skin = labOf(seg.skinRgb),
    hair = labOf(seg.hairRgb);
  // The outer surface over the ears: azimuth 70–125° either side (u = azimuth / 360° + ½).
  let sides = 0,
    skinTexels = 0;
  for (let p = 0; p < info.width * info.height; p++) {
    const u = ((p % info.width) + 0.5) / info.width;
    const v = (Math.floor(p / info.width) + 0.5) / info.height;
    const azimuth = Math.abs(u * 360 - 180);
    if (azimuth < 70 || azimuth > 125 || v > HAIR_ATLAS.outerV[1]) continue;
    sides++;
    if (labDistance(lab, p, skin) < labDistance(lab, p, hair)) skinTexels++;
  }
  console.log(
    `kpa_jesper: ${skinTexels} of ${sides} texels over the ears nearer the skin's colour than the hair's`,
  );
  assert.equal(skinTexels, 0);
});

test("what covers the skin is not painted on it (child_headscarf.jpg): her scarf's end at the temple, her top at the neck", async () => {
  // The hair mask stops at the face oval, and on the face's own chart the skin test does not apply:
  // the scarf's end lying over her temple was baked onto the head, a red patch beside the eye at ±45°.
  // Her pale top passes the skin test in part: its lilac spread into the synthesised neck.
  const c = await runCase('child_headscarf', CHILD_HEADSCARF);
  const seg = c.hair.segmentation;
  const { width, height } = c.photo.rgba;
  const n = width * height;
  let over = 0,
    outsideFace = 0;
  for (let p = 0; p < n; p++) {
    over += seg.hairOverFace[p]!;
    if (seg.hairOverFace[p] && !seg.face[p]) outsideFace++;
  }
  assert.ok(over > 500, `${over} pixels of hair over her face`);
  assert.equal(outsideFace, 0);
  // Where none lies over the face, none is found (a fringe above the oval is the hair mask's).
  for (const other of cases)
    assert.equal(
      other.hair.segmentation.hairOverFace.reduce((a, b) => a + b, 0),
      0,
    );
  const bake = await bakeLikeTheJob(c);
  const render = await renderInPhoto(c, bake.texturePng, 'child_headscarf-temple.png');
  const rendered = rgbaToLab(render.data, n);
  const skin = labOf(seg.skinRgb),
    scarf = labOf(seg.hairRgb);
  // Off the hair mask's edge: the head under the hair object is the hair's colour, rightly.
  const offHair = distanceToMask(hairOrHeadwear(seg), width, height);
  let drawn = 0,
    scarfColoured = 0;
  for (let p = 0; p < n; p++) {
    const d = render.data;
    if (!seg.hairOverFace[p] || offHair[p]! < 0.01 * seg.frame.faceHeight) continue;
    if (d[p * 4] === 255 && d[p * 4 + 1] === 0 && d[p * 4 + 2] === 255) continue;
    drawn++;
    if (labDistance(rendered, p, scarf) < labDistance(rendered, p, skin)) scarfColoured++;
  }
  console.log(
    `child_headscarf: ${scarfColoured} of ${drawn} head pixels under her scarf's end take its colour`,
  );
  assert.ok(drawn > 0.5 * over, `${drawn} of ${over} drawn`);
  // Without the mask all 1030 take it; with it, a strip along the scalp's edge (blended into the
  // hair-coloured forehead under the hair object's rim): 74 on 2026-12-05.
  assert.ok(scarfColoured < 0.1 * drawn, `${scarfColoured} of ${drawn}`);

  // The synthesised neck: texels bluer than her skin (b* 6 under it), as her lilac-white top is.
  const neck = model.regions.find((r) => r.name === 'neck')!.rect;
  const { lab: texture, info } = await textureLab(bake.texturePng);
  const skinB = labOf(bake.skinRgb.map(Math.round))[2];
  let synthesised = 0,
    bluer = 0;
  for (let p = 0; p < info.width * info.height; p++) {
    const u = ((p % info.width) + 0.5) / info.width;
    const v = (Math.floor(p / info.width) + 0.5) / info.height;
    if (u < neck[0] || u > neck[2] || v < neck[1] || v > neck[3] || bake.sources.photoTrust[p]! > 0.1)
      continue;
    synthesised++;
    if (texture[p * 3 + 2]! < skinB - 6) bluer++;
  }
  console.log(`child_headscarf: ${bluer} of ${synthesised} synthesised neck texels bluer than her skin`);
  // Without her top in the mask 14.9 % (2026-12-05); 0.5 % with it.
  assert.ok(synthesised > 50000, `${synthesised} synthesised neck texels`);
  assert.ok(bluer < 0.03 * synthesised, `${bluer} of ${synthesised}`);
});

test('the head hides from the photo what lies behind it: the hair under the scalp takes nothing', async () => {
  // The bake's depth test saw the hair alone: through the face, the photo's forehead and cheeks were
  // baked onto the inner surface under the scalp (and onto the back of a rim cut round an ear).
  const c = cases[0]!;
  const m = c.hair.mesh;
  const mesh = { ...m, normals: computeVertexNormals(m.positions, m.indices) };
  const input = hairTextureInput(
    { photoRgba: c.photo.rgba, camera: c.fit.camera, positions: c.fit.positions, model, textureSize: 1024 },
    c.hair.segmentation,
    mesh,
    c.hair.report.params.parting,
  );
  const innerSeen = async (head: typeof input.head): Promise<number> => {
    const { photoWeight } = await bakeHairTexture({ ...input, head });
    let n = 0;
    for (let p = 0; p < photoWeight.length; p++) {
      const v = (Math.floor(p / input.size) + 0.5) / input.size;
      if (v >= HAIR_ATLAS.innerV[0] && photoWeight[p]! > 0.5) n++;
    }
    return n;
  };
  const withHead = await innerSeen(input.head);
  const without = await innerSeen({ positions: new Float32Array(0), indices: new Uint32Array(0) });
  console.log(`astronaut: inner-surface texels from the photo ${withHead}, ${without} without the head`);
  assert.equal(withHead, 0);
  assert.ok(without > 50, `${without} without the head: the check cannot fail`);
});

test('a tiny photo (petsc_sarich.jpg, a 36 px face): his hair is hair, not a cap', async () => {
  // The side hair beside a 36 px face is a band a few pixels wide at the person mask's edge, half the
  // dark foliage behind: 28 Lab from his brown hair on top read as a cap's edge, and the hair object
  // was a cap in skin and hair colours (IoU 0.57). Grace Hopper's real cap stays headwear (above).
  const c = await runCase('petsc_sarich', PETSC_SARICH);
  const r = c.hair.report;
  console.log(`petsc_sarich: ${r.style} IoU ${r.iou.toFixed(3)}, headwear ${r.headwear}`);
  assert.equal(r.headwear, false);
  assert.ok(r.iou > 0.65, `${r.iou}`);
});

/** A guessed hair's texels (over 95 %) are nearer the eyebrows' colour than `other`'s. */
async function assertHairNearerBrowsThan(
  c: Awaited<ReturnType<typeof runCase>>,
  other: [number, number, number],
  otherName: string,
): Promise<void> {
  const { lab, info } = await textureLab(c.hair.mesh.texturePng);
  const brows = labOf(eyebrowRgb(c.photo.rgba, c.landmarks));
  const away = labOf(other);
  let nearBrows = 0,
    texels = 0;
  for (let p = 0; p < info.width * info.height; p++) {
    const v = (Math.floor(p / info.width) + 0.5) / info.height;
    if (v > HAIR_ATLAS.outerV[1]) continue;
    texels++;
    if (labDistance(lab, p, brows) < labDistance(lab, p, away)) nearBrows++;
  }
  console.log(
    `${c.name}: brows L* ${brows[0].toFixed(0)}, ${otherName} L* ${away[0].toFixed(0)}; ` +
      `${((nearBrows / texels) * 100).toFixed(1)} % of the hair nearer the brows' colour than ${otherName}`,
  );
  assert.ok(nearBrows > 0.95 * texels, `${nearBrows} of ${texels}`);
}

test("hair that cannot be told from the background (petsc_sean.jpg): a guess in the eyebrows' colour, and said so", async () => {
  // Black hair against a dark background lit by bright lights, in black and white: no style matched
  // the few "hair" pixels (IoU 0.26), and the hair was baked in their mean, a mid grey (L* ~30).
  const c = await runCase('petsc_sean', PETSC_SEAN);
  const r = c.hair.report;
  console.log(`petsc_sean: best fit IoU ${r.iou.toFixed(3)}, ${r.style}, guessed ${r.guessed}`);
  assert.ok(r.inPhoto > HAIR_IN_PHOTO_MIN, `${r.inPhoto}`);
  assert.ok(r.iou < HAIR_FIT_UNUSABLE && r.guessed, `${r.iou}`);
  for (const other of cases) assert.equal(other.hair.report.guessed, false, other.name);
  assert.equal(r.style, 'short');
  assert.equal(r.textureSeenShare, 0);
  assert.match(hairFitNote(r) ?? '', /could not be told from what is round it/);
  // The texture's colour is the brows' (near black), not the segmented hair's grey.
  await assertHairNearerBrowsThan(c, c.hair.segmentation.hairRgb, "the segmented hair's");
});

test("a close-up that cuts off the top of the head (kpa_jesper_tilt.jpg): the hair is a guess in the eyebrows' colour, and said so", async () => {
  // Fitted to the few "hair" pixels at the frame's edge (background), the hair came out a skin-pink
  // crop at IoU 0.55 with a note blaming a dark background.
  const c = await runCase('kpa_jesper_tilt', JESPER_TILT);
  const r = c.hair.report;
  console.log(`kpa_jesper_tilt: ${(r.inPhoto * 100).toFixed(0)} % of the scalp in the photo, ${r.style}`);
  assert.ok(r.inPhoto < HAIR_IN_PHOTO_MIN, `${r.inPhoto}`);
  for (const other of cases)
    assert.ok(other.hair.report.inPhoto > 0.9, `${other.name}: ${other.hair.report.inPhoto}`);
  assert.equal(r.style, 'short');
  assert.equal(r.textureSeenShare, 0);
  assert.match(hairFitNote(r) ?? '', /does not show the top of the head/);
  // The texture's colour is the brows' (brown), not the skin's the fit once took.
  await assertHairNearerBrowsThan(c, c.hair.segmentation.skinRgb, "the skin's");
});

test('black and white (marie_curie.jpg): grey curls are hair by their texture, not a cap', async () => {
  // No colour tells grey hair from skin here, and her lit crown against the darker hair at her
  // temples passed for a cap: the fit got a sliver of hair (IoU 0.18) and a black helmet.
  const c = await runCase('marie_curie', MARIE_CURIE);
  const seg = c.hair.segmentation;
  const foreheadY = toFaceLocal(seg.frame, c.landmarks[10 * 3]!, c.landmarks[10 * 3 + 1]!)[1];
  let above = 0,
    aboveHair = 0;
  for (let p = 0; p < seg.width * seg.height; p++) {
    const [x, y] = toFaceLocal(seg.frame, (p % seg.width) + 0.5, Math.floor(p / seg.width) + 0.5);
    if (Math.abs(x) < 0.25 && y < foreheadY - 0.05 && y > foreheadY - 0.25) {
      above++;
      if (seg.hair[p]) aboveHair++;
    }
  }
  const r = c.hair.report;
  console.log(
    `marie_curie: ${r.style} IoU ${r.iou.toFixed(3)}, headwear ${r.headwear}, ` +
      `${((100 * aboveHair) / above).toFixed(1)} % hair above the forehead, hair rgb ${seg.hairRgb.map(Math.round).join(',')}`,
  );
  assert.equal(r.headwear, false);
  // 65 % (the other photos: > 85 %): the lit hair swept back off her forehead is smooth. With the
  // skin's texture measured on the cheeks alone (a smile's and the nose's edges) it was 51 %, IoU 0.59.
  assert.ok(aboveHair / above > 0.6, `${aboveHair}/${above} pixels above the forehead are hair`);
  assert.ok(r.iou >= 0.65, `IoU ${r.iou.toFixed(3)}`);
  // Her hair is grey, lighter than the black a sliver of shadowed hair gave.
  assert.ok(Math.min(...seg.hairRgb) > 70, `hair rgb ${seg.hairRgb.join(', ')}`);
});

test("the synthesised hair's colour: kpa_jesper.jpg's brown, not olive", () => {
  // His hair is dark olive in its shadows and red where lit; a median per channel gave (33, 33, 14).
  const c = cases[2]!;
  const { data } = c.photo.rgba;
  const samples: [number, number, number][] = [];
  c.hair.segmentation.hair.forEach((h, p) => {
    if (h) samples.push([data[p * 4]!, data[p * 4 + 1]!, data[p * 4 + 2]!]);
  });
  const [r, g, b] = typicalHairColour(samples);
  console.log(`kpa_jesper: typical hair colour ${[r, g, b].map(Math.round).join(', ')}`);
  assert.ok(r > g + 4 && g > b + 6, `(${r.toFixed(0)}, ${g.toFixed(0)}, ${b.toFixed(0)}) is not brown`);
  assert.ok(r + g + b > 60 && r + g + b < 140, 'as dark as his hair');
});

test('the scalp never pokes through the fitted hair', () => {
  for (const c of cases) {
    const field = headRadialField(model, c.fit.positions);
    const shape = hairShape(field, c.hair.report.params);
    let checked = 0;
    const through: string[] = [];
    for (let v = 0; v < model.vertexCount; v++) {
      if (model.hairWeight[v]! < 0.95) continue;
      const x = c.fit.positions[v * 3]! - field.centre[0];
      const y = c.fit.positions[v * 3 + 1]! - field.centre[1];
      const z = c.fit.positions[v * 3 + 2]! - field.centre[2];
      const r = Math.hypot(x, y, z);
      const theta = Math.atan2(x, z);
      const phi = Math.acos(y / r);
      const end = shape.endPhi(theta);
      if (phi > end - 0.1) continue; // at the hairline the hair thins to nothing by design
      checked++;
      const { outer } = shape.radii(theta, phi, end);
      if (outer < r + 0.001) through.push(`v${v} ${(1000 * (r - outer)).toFixed(1)} mm`);
    }
    assert.ok(checked > 1000, `${c.name}: only ${checked} scalp vertices under the hair`);
    assert.deepEqual(through.slice(0, 5), [], `${c.name}: ${through.length} scalp vertices outside the hair`);
  }
});

test('long hair frames the face: beside it the curtain lies on the head, behind the ears it hangs out', () => {
  // Until 2026-12-04 the curtain stood as far out beside the face as behind the ears, so long hair
  // hung round the face like a hood's opening (mendeleev.jpg) and hid the cheeks at 45°.
  const field = headRadialField(model, cases[0]!.fit.positions);
  const DEG = Math.PI / 180;
  for (const style of ['bob', 'long-straight', 'long-wavy'] as const) {
    const params = HAIRSTYLE_PRESETS[style];
    const shape = hairShape(field, params);
    const phi = 105 * DEG; // below the head's centre: cheeks in front, the hanging hair behind the ears
    for (const side of [1, -1]) {
      // The hair's first azimuth on this ring, coming round from the face.
      let edge = 0;
      while (edge < 150 && shape.endPhi(side * edge * DEG) <= phi) edge++;
      const standOut = (deg: number) => {
        const theta = side * deg * DEG;
        const { outer } = shape.radii(theta, phi, shape.endPhi(theta));
        return outer - sampleField(field.radius, theta, phi);
      };
      const atFace = standOut(edge + 2);
      const behindEars = standOut(110);
      const label = `${style} side ${side}: edge at ${edge}°, ${(1000 * atFace).toFixed(1)} mm out beside the face, ${(1000 * behindEars).toFixed(1)} mm behind the ears`;
      console.log(label);
      assert.ok(edge > 30 && edge < 110, label);
      assert.ok(atFace < 0.5 * behindEars, label);
      assert.ok(behindEars >= params.sideVolume, label);
    }
  }
});

test('short hair ends on the skin: on the skull where it meets the ear (no wing), on the neck at the nape; longer hair over the ear', () => {
  // Until 2026-12-05 the hair followed the head blurred over the ears, so short hair ending on the ear
  // stood out over it in a wing (petsc_dmitry.jpg from the front), and the nape's edge stood off the
  // neck in a ledge.
  const field = headRadialField(model, cases[0]!.fit.positions);
  const DEG = Math.PI / 180;
  const shape = hairShape(field, { ...HAIRSTYLE_PRESETS.short, earCover: 0.5 });
  // A medium cut's hair falls over the ear instead: through it, the ear's rim read as a slot in the hair.
  const medium = hairShape(field, { ...HAIRSTYLE_PRESETS.medium, earCover: 0.5 });
  const mm = (m: number) => (1000 * m).toFixed(1);
  for (const side of [1, -1]) {
    // Where the ear stands out most from the skull at the hair's end.
    let worst = { theta: 0, phi: 0, ear: 0 };
    for (let deg = 75; deg <= 125; deg++) {
      const theta = side * deg * DEG;
      const phi = shape.endPhi(theta) - 2 * DEG;
      const ear = sampleField(field.radius, theta, phi) - sampleField(field.skullRadius, theta, phi);
      if (ear > worst.ear) worst = { theta, phi, ear };
    }
    const { outer } = shape.radii(worst.theta, worst.phi, shape.endPhi(worst.theta));
    const offSkull = outer - sampleField(field.skullRadius, worst.theta, worst.phi);
    const over = medium.radii(worst.theta, worst.phi, medium.endPhi(worst.theta)).outer;
    const mediumOffSkull = over - sampleField(field.skullRadius, worst.theta, worst.phi);
    const label = `side ${side}: the ear ${mm(worst.ear)} mm off the skull at the hair's end, the hair ${mm(offSkull)} mm (a medium cut's ${mm(mediumOffSkull)} mm)`;
    console.log(label);
    assert.ok(worst.ear > 0.005, label);
    assert.ok(offSkull < 0.004, label);
    assert.ok(mediumOffSkull > 0.5 * worst.ear, label);
  }
  // The nape: the last few degrees of the hair's end behind the head lie on the skin.
  let ledge = 0;
  for (let deg = 150; deg <= 210; deg += 5) {
    const theta = deg * DEG;
    const end = shape.endPhi(theta);
    const phi = end - 1 * DEG;
    ledge = Math.max(ledge, shape.radii(theta, phi, end).outer - sampleField(field.radius, theta, phi));
  }
  console.log(`nape: the hair's end at most ${mm(ledge)} mm off the skin`);
  assert.ok(ledge < 0.004, `nape ledge ${mm(ledge)} mm`);
});

test('a back that lies on the head: the side volume fitted at the ears thins towards the nape, no bowl from behind', () => {
  // A frontal photo's outline sets the volume at the sides; carried round the back it made short hair
  // a bowl from behind (petsc_dave.jpg: 22 mm fitted to his tousled sides) and a medium cut a
  // mushroom (the astronaut: 31 mm). Each style's `nape` thins it; long hair hangs as it did.
  const field = headRadialField(model, cases[0]!.fit.positions);
  const DEG = Math.PI / 180;
  const sideVolume = 0.0225;
  // How far the hair stands off the head at azimuth, polar angle (degrees), and without the thinning.
  const offHead = (style: 'short' | 'medium' | 'bob', azimuth: number, polar: number) => {
    const [theta, phi] = [azimuth * DEG, polar * DEG];
    const off = (nape: number) => {
      const shape = hairShape(field, { ...HAIRSTYLE_PRESETS[style], sideVolume, nape });
      return shape.radii(theta, phi, shape.endPhi(theta)).outer - sampleField(field.radius, theta, phi);
    };
    const [thinned, full] = [off(HAIRSTYLE_PRESETS[style].nape), off(0)];
    const mm = (m: number) => (1000 * m).toFixed(1);
    console.log(
      `${style} at ${azimuth}°, ${polar}°: ${mm(thinned)} mm off the head, ${mm(full)} mm unthinned`,
    );
    return thinned / full;
  };
  // Above the ear and on the crown the volume stays; low on the back it lies close, a short cut
  // closer than a medium one; a bob hangs as it did.
  for (const style of ['short', 'medium'] as const) {
    for (const [azimuth, polar] of [
      [80, 60],
      [180, 60],
    ] as const)
      assert.ok(offHead(style, azimuth, polar) > 0.9, `${style} at ${azimuth}°, ${polar}°`);
  }
  for (const [azimuth, polar] of [
    [160, 100],
    [180, 100],
  ] as const) {
    const [short, medium] = [offHead('short', azimuth, polar), offHead('medium', azimuth, polar)];
    assert.ok(short < 0.4 && medium < 0.6 && short < medium, `${azimuth}°, ${polar}°: ${short}, ${medium}`);
    assert.equal(offHead('bob', azimuth, polar), 1);
  }
});

test("a medium cut ends level across the nape, not in the model hairline's V", () => {
  // kpa_jesper.jpg's medium cut ended 11° lower at the middle of the nape than 30° beside it: a
  // V-shaped hem from behind. Short hair keeps the hairline (it is cut on the skull).
  const field = headRadialField(model, cases[2]!.fit.positions);
  const DEG = Math.PI / 180;
  const ends = (style: 'short' | 'medium') => {
    const shape = hairShape(field, HAIRSTYLE_PRESETS[style]);
    return [150, 165, 180].map((azimuth) => shape.endPhi(azimuth * DEG) / DEG);
  };
  const [medium, short] = [ends('medium'), ends('short')];
  console.log(
    `ends at 150°, 165°, 180°: medium ${medium.map((e) => e.toFixed(1))}, short ${short.map((e) => e.toFixed(1))}`,
  );
  assert.ok(Math.max(...medium) - Math.min(...medium) < 2, `medium ${medium}`);
  assert.ok(short[2]! - short[0]! > 4, `short ${short}: the hairline's V`);
});

test('hanging hair leaves the head without a ledge: the curtain hangs from where the head is widest', () => {
  // Hung from the ring at the ear's height with the side volume unthinned, the curtain stood 15 mm
  // out of the hair above it at the back (a short curtain: a lampshade from behind).
  const field = headRadialField(model, cases[0]!.fit.positions);
  const DEG = Math.PI / 180;
  for (const params of [
    { ...HAIRSTYLE_PRESETS.bob, sideVolume: 0.04, length: 0.06 },
    { ...HAIRSTYLE_PRESETS['long-straight'], sideVolume: 0.03 },
    // a short curtain over a back thinned towards the nape (how the lampshade came about)
    { ...HAIRSTYLE_PRESETS.bob, sideVolume: 0.04, length: 0.02, nape: 0.6 },
  ]) {
    const shape = hairShape(field, params);
    for (const azimuth of [90, 135, 180]) {
      const theta = azimuth * DEG;
      const end = shape.endPhi(theta);
      // The outer surface's distance from the vertical axis, every 2° down to 20° below the equator.
      let worst = 0;
      let previous: number | undefined;
      for (let polar = 70; polar <= 110 && polar * DEG < end; polar += 2) {
        const across = shape.radii(theta, polar * DEG, end).outer * Math.sin(polar * DEG);
        if (previous !== undefined) worst = Math.max(worst, across - previous);
        previous = across;
      }
      console.log(`${params.style} at ${azimuth}°: steps out ${(worst * 1000).toFixed(1)} mm at most in 2°`);
      assert.ok(
        worst < 0.004,
        `${params.style} at ${azimuth}°: steps out ${(worst * 1000).toFixed(1)} mm in 2°`,
      );
    }
  }
});

test('short hair is cut round the ear, not through it; a medium cut covers its top', () => {
  // Where short hair ended on the ear, the ear came out through the shell, and the two meshes' crossing
  // showed a ragged rim in Blender (petsc_dmitry.jpg). Its end now arcs over the ear (earTopPhi).
  const field = headRadialField(model, cases[0]!.fit.positions);
  const earRegions = new Set(model.regions.flatMap((r, i) => (r.name.startsWith('ear-') ? [i] : [])));
  const earVertices = new Set<number>();
  for (let t = 0; t < model.triangleRegion.length; t++)
    if (earRegions.has(model.triangleRegion[t]!))
      for (let k = 0; k < 3; k++) earVertices.add(model.triangles[t * 3 + k]!);
  const P = cases[0]!.fit.positions;
  const c = field.centre;
  /** Ear vertices standing ≥ 3 mm off the skull in the directions the hair covers. */
  const covered = (shape: ReturnType<typeof hairShape>): number => {
    let n = 0;
    for (const v of earVertices) {
      const x = P[v * 3]! - c[0],
        y = P[v * 3 + 1]! - c[1],
        z = P[v * 3 + 2]! - c[2];
      const r = Math.hypot(x, y, z);
      const phi = Math.acos(y / r),
        theta = Math.atan2(x, z);
      if (r < sampleField(field.skullRadius, theta, phi) + 0.003) continue;
      if (phi < shape.endPhi(theta)) n++;
    }
    return n;
  };
  const shape = hairShape(field, { ...HAIRSTYLE_PRESETS.short, earCover: 0.5 });
  const short = covered(shape);
  const medium = covered(hairShape(field, { ...HAIRSTYLE_PRESETS.medium, earCover: 0.5 }));
  console.log(`ear vertices under the hair: short ${short}, medium ${medium} (of ${earVertices.size})`);
  assert.equal(short, 0);
  assert.ok(medium > 20, `medium covers ${medium}`);
  // The arc keeps to the ear: in front of it and behind it the short hair ends as it did.
  const noEars = { ...field, earTopPhi: new Float32Array(field.earTopPhi.length).fill(Math.PI) };
  const without = hairShape(noEars, { ...HAIRSTYLE_PRESETS.short, earCover: 0.5 });
  const DEG = Math.PI / 180;
  for (const deg of [0, 55, -55, 145, -145, 180])
    assert.equal(shape.endPhi(deg * DEG), without.endPhi(deg * DEG), `at ${deg}°`);
  assert.ok(shape.endPhi(100 * DEG) < without.endPhi(100 * DEG) - 10 * DEG, 'no arc over the ear');
});

/** A long beard on a fitted head: 12 cm below the chin, 10 cm wide, 1.5 cm thick over the jaw. */
function longBeard(positions: Float32Array): BeardShape {
  const lm = modelLandmarks(model, positions);
  const chinY = lm[152 * 3 + 1]!;
  const rows = Array.from({ length: 12 }, (_, k) => ({
    y: chinY - 0.005 - 0.01 * k,
    left: 0.05,
    right: 0.05 - 0.002 * k,
  }));
  return { topY: lm[17 * 3 + 1]!, chinY, bottomY: chinY - 0.12, rows, thickness: 0.015 };
}

test('mesh: closed, outward, UVs in [0,1]; every library style alike, and hair with a beard', async () => {
  const { positions } = cases[0]!.fit;
  const field = headRadialField(model, positions);
  const beard = buildBeardMesh(model, positions, longBeard(positions), BEARD_ATLAS);
  // The beard keeps to its block of the atlas, clear of the hair's (HAIR_ATLAS_BESIDE_BEARD).
  for (let i = 0; i < beard.uvs.length; i += 2) {
    assert.ok(
      beard.uvs[i]! >= BEARD_ATLAS.u[0] && beard.uvs[i]! <= BEARD_ATLAS.u[1],
      `beard u ${beard.uvs[i]}`,
    );
    assert.ok(
      beard.uvs[i + 1]! >= BEARD_ATLAS.v[0] && beard.uvs[i + 1]! <= BEARD_ATLAS.v[1],
      `beard v ${beard.uvs[i + 1]}`,
    );
  }
  const long = buildHairMesh(
    field,
    hairShape(field, HAIRSTYLE_PRESETS['long-wavy']),
    HAIR_MESH_FULL,
    HAIR_ATLAS_BESIDE_BEARD,
  );
  for (let i = 1; i < long.uvs.length; i += 2)
    assert.ok(long.uvs[i]! < BEARD_ATLAS.v[0], `hair v ${long.uvs[i]}`);
  const meshes = [
    ...cases.map((c) => ({ name: c.name, mesh: c.hair.mesh })),
    { name: 'beard', mesh: { ...beard, name: 'hair', texturePng: Buffer.alloc(0) } as TexturedMesh },
    {
      name: 'long-wavy + beard',
      mesh: { ...joinMeshes(long, beard), name: 'hair', texturePng: Buffer.alloc(0) } as TexturedMesh,
    },
    ...Object.values(HAIRSTYLE_PRESETS).map((params) => {
      const g = buildHairMesh(field, hairShape(field, params));
      return {
        name: params.style,
        mesh: { ...g, name: 'hair', texturePng: Buffer.alloc(0) } as TexturedMesh,
      };
    }),
  ];
  for (const { name, mesh } of meshes) {
    const { positions, uvs, indices } = mesh;
    for (const u of uvs) assert.ok(u >= 0 && u <= 1, `${name}: uv ${u}`);
    // Weld by position (the UV seam and crown duplicate vertices), then every directed edge once and
    // its reverse once: closed and consistently oriented.
    const ids = new Map<string, number>();
    const weld = Array.from({ length: positions.length / 3 }, (_, v) => {
      const key = `${positions[v * 3]},${positions[v * 3 + 1]},${positions[v * 3 + 2]}`;
      if (!ids.has(key)) ids.set(key, ids.size);
      return ids.get(key)!;
    });
    const edges = new Map<string, number>();
    let volume = 0;
    for (let t = 0; t < indices.length; t += 3) {
      const tri = [weld[indices[t]!]!, weld[indices[t + 1]!]!, weld[indices[t + 2]!]!];
      for (let k = 0; k < 3; k++) {
        const key = `${tri[k]}>${tri[(k + 1) % 3]}`;
        edges.set(key, (edges.get(key) ?? 0) + 1);
      }
      const [a, b, c] = [indices[t]!, indices[t + 1]!, indices[t + 2]!].map((v) =>
        [0, 1, 2].map((k) => positions[v * 3 + k]!),
      );
      volume +=
        (a![0]! * (b![1]! * c![2]! - b![2]! * c![1]!) -
          a![1]! * (b![0]! * c![2]! - b![2]! * c![0]!) +
          a![2]! * (b![0]! * c![1]! - b![1]! * c![0]!)) /
        6;
    }
    let bad = 0;
    for (const [key, count] of edges) {
      const [from, to] = key.split('>');
      if (count !== 1 || edges.get(`${to}>${from}`) !== 1) bad++;
    }
    assert.equal(bad, 0, `${name}: ${bad} edges not shared by exactly two triangles in opposite directions`);
    assert.ok(volume > 0, `${name}: the surface faces inwards (volume ${volume})`);
  }
});

async function renderWithHair(
  head: TexturedMesh,
  hair: TexturedMesh,
  azimuthDeg: number,
  shading: 'lambert' | 'none' = 'lambert',
) {
  const size = 384;
  const camera = orbitCamera({
    azimuthDeg,
    elevationDeg: 8,
    distance: 1.3,
    width: size,
    height: size,
    focal: 1100,
  });
  camera.t[1] = camera.t[1]! + 0.05;
  const draw = async (m: TexturedMesh) =>
    renderTexturedMesh({
      positions: m.positions,
      uvs: m.uvs,
      indices: m.indices,
      texture: await decodeRawImage(m.texturePng, 4),
      camera,
      width: size,
      height: size,
      background: [40, 50, 70, 255],
      shading,
      ambient: 0.6,
    });
  const a = await draw(head);
  const b = await draw(hair);
  const image = Buffer.from(a.image.data);
  const isHair = new Uint8Array(size * size);
  let hairPixels = 0;
  for (let p = 0; p < size * size; p++) {
    if (b.depth[p]! < a.depth[p]!) {
      image.set(b.image.data.subarray(p * 4, p * 4 + 4), p * 4);
      isHair[p] = 1;
      hairPixels++;
    }
  }
  return { image, size, hairPixels, isHair };
}

/**
 * Flatness of the hair in an unlit view: the share of its pixels (with a full 5×5 hair
 * neighbourhood) whose neighbourhood's luma standard deviation is under 2/255 — a flat fill is 1.
 */
function flatShare(r: Awaited<ReturnType<typeof renderWithHair>>): number {
  const { size, image, isHair } = r;
  const luma = (p: number) => 0.299 * image[p * 4]! + 0.587 * image[p * 4 + 1]! + 0.114 * image[p * 4 + 2]!;
  let flat = 0,
    all = 0;
  for (let y = 2; y < size - 2; y++) {
    for (let x = 2; x < size - 2; x++) {
      let s = 0,
        s2 = 0,
        full = true;
      for (let dy = -2; dy <= 2 && full; dy++) {
        for (let dx = -2; dx <= 2; dx++) {
          const q = (y + dy) * size + x + dx;
          if (!isHair[q]) {
            full = false;
            break;
          }
          const l = luma(q);
          s += l;
          s2 += l * l;
        }
      }
      if (!full) continue;
      all++;
      if (Math.sqrt(Math.max(0, s2 / 25 - (s / 25) ** 2)) < 2) flat++;
    }
  }
  return all > 0 ? flat / all : 1;
}

test('turntable: hair from every side, textured from the photo (not one flat colour)', async () => {
  const flatPng = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#6b4a2f' } })
    .png()
    .toBuffer();
  for (const c of cases) {
    const head = await bakedHead(c.photo.rgba, c.fit, model);
    const panels: Buffer[] = [];
    for (const az of [0, 90, 180, 270]) {
      const r = await renderWithHair(head, c.hair.mesh, az);
      panels.push(r.image);
      const flat = flatShare(await renderWithHair(head, c.hair.mesh, az, 'none'));
      const control = flatShare(
        await renderWithHair(head, { ...c.hair.mesh, texturePng: flatPng }, az, 'none'),
      );
      console.log(
        `${c.name} ${az}°: hair ${r.hairPixels} px, flat ${(100 * flat).toFixed(1)} % (flat-colour control ${(100 * control).toFixed(0)} %)`,
      );
      assert.ok(r.hairPixels > 3000, `${c.name} at ${az}°: hair covers only ${r.hairPixels} px`);
      assert.ok(control > 0.9, 'the flatness measure must catch a flat fill');
      assert.ok(flat < 0.25, `${c.name} at ${az}°: ${(100 * flat).toFixed(1)} % of the hair is flat`);
    }
    await sharp({ create: { width: 384 * 4, height: 384, channels: 4, background: '#000' } })
      .composite(
        panels.map((p, i) => ({
          input: p,
          raw: { width: 384, height: 384, channels: 4 as const },
          left: i * 384,
          top: 0,
        })),
      )
      .png()
      .toFile(path.join(OUT, `${c.name}-turntable.png`));
    writeFileSync(path.join(OUT, `${c.name}-hair-texture.png`), c.hair.mesh.texturePng);
  }
});

test('export: `hair` is its own node, mesh and textured material in a validator-clean GLB, and `o hair` in OBJ + MTL', async () => {
  const c = cases[0]!;
  const head = await bakedHead(c.photo.rgba, c.fit, model);
  for (const preset of ['blender', 'unreal'] as const) {
    const dir = await tempDir(`hair-${preset}`);
    const result = await exportHead({ mesh: head, hair: c.hair.mesh, photoName: 'astronaut.png' }, dir, {
      ...EXPORT_PRESETS[preset],
      formats: ['glb', 'obj'],
    });
    const glb = result.files.find((f) => f.kind === 'export-glb')!.path;
    const report = await validator.validateBytes(new Uint8Array(await readFile(glb)), { maxIssues: 50 });
    assert.equal(report.issues.numErrors, 0, JSON.stringify(report.issues.messages.slice(0, 5)));
    assert.equal(report.issues.numWarnings, 0, JSON.stringify(report.issues.messages.slice(0, 5)));
    const doc = await new NodeIO().read(glb);
    const root = doc.getRoot();
    const node = root.listNodes().find((n) => n.getName() === HAIR_OBJECT);
    assert.ok(node, `${preset}: no node named hair in ${root.listNodes().map((n) => n.getName())}`);
    assert.equal(node.getMesh()?.getName(), HAIR_OBJECT);
    const hairMaterial = node.getMesh()!.listPrimitives()[0]!.getMaterial()!;
    const headNode = root.listNodes().find((n) => n !== node)!;
    const headMaterial = headNode.getMesh()!.listPrimitives()[0]!.getMaterial()!;
    assert.notEqual(hairMaterial, headMaterial);
    const hairImage = hairMaterial.getBaseColorTexture()?.getImage();
    assert.ok(hairImage && hairImage.length > 1000, `${preset}: hair material has no texture`);
    assert.notDeepEqual(hairImage, headMaterial.getBaseColorTexture()?.getImage());
    const obj = await readFile(result.files.find((f) => f.kind === 'export-obj')!.path, 'utf8');
    assert.match(obj, /^o hair$/m);
    const mtl = await readFile(result.files.find((f) => f.kind === 'export-mtl')!.path, 'utf8');
    const hairTexture = result.files
      .filter((f) => f.kind === 'export-texture')
      .map((f) => path.basename(f.path));
    assert.ok(
      hairTexture.some((n) => n.endsWith('_hair.png')),
      `${preset}: textures ${hairTexture}`,
    );
    assert.match(mtl, /newmtl \S+_hair\n[\s\S]*?map_Kd \S+_hair\.png/);
    if (preset === 'blender') {
      // Real Blender sees the hair as its own object with its texture wired into the material.
      const obj = result.files.find((f) => f.kind === 'export-obj')!.path;
      const checks = await importInBlender([
        { file: glb, format: 'glb' },
        { file: obj, format: 'obj' },
      ]);
      for (const check of checks) {
        const hair = check.objects.find((o) => o.name === HAIR_OBJECT);
        assert.ok(hair, `${check.format}: Blender objects ${check.objects.map((o) => o.name)}`);
        const [texture] = hair.textures;
        assert.ok(
          texture?.base_color_linked && texture.image_size[0] > 0,
          `${check.format}: ${JSON.stringify(texture)}`,
        );
        assert.equal(hair.triangles, c.hair.mesh.indices.length / 3, `${check.format}: triangles`);
        console.log(
          `blender ${check.format}: hair ${hair.triangles} triangles, texture ${texture.image_size}, dims ${hair.dimensions}`,
        );
      }
    }
  }
  // Under a triangle budget the hair is simplified like the head and stays its own object.
  const dir = await tempDir('hair-budget');
  const budgeted = await exportHead({ mesh: head, hair: c.hair.mesh, photoName: 'astronaut.png' }, dir, {
    ...EXPORT_PRESETS.web,
    formats: ['glb'],
    triangleBudget: 3000,
  });
  const doc = await new NodeIO().read(budgeted.files.find((f) => f.kind === 'export-glb')!.path);
  const hairMesh = doc
    .getRoot()
    .listMeshes()
    .find((m) => m.getName() === HAIR_OBJECT);
  const hairTriangles = hairMesh!.listPrimitives()[0]!.getIndices()!.getCount() / 3;
  assert.ok(
    hairTriangles <= 3000 && hairTriangles > 500,
    `hair has ${hairTriangles} triangles under a 3000 budget`,
  );
  await removeTempDirs();
});

test('no hair in the photo (an empty person mask): a buzz cut in the skin colour, no crash', async () => {
  const c = cases[0]!;
  const hair = await generateHair({
    photoRgba: c.photo.rgba,
    personMask: new Uint8Array(c.personMask.length),
    landmarks: c.landmarks,
    positions: c.fit.positions,
    model,
    camera: c.fit.camera,
    textureSize: 1024,
  });
  assert.equal(hair.report.style, 'buzz');
  assert.equal(hair.report.iou, 0);
  assert.ok(hair.mesh.indices.length > 0 && hair.mesh.texturePng.length > 1000);
});
