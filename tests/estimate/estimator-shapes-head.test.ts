/**
 * The estimator an artist picks shapes the head they export: the built-in head is registered onto
 * the estimator's FLAME surface. A stand-in DECA pack whose FLAME is a known deformation of the
 * built-in head (longer nose, wider jaw) must come out in the exported head; the random-weight packs
 * of the adapter tests must still give a watertight, UV-mapped, head-sized export.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { atlasTriangleIds } from '../../src-main/engine/generate/prior-projection/photo-projection';
import { registerHeadToSurface } from '../../src-main/engine/estimate/register/register-head';
import { rotationFromVector } from '../../src-main/engine/geometry/camera';
import { loadHeadModel, modelLandmarks } from '../../src-main/engine/geometry/head-model';
import { applySimilarity, similarityProcrustes } from '../../src-main/engine/geometry/linear-algebra';
import { meshBounds } from '../../src-main/engine/geometry/textured-mesh';
import { estimatorFixtures } from '../adapters/support/estimator-fixtures';
import { readGlbMesh, validateGlb } from '../support/glb';
import { ASTRONAUT } from '../support/photos';
import { flameTopologyHead } from '../../src-main/engine/pipeline/flame-topology-head';
import type { StageError } from '../../src-main/engine/stage-error';
import { JobSettings } from '../../src-main/shared/protocol';
import { deformedHead, NOSE_EXTRA_M, writeStandInPack } from './support-standin';
import { scratchDir } from '../support/scratch-dir';

const CLI = path.join(process.cwd(), 'bin/gen3dface.mjs');
const model = await loadHeadModel();
const ALL = Uint32Array.from({ length: 468 }, (_, i) => i);

/** RMS landmark distance (m) after the best similarity from `a`'s frame to `b`'s. */
function alignedLandmarkRms(a: Float32Array, b: Float32Array): number {
  const la = modelLandmarks(model, a);
  const lb = modelLandmarks(model, b);
  const { s, R, t } = similarityProcrustes(la, lb, new Float64Array(468).fill(1));
  const moved = applySimilarity(la, { s, R, t });
  let sum = 0;
  for (let i = 0; i < moved.length; i++) sum += (moved[i]! - lb[i]!) ** 2;
  return Math.sqrt(sum / 468);
}

/** How far the nose tip stands in front of the eye corners (m). */
function noseProjection(positions: Float32Array): number {
  const lm = modelLandmarks(model, positions);
  const n = model.namedLandmarks;
  const eyes = [n.rightEyeOuter![0]!, n.rightEyeInner![0]!, n.leftEyeInner![0]!, n.leftEyeOuter![0]!];
  const eyeZ = eyes.reduce((s, i) => s + lm[i * 3 + 2]!, 0) / eyes.length;
  return lm[n.noseTip![0]! * 3 + 2]! - eyeZ;
}

/** The CLI on a photo: GLB only, no quality figures (the shapes are under test here, not those). */
function generate(args: string[]): { status: number | null; out: string } {
  const light = ['--format', 'glb', '--metrics', 'off'];
  const r = spawnSync(process.execPath, [CLI, 'generate', ...args, ...light], {
    encoding: 'utf8',
    timeout: 240_000,
  });
  return { status: r.status, out: r.stderr + r.stdout };
}

async function jobOf(out: string): Promise<string> {
  const jobs = path.join(out, '.jobs');
  const [job] = (await readdir(jobs)).filter((n) => !n.startsWith('.'));
  return path.join(jobs, job!);
}

