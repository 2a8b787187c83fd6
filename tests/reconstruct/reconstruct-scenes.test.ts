/**
 * Reconstruction on synthetic scenes with a known truth (CPU, 32³ → 64³): a textured ellipsoid
 * fitted from a sphere prior, and the project's head model with a hair layer fitted from a different
 * head shape and a thinner hairstyle. Each is rendered on white from the head360 rig; the check is the
 * issue's: Chamfer ≤ 1 % of the bounding-box diagonal, normal consistency ≥ 0.95, texture PSNR ≥ 25 dB
 * on held-out views, watertight. The rig's views are rendered with one sample per pixel (aliased, their
 * masks exact); the held-out views are compared anti-aliased (4×4 samples, as a renderer or a camera
 * gives them), and the point-sampled figure is printed and guarded beside it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { buildHairMesh, HAIR_MESH_FULL } from '../../src-main/engine/generate/hair/build-hair-mesh';
import { headRadialField } from '../../src-main/engine/generate/hair/head-radial-field';
import { HAIRSTYLE_PRESETS, hairShape } from '../../src-main/engine/generate/hair/hairstyle-library';
import { loadHeadModel, shapedPositions, type HeadModel } from '../../src-main/engine/geometry/head-model';
import { computeVertexNormals } from '../../src-main/engine/geometry/textured-mesh';
import {
  isNativeAddonAvailable,
  nativeAddonProblem,
  setForceCpu,
} from '../../src-main/engine/native/native-addon';
import { isWatertightWelded } from '../../src-main/engine/reconstruct/mesh-checks';
import {
  DEFAULT_RECONSTRUCT,
  reconstructHead,
  SMALL_RECONSTRUCT,
  type ReconstructedHead,
} from '../../src-main/engine/reconstruct/reconstruct-head';
import { makeHeadFixture, SAMPLE_PHOTO } from '../fixtures/head-fixture';
import {
  compareSurfaces,
  diagonal,
  head360,
  heldOutViews,
  maskedPsnr,
  psnrBreakdown,
  renderScene,
  renderSceneAntialiased,
  samplePoints,
  textureFromPng,
  visibleTriangles,
  uvOverlap,
  type SceneObject,
} from './synthetic-scene';

const skip = isNativeAddonAvailable() ? false : `native addon: ${nativeAddonProblem()}`;
export const TEST_FIT = SMALL_RECONSTRUCT;
/** GEN3D_SCENES_FIT=default runs the scenes at the stage's settings (32³ → 64³ → 128³, 60k; minutes, not in CI). */
const SCENE_FIT = process.env.GEN3D_SCENES_FIT === 'default' ? DEFAULT_RECONSTRUCT : TEST_FIT;

interface SceneResult {
  chamfer: number;
  chamferPercent: number;
  normalConsistency: number;
  /** Held-out PSNR of 4×4-sample anti-aliased renders (as a renderer or a camera gives them), and inside both masks. */
  psnr: number;
  psnrBoth: number;
  /**
   * The same on one sample per pixel: every sub-pixel error of the outline costs whole pixels of object
   * against white. PSNR, PSNR over the pixels both masks share, mean pixels per view on one silhouette
   * only, their share of the error.
   */
  pointSampled: { psnr: number; both: number; onePixels: number; oneShare: number };
  watertight: boolean;
  head: ReconstructedHead;
}

async function reconstructScene(
  truth: SceneObject[],
  prior: { positions: Float32Array; indices: Uint32Array },
): Promise<SceneResult> {
  setForceCpu(true);
  const rig = head360();
  const views = [];
  for (const v of rig) {
    const r = await renderScene(truth, v.camera);
    views.push({ camera: v.camera, image: r.image, mask: r.mask });
  }
  const head = await reconstructHead(views, prior, { ...SCENE_FIT, textureSize: 1024 });
  // Geometry against the truth's outer surface.
  const seen = await visibleTriangles(truth);
  const truthPoints = mergeSamples(
    truth.map((o, i) => samplePoints(o.positions, o.indices, seen[i]!, Math.round(30000 / truth.length))),
  );
  const reconPoints = samplePoints(head.positions, head.indices, undefined, 30000);
  const { chamfer, normalConsistency } = compareSurfaces(reconPoints, truthPoints);
  const diag = diagonal(truthPoints.points);
  // Texture on held-out views.
  const texture = head.texture;
  const recon: SceneObject = { positions: head.positions, uvs: head.uvs, indices: head.indices, texture };
  let psnr = 0;
  let psnrBoth = 0;
  const pointSampled = { psnr: 0, both: 0, onePixels: 0, oneShare: 0 };
  const held = heldOutViews();
  for (const v of held) {
    const a = await renderSceneAntialiased(truth, v.camera);
    const b = await renderSceneAntialiased([recon], v.camera);
    psnr += maskedPsnr(a.image.data, b.image.data, a.mask, b.mask) / held.length;
    psnrBoth += psnrBreakdown(a.image.data, b.image.data, a.mask, b.mask).both / held.length;
    const pa = await renderScene(truth, v.camera);
    const pb = await renderScene([recon], v.camera);
    pointSampled.psnr += maskedPsnr(pa.image.data, pb.image.data, pa.mask, pb.mask) / held.length;
    const part = psnrBreakdown(pa.image.data, pb.image.data, pa.mask, pb.mask);
    pointSampled.both += part.both / held.length;
    pointSampled.onePixels += part.onePixels / held.length;
    pointSampled.oneShare += part.oneShare / held.length;
  }
  return {
    chamfer,
    chamferPercent: (100 * chamfer) / diag,
    normalConsistency,
    psnr,
    psnrBoth,
    pointSampled,
    watertight: isWatertightWelded(head.positions, head.indices),
    head,
  };
}

function mergeSamples(parts: { points: Float32Array; normals: Float32Array }[]): {
  points: Float32Array;
  normals: Float32Array;
} {
  const n = parts.reduce((s, p) => s + p.points.length, 0);
  const points = new Float32Array(n);
  const normals = new Float32Array(n);
  let o = 0;
  for (const p of parts) {
    points.set(p.points, o);
    normals.set(p.normals, o);
    o += p.points.length;
  }
  return { points, normals };
}

function report(name: string, r: SceneResult): void {
  const rep = r.head.report;
  console.log(
    `${name}: Chamfer ${(r.chamfer * 1000).toFixed(2)} mm = ${r.chamferPercent.toFixed(3)} % of the diagonal, ` +
      `normal consistency ${r.normalConsistency.toFixed(4)}, held-out PSNR ${r.psnr.toFixed(2)} dB ` +
      `(inside both masks ${r.psnrBoth.toFixed(2)} dB; one sample per pixel: ${r.pointSampled.psnr.toFixed(2)} dB, ` +
      `inside both masks ${r.pointSampled.both.toFixed(2)} dB, ${r.pointSampled.onePixels.toFixed(1)} px/view on one silhouette only = ` +
      `${(100 * r.pointSampled.oneShare).toFixed(0)} % of the error), ` +
      `watertight ${r.watertight}; ${rep.triangles.marched} → ${rep.triangles.final} triangles, ${rep.atlas.charts} charts, ` +
      `UV use ${(rep.atlas.utilisation * 100).toFixed(1)} %, UV overlap ${(100 * uvOverlap(r.head.uvs, r.head.indices)).toFixed(2)} % of covered texels, ${rep.steps} steps on ${rep.provider}, ` +
      `mask loss ${rep.losses.initial.mask.toFixed(4)} → ${rep.losses.final.mask.toFixed(4)}, times ${JSON.stringify(rep.seconds)}`,
  );
}

let ellipsoid: Promise<SceneResult> | undefined;
function ellipsoidResult(): Promise<SceneResult> {
  ellipsoid ??= (async () => {
    const fixture = await makeHeadFixture({ nose: false, textureSide: 512 });
    const texture = await textureFromPng(fixture.texturePng, 512);
    const truth: SceneObject = {
      positions: fixture.positions,
      uvs: fixture.uvs,
      indices: fixture.indices,
      texture,
    };
    // Prior: the same mesh pushed onto a sphere of radius 9 cm (the truth is 8 × 11 × 10 cm).
    const sphere = fixture.positions.slice();
    for (let v = 0; v < sphere.length; v += 3) {
      const l = Math.hypot(sphere[v]!, sphere[v + 1]!, sphere[v + 2]!) || 1;
      for (let k = 0; k < 3; k++) sphere[v + k] = (sphere[v + k]! / l) * 0.09;
    }
    const r = await reconstructScene([truth], { positions: sphere, indices: fixture.indices });
    report('ellipsoid', r);
    return r;
  })();
  return ellipsoid;
}

test(
  'ellipsoid from a sphere prior: watertight, Chamfer ≤ 1 % of the diagonal, normals ≥ 0.95',
  { skip },
  async () => {
    const r = await ellipsoidResult();
    assert.ok(r.watertight, 'watertight');
    assert.ok(r.head.report.watertight.marched);
    assert.ok(r.chamferPercent <= 1, `Chamfer ${r.chamferPercent} % of the diagonal`);
    assert.ok(r.normalConsistency >= 0.95, `normal consistency ${r.normalConsistency}`);
    assert.ok(r.psnrBoth >= 29, `PSNR inside both masks ${r.psnrBoth} dB`);
    // One sample per pixel (every sub-pixel error of the outline a whole pixel of object against white):
    // 24.1 dB measured (23.9 before the rim fit, 21.8 without the photometric refinement).
    assert.ok(r.pointSampled.psnr >= 23.7, `point-sampled PSNR ${r.pointSampled.psnr} dB`);
    assert.ok(r.pointSampled.both >= 27.3, `point-sampled PSNR inside both masks ${r.pointSampled.both} dB`);
  },
);