async function headFitPositions(jobDir: string): Promise<Float32Array> {
  const bytes = await readFile(path.join(jobDir, 'prior/head-fit.bin'));
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

describe('registration onto another estimator', () => {
  it('lands the head on a known surface in another frame within 1 mm (landmarks)', () => {
    const target = deformedHead(model);
    // Another estimator's frame: turned, shifted, 10 % larger.
    const moved = applySimilarity(target, {
      s: 1.1,
      R: rotationFromVector([0.1, 0.3, -0.05]),
      t: [0.01, -0.02, 0.03],
    });
    const result = registerHeadToSurface(model, model.positions, {
      positions: moved,
      indices: model.triangles,
      landmarkIndices: ALL,
      landmarks: modelLandmarks(model, moved),
    });
    assert.ok(result.report.applied, result.report.reason);
    const before = alignedLandmarkRms(model.positions, target);
    const after = alignedLandmarkRms(result.positions, target);
    assert.ok(after < 0.001, `landmarks ${(after * 1000).toFixed(2)} mm RMS from the target`);
    assert.ok(before > 2 * after, `before ${before}, after ${after}`);
    assert.ok(result.report.surfaceP95Mm < 1, JSON.stringify(result.report));
    // The nose now stands out of the face by (almost) the stand-in's extra 8 mm.
    const gain = noseProjection(result.positions) - noseProjection(model.positions);
    assert.ok(gain > 0.75 * NOSE_EXTRA_M, `the nose stands ${(gain * 1000).toFixed(1)} mm further out`);
  });

  it('refuses a target whose landmarks are not a face, keeping the head as it was', () => {
    const scrambled = modelLandmarks(model, model.positions).map(
      (v, i) => v * (1 + 0.5 * Math.sin(i * 12.9898)),
    );
    const result = registerHeadToSurface(model, model.positions, {
      positions: model.positions,
      indices: model.triangles,
      landmarkIndices: ALL,
      landmarks: scrambled,
    });
    assert.equal(result.report.applied, false);
    assert.match(result.report.reason ?? '', /do not fit a face|size/);
    assert.equal(result.positions, model.positions);
  });
});

describe('the estimator shapes the exported head', { concurrency: 1 }, () => {
  it('a stand-in DECA pack with a longer nose and wider jaw gives that head, unlike the built-in', async () => {
    const fx = await estimatorFixtures(['deca']);
    const [deca] = (await readdir(fx.packsDir)).filter((n) => n.includes('deca'));
    assert.ok(deca, `no DECA pack in ${fx.packsDir}`);
    const packs = await scratchDir('standin-packs');
    const standIn = deformedHead(model);
    await writeStandInPack(path.join(fx.packsDir, deca), path.join(packs, deca), model, standIn);

    const outDeca = await scratchDir('standin-deca');
    const runDeca = generate([ASTRONAUT, '--out', outDeca, '--estimator', 'deca', '--packs', packs]);
    assert.equal(runDeca.status, 0, runDeca.out);
    const outBuiltin = await scratchDir('standin-builtin');
    const runBuiltin = generate([ASTRONAUT, '--out', outBuiltin]);
    assert.equal(runBuiltin.status, 0, runBuiltin.out);

    const decaJob = await jobOf(outDeca);
    const decaHead = await headFitPositions(decaJob);
    const builtinHead = await headFitPositions(await jobOf(outBuiltin));
    const rms = alignedLandmarkRms(decaHead, standIn);
    const builtinRms = alignedLandmarkRms(builtinHead, standIn);
    assert.ok(rms < 0.001, `exported face landmarks ${(rms * 1000).toFixed(2)} mm RMS from the stand-in's`);
    assert.ok(builtinRms > 2 * rms, `built-in ${builtinRms}, deca ${rms}`);

    const glbDeca = await readFile(path.join(outDeca, 'astronaut.glb'));
    const glbBuiltin = await readFile(path.join(outBuiltin, 'astronaut.glb'));
    assert.notDeepEqual(glbDeca, glbBuiltin);
    assert.equal((await validateGlb(glbDeca)).issues.numErrors, 0);

    const report = JSON.parse(await readFile(path.join(outDeca, 'report.json'), 'utf8')) as {
      estimate: {
        estimator: string;
        expression: string;
        registration: { applied: boolean; landmarkRmsMm: number };
      };
    };
    assert.equal(report.estimate.estimator, 'deca');
    assert.equal(report.estimate.expression, 'neutral');
    assert.equal(report.estimate.registration.applied, true);
    assert.ok(report.estimate.registration.landmarkRmsMm < 1, JSON.stringify(report.estimate));

    // FLAME's own mesh and UV template, textured by transfer from the studio head. The stand-in's
    // template is the head's own layout on the same surface, so the texture must come back the same.
    const outFlame = await scratchDir('standin-flame');
    const runFlame = generate([
      ASTRONAUT,
      ...['--out', outFlame, '--estimator', 'deca', '--packs', packs, '--topology', 'flame'],
    ]);
    assert.equal(runFlame.status, 0, runFlame.out);
    const glbFlame = await readFile(path.join(outFlame, 'astronaut.glb'));
    assert.equal((await validateGlb(glbFlame)).issues.numErrors, 0);
    const flameMesh = await readGlbMesh(glbFlame);
    assert.equal(flameMesh.positions.length / 3, model.uvs.length / 2, 'one vertex per template UV corner');
    const studioTex = await sharp(path.join(decaJob, 'mesh/texture.png')).raw().toBuffer();
    const flameTex = await sharp(path.join(await jobOf(outFlame), 'mesh/texture.png'))
      .raw()
      .toBuffer();
    // Where the two surfaces coincide: the charts the registration fits (ears and the neck's cut keep
    // the fitted head's own shape, so their closest points may land elsewhere); off the charts both
    // are dilation fill, spread differently.
    const size = Math.round(Math.sqrt(studioTex.length / 3));
    const charts = await atlasTriangleIds(model.uvs, model.uvTriangles, size);
    const fitted = new Set(['front', 'left', 'right', 'back', 'top']);
    let diff = 0;
    let texels = 0;
    for (let p = 0; p < charts.length; p++) {
      if (charts[p]! < 0) continue;
      if (!fitted.has(model.regions[model.triangleRegion[charts[p]!]!]!.name)) continue;
      texels++;
      for (let k = 0; k < 3; k++) diff += Math.abs(studioTex[p * 3 + k]! - flameTex[p * 3 + k]!) / 3;
    }
    diff /= texels;
    console.log(
      `# FLAME topology: texture transferred, mean |Δ| ${diff.toFixed(2)}/255 vs the studio head's`,
    );
    // Not 0: the studio head's vertices slide along the surface a fraction of a texel (resampling blur).
    assert.ok(diff < 6, `transferred texture differs by ${diff.toFixed(2)}/255 on average`);
  });

  it('asks for the FLAME UV template when the topology option cannot be met', async () => {
    const out = await scratchDir('flame-builtin');
    const run = generate([ASTRONAUT, '--out', out, '--topology', 'flame']);
    // refused as a usage error before any work (the stage's own refusal stays for the studio)
    assert.equal(run.status, 2, run.out);
    assert.match(run.out, /FLAME mesh can be exported only with a FLAME estimator/);
    assert.deepEqual(await readdir(out), [], 'no job started');

    // The studio asks the stage itself: a job without prior/flame-head/ is refused with a hint.
    const jobDir = await scratchDir('flame-stage');
    const job = { settings: JobSettings.parse({}) } as Parameters<typeof flameTopologyHead>[0]['job'];
    const mesh = {
      name: 'head',
      positions: model.positions,
      uvs: model.uvs,
      indices: model.uvTriangles,
      texturePng: Buffer.alloc(0),
    };
    await assert.rejects(
      flameTopologyHead(
        { path: (r) => path.join(jobDir, r), job },
        { mesh, model, positions: model.positions },
      ),
      (error: StageError) =>
        error.code === 'flame-topology-unavailable' && /only with a FLAME estimator/.test(error.message),
    );
  });

  for (const estimator of ['deca', 'mica'] as const) {
    it(`random-weight ${estimator} pack: still a watertight, UV-mapped, head-sized export`, async () => {
      const fx = await estimatorFixtures([estimator]);
      const out = await scratchDir(`random-${estimator}`);
      const run = generate([ASTRONAUT, '--out', out, '--estimator', estimator, '--packs', fx.packsDir]);
      assert.equal(run.status, 0, run.out);
      const glb = await readFile(path.join(out, 'astronaut.glb'));
      assert.equal((await validateGlb(glb)).issues.numErrors, 0);
      const mesh = await readGlbMesh(glb);
      assert.ok(mesh.uvs.every((u) => u >= 0 && u <= 1));
      const { min, max } = meshBounds(mesh.positions);
      const extent = [0, 1, 2].map((a) => max[a]! - min[a]!);
      assert.ok(Math.max(...extent) > 0.15 && Math.max(...extent) < 0.4, `extent ${extent}`);
      const report = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')) as {
        estimate: { registration: { applied: boolean; reason?: string } };
      };
      // A random FLAME is no face (or the pack has no MediaPipe embedding): the head keeps the
      // built-in shape, and the report says why.
      assert.equal(report.estimate.registration.applied, false, JSON.stringify(report.estimate));
      assert.match(report.estimate.registration.reason ?? '', /face|size|embedding/);
    });
  }
});