test('ellipsoid: held-out texture PSNR ≥ 25 dB', { skip }, async () => {
  // Measured 30.0 dB (29.6 without the rim fit; the bake on the true mesh gives 29.0 on one sample per pixel).
  const r = await ellipsoidResult();
  assert.ok(r.psnr >= 25, `PSNR ${r.psnr} dB`);
});

/** The head model's triangles over its UV vertices (seams split), textured with the sample photo. */
async function headObject(model: HeadModel, positions: Float32Array): Promise<SceneObject> {
  const uvPositions = new Float32Array(model.uvVertexToVertex.length * 3);
  for (let i = 0; i < model.uvVertexToVertex.length; i++) {
    uvPositions.set(
      positions.subarray(model.uvVertexToVertex[i]! * 3, model.uvVertexToVertex[i]! * 3 + 3),
      i * 3,
    );
  }
  const texture = await textureFromPng(await readFile(SAMPLE_PHOTO), 1024);
  return { positions: uvPositions, uvs: model.uvs, indices: model.uvTriangles, texture };
}

/** A hair shell of a preset, with a striped brown texture. */
function hairObject(model: HeadModel, positions: Float32Array, scale: number): SceneObject {
  const field = headRadialField(model, positions);
  const preset = HAIRSTYLE_PRESETS.medium;
  const shape = hairShape(field, {
    ...preset,
    volume: preset.volume * scale,
    sideVolume: preset.sideVolume * scale,
  });
  const mesh = buildHairMesh(field, shape, HAIR_MESH_FULL);
  const side = 256;
  const data = new Uint8Array(side * side * 4);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const stripe = 0.75 + 0.25 * Math.sin(x * 0.5) * Math.sin(y * 0.05);
      data.set(
        [Math.round(110 * stripe), Math.round(70 * stripe), Math.round(40 * stripe), 255],
        (y * side + x) * 4,
      );
    }
  }
  return {
    positions: mesh.positions,
    uvs: mesh.uvs,
    indices: mesh.indices,
    texture: { data, width: side, height: side },
  };
}

let headScene: Promise<SceneResult> | undefined;
function headResult(): Promise<SceneResult> {
  headScene ??= (async () => {
    const model = await loadHeadModel();
    // Truth: the mean head with a medium hairstyle. Prior: a wider, shorter head with thinner hair.
    const truthPositions = model.positions;
    const truth = [await headObject(model, truthPositions), hairObject(model, truthPositions, 1.0)];
    const coefficients = new Float32Array(model.shapeComponents.length);
    coefficients[0] = 1.5; // head-width
    coefficients[1] = -1.5; // head-length
    const priorPositions = shapedPositions(model, coefficients);
    const priorHair = hairObject(model, priorPositions, 0.6);
    const priorPos = new Float32Array(priorPositions.length + priorHair.positions.length);
    priorPos.set(priorPositions);
    priorPos.set(priorHair.positions, priorPositions.length);
    const priorIdx = new Uint32Array(model.triangles.length + priorHair.indices.length);
    priorIdx.set(model.triangles);
    priorIdx.set(
      priorHair.indices.map((i) => i + priorPositions.length / 3),
      model.triangles.length,
    );
    const r = await reconstructScene(truth, { positions: priorPos, indices: priorIdx });
    report('head + hair', r);
    return r;
  })();
  return headScene;
}

test(
  'head model with hair from another head and hairstyle: watertight, Chamfer ≤ 1 %, normals ≥ 0.95',
  { skip },
  async () => {
    const r = await headResult();
    assert.ok(r.watertight, 'watertight');
    assert.ok(r.head.report.watertight.final);
    assert.ok(r.chamferPercent <= 1, `Chamfer ${r.chamferPercent} % of the diagonal`);
    // Measured 0.9538 (0.9519 before the photometric refinement and its fairing).
    assert.ok(r.normalConsistency >= 0.95, `normal consistency ${r.normalConsistency}`);
    assert.ok(r.psnrBoth >= 27, `PSNR inside both masks ${r.psnrBoth} dB`);
    // One sample per pixel: 23.0 dB measured (21.7 before the rim fit: 127 → 81 px per view on one
    // silhouette only, hair outline, ears and neck; 21.1 without the photometric refinement).
    assert.ok(r.pointSampled.psnr >= 22.4, `point-sampled PSNR ${r.pointSampled.psnr} dB`);
    assert.ok(r.pointSampled.both >= 27.3, `point-sampled PSNR inside both masks ${r.pointSampled.both} dB`);
    assert.equal(computeVertexNormals(r.head.positions, r.head.indices).length, r.head.normals.length);
  },
);

test('head model with hair: held-out PSNR ≥ 25 dB', { skip }, async () => {
  // Measured 27.1 dB (25.2 without the rim fit).
  const r = await headResult();
  assert.ok(r.psnr >= 25, `PSNR ${r.psnr} dB`);
});
