/**
 * The reconstruct stage on a job folder: skipped without views; with views (an ellipsoid rendered
 * from the head360 rig, written as the diffusion generator writes them) it moves the generator's head
 * to mesh-projected/, writes a watertight textured mesh and its report to mesh/; bad views (counts,
 * non-finite cameras, empty masks) fail with a clear StageError before any work.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { readMeshFolder, writeMeshFolder } from '../../src-main/engine/geometry/mesh-file';
import {
  isNativeAddonAvailable,
  nativeAddonProblem,
  reconstructSurface,
  setForceCpu,
} from '../../src-main/engine/native/native-addon';
import type { StageContext } from '../../src-main/engine/pipeline/stage-context';
import {
  makeReconstructStage,
  FLOW_TEST_RECONSTRUCT,
  reconstructFitFromEnv,
  PROJECTED_MESH_DIR,
  RECONSTRUCT_REPORT,
  RECONSTRUCTED_MESH_DIR,
} from '../../src-main/engine/pipeline/stages/reconstruct-stage';
import { DEFAULT_RECONSTRUCT } from '../../src-main/engine/reconstruct/reconstruct-head';
import { isWatertightWelded } from '../../src-main/engine/reconstruct/mesh-checks';
import { maskFromNonWhite } from '../../src-main/engine/reconstruct/read-views';
import { StageError } from '../../src-main/engine/stage-error';
import { JobSettings, type JobRecord, type JobSettingsInput } from '../../src-main/shared/protocol';
import { makeHeadFixture } from '../fixtures/head-fixture';
import { head360, renderScene, textureFromPng, writeViewsFolder } from './synthetic-scene';

const skip = isNativeAddonAvailable() ? false : `native addon: ${nativeAddonProblem()}`;
const SMALL = { resolutions: [32], steps: [40], targetTriangles: 20000 };

function context(jobDir: string, messages: string[], settings: JobSettingsInput = {}): StageContext {
  const job = { settings: JobSettings.parse(settings) } as unknown as JobRecord;
  const path = (r: string): string => join(jobDir, r);
  return {
    jobDir,
    job,
    signal: new AbortController().signal,
    progress: (_s, _t, m) => {
      if (m) messages.push(m);
    },
    path,
    announce: () => {},
    writeArtifact: async (_k, r, data) => writeFile(path(r), data),
    writeJsonArtifact: async (_k, r, value) => writeFile(path(r), JSON.stringify(value)),
  };
}

/** A job with the ellipsoid's views in views/ and the generator's (sphere) head in mesh/. */
async function jobWithViews(): Promise<string> {
  setForceCpu(true);
  const dir = await mkdtemp(join(tmpdir(), 'gen3d-recon-'));
  const fixture = await makeHeadFixture({ nose: false, textureSide: 256 });
  const texture = await textureFromPng(fixture.texturePng, 256);
  const rig = head360();
  const renders = [];
  for (const v of rig) {
    renders.push(await renderScene([{ ...fixture, texture }], v.camera));
  }
  await writeViewsFolder(join(dir, 'views'), rig, renders);
  const sphere = fixture.positions.map((x, i, a) => {
    const v = i - (i % 3);
    return (x / (Math.hypot(a[v]!, a[v + 1]!, a[v + 2]!) || 1)) * 0.09;
  });
  await writeMeshFolder(join(dir, 'mesh'), { ...fixture, positions: sphere, name: 'prior' });
  return dir;
}

test('the stage is skipped when generate wrote no views', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gen3d-recon-'));
  const outcome = await makeReconstructStage(SMALL).run(context(dir, []));
  assert.match(outcome?.skipped ?? '', /no generated views/, 'the stage says it was skipped, and why');
  await rm(dir, { recursive: true, force: true });
});

test(
  'views → watertight textured mesh in mesh/, the generator head kept in mesh-projected/',
  { skip },
  async () => {
    const dir = await jobWithViews();
    const messages: string[] = [];
    await makeReconstructStage(SMALL).run(context(dir, messages));
    const mesh = await readMeshFolder(join(dir, 'mesh'));
    assert.ok(isWatertightWelded(mesh.positions, mesh.indices), 'watertight');
    assert.ok(mesh.indices.length / 3 <= SMALL.targetTriangles);
    const report = JSON.parse(await readFile(join(dir, RECONSTRUCT_REPORT), 'utf8'));
    assert.equal(report.provider, 'cpu');
    assert.equal(report.steps, 40);
    assert.equal(report.views, 16);
    assert.equal(report.maskSource, 'non-white');
    assert.ok(report.losses.final.mask < report.losses.initial.mask);
    assert.equal((await readMeshFolder(join(dir, PROJECTED_MESH_DIR))).name, 'prior');
    // Re-running uses the kept prior and gives a mesh again.
    await makeReconstructStage(SMALL).run(context(dir, messages));
    assert.ok((await readMeshFolder(join(dir, 'mesh'))).indices.length > 0);
    await rm(dir, { recursive: true, force: true });
  },
);

test(
  "reconstructMesh 'prior': the generator's head keeps its topology and takes the reconstruction's texture",
  { skip },
  async () => {
    const dir = await jobWithViews();
    const truth = await readMeshFolder(join(dir, 'mesh'));
    // The prior's own texture is flat grey: whatever the texture becomes came from the views.
    const grey = await sharp({ create: { width: 256, height: 256, channels: 3, background: '#808080' } })
      .png()
      .toBuffer();
    await writeMeshFolder(join(dir, 'mesh'), { ...truth, texturePng: grey });
    await makeReconstructStage(SMALL).run(context(dir, [], { reconstructMesh: 'prior' }));
    const mesh = await readMeshFolder(join(dir, 'mesh'));
    assert.equal(mesh.name, 'prior');
    assert.deepEqual(mesh.indices, truth.indices, 'the same triangles');
    assert.deepEqual(mesh.uvs, truth.uvs, 'the same UVs');
    const report = JSON.parse(await readFile(join(dir, RECONSTRUCT_REPORT), 'utf8'));
    assert.equal(report.output, 'prior');
    assert.ok(report.priorTextureCoverage[0] > 0.3, `coverage ${report.priorTextureCoverage}`);
    assert.ok((await readMeshFolder(join(dir, RECONSTRUCTED_MESH_DIR))).indices.length > 0);
    // The transferred texture is the views' (the fixture's texture in the prior's UVs), not the grey.
    const side = 256;
    const raw = async (png: Buffer): Promise<Buffer> =>
      sharp(png).resize(side, side).removeAlpha().raw().toBuffer();
    const [got, want] = await Promise.all([raw(mesh.texturePng), raw(truth.texturePng)]);
    const used = uvCoverage(truth.uvs, truth.indices, side);
    let errGot = 0;
    let errGrey = 0;
    let n = 0;
    for (let p = 0; p < side * side; p++) {
      if (!used[p]) continue;
      for (let c = 0; c < 3; c++) {
        errGot += Math.abs(got[p * 3 + c]! - want[p * 3 + c]!);
        errGrey += Math.abs(128 - want[p * 3 + c]!);
      }
      n += 3;
    }
    console.log(
      `prior topology: texture mean abs error ${(errGot / n).toFixed(1)} (grey: ${(errGrey / n).toFixed(1)}), coverage ${report.priorTextureCoverage}`,
    );
    assert.ok(errGot < 0.5 * errGrey, `${errGot / n} vs grey ${errGrey / n}`);
    await rm(dir, { recursive: true, force: true });
  },
);

/** Texels (side²) inside the UV triangles: the part of a texture a mesh uses. */
function uvCoverage(uvs: Float32Array, indices: Uint32Array, side: number): Uint8Array {
  const used = new Uint8Array(side * side);
  for (let t = 0; t < indices.length; t += 3) {
    const p = [0, 1, 2].map((k) => [uvs[indices[t + k]! * 2]! * side, uvs[indices[t + k]! * 2 + 1]! * side]);
    const [a, b, c] = p as [[number, number], [number, number], [number, number]];
    const area = (b[0] - a[0]) * (c[1] - a[1]) - (c[0] - a[0]) * (b[1] - a[1]);
    if (!area) continue;
    const x0 = Math.max(0, Math.floor(Math.min(a[0], b[0], c[0])));
    const x1 = Math.min(side - 1, Math.ceil(Math.max(a[0], b[0], c[0])));
    const y0 = Math.max(0, Math.floor(Math.min(a[1], b[1], c[1])));
    const y1 = Math.min(side - 1, Math.ceil(Math.max(a[1], b[1], c[1])));
    for (let y = y0; y <= y1; y++)
      for (let x = x0; x <= x1; x++) {
        const px = x + 0.5;
        const py = y + 0.5;
        const w0 = ((b[0] - px) * (c[1] - py) - (c[0] - px) * (b[1] - py)) / area;
        const w1 = ((c[0] - px) * (a[1] - py) - (a[0] - px) * (c[1] - py)) / area;
        if (w0 >= 0 && w1 >= 0 && w0 + w1 <= 1) used[y * side + x] = 1;
      }
  }
  return used;
}

async function expectBadViews(dir: string, pattern: RegExp): Promise<void> {
  await assert.rejects(makeReconstructStage(SMALL).run(context(dir, [])), (error: unknown) => {
    assert.ok(error instanceof StageError, String(error));
    assert.equal(error.code, 'bad-views');
    assert.match(error.message, pattern);
    return true;
  });
}

test(
  'bad views fail with clear errors: counts, non-finite cameras, empty masks, missing files',
  { skip },
  async () => {
    const dir = await jobWithViews();
    const camerasPath = join(dir, 'views', 'cameras.json');
    const good = JSON.parse(await readFile(camerasPath, 'utf8'));
    // 15 cameras without file names for 16 images.
    const unnamed = good.views.map(({ file: _file, ...rest }: { file: string }) => rest);
    await writeFile(camerasPath, JSON.stringify({ ...good, views: unnamed.slice(1) }));
    await expectBadViews(dir, /15 cameras but views\/ has 16/);
    // A NaN written by a buggy generator (JSON has no NaN: it becomes null).
    const nan = structuredClone(good);
    nan.views[3].t[2] = null;
    await writeFile(camerasPath, JSON.stringify(nan));
    await expectBadViews(dir, /malformed: views\.3\.t\.2/);
    const huge = structuredClone(good);
    huge.views[2].R[0] = 12345.5;
    // 1e999 parses as Infinity.
    await writeFile(camerasPath, JSON.stringify(huge).replace('12345.5', '1e999'));
    await expectBadViews(dir, /malformed: views\.2\.R\.0 .*Infinity/);
    // A view that is all white: empty mask.
    await writeFile(camerasPath, JSON.stringify(good));
    const white = await (
      await import('sharp')
    )
      .default({ create: { width: 256, height: 256, channels: 3, background: '#ffffff' } })
      .png()
      .toBuffer();
    await writeFile(join(dir, 'views', '05.png'), white);
    await expectBadViews(dir, /mask of view 05\.png is empty/);
    await rm(join(dir, 'views', '05.png'));
    await expectBadViews(dir, /05\.png named in cameras\.json is missing/);
    await rm(dir, { recursive: true, force: true });
  },
);

test('the addon rejects non-finite cameras and empty masks without crashing', { skip }, async () => {
  const mask = { width: 8, height: 8, data: new Uint8Array(64).fill(255) };
  const camera = { fx: 10, fy: 10, cx: 4, cy: 4, R: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [0, 0, 1] };
  await assert.rejects(
    reconstructSurface({
      views: [{ camera: { ...camera, t: [0, 0, NaN] }, mask }],
      resolutions: [16],
      steps: [1],
      side: 1,
    }),
    /finite/,
  );
  await assert.rejects(
    reconstructSurface({
      views: [{ camera, mask: { ...mask, data: new Uint8Array(64) } }],
      resolutions: [16],
      steps: [1],
      side: 1,
    }),
    /mask is empty/,
  );
  const cancel = new AbortController();
  cancel.abort();
  const r = await reconstructSurface({
    views: [{ camera, mask }],
    resolutions: [16],
    steps: [5],
    side: 1,
    signal: cancel.signal,
  });
  assert.ok(r.cancelled);
  assert.equal(r.steps, 1);
});

test('masks from non-white: holes filled, specks dropped', () => {
  const w = 20;
  const data = new Uint8Array(w * w * 4).fill(255);
  const paint = (x: number, y: number): void => data.set([40, 30, 20, 255], (y * w + x) * 4);
  for (let y = 4; y < 16; y++)
    for (let x = 4; x < 16; x++) if (!(x >= 8 && x < 12 && y >= 8 && y < 12)) paint(x, y);
  paint(1, 1); // a speck
  const mask = maskFromNonWhite({ data, width: w, height: w });
  assert.equal(mask[10 * w + 10], 255, 'the white hole inside is filled');
  assert.equal(mask[1 * w + 1], 0, 'the speck is dropped');
  assert.equal(
    mask.reduce((n, m) => n + (m ? 1 : 0), 0),
    144,
  );
});

test('the flow test hook needs GEN3D_TEST_HOOKS=1 as well; otherwise the default grid', () => {
  assert.deepEqual(reconstructFitFromEnv({}), DEFAULT_RECONSTRUCT);
  assert.deepEqual(reconstructFitFromEnv({ GEN3D_TEST_RECONSTRUCT: 'small' }), DEFAULT_RECONSTRUCT);
  assert.deepEqual(
    reconstructFitFromEnv({ GEN3D_TEST_HOOKS: '1', GEN3D_TEST_RECONSTRUCT: 'small' }),
    FLOW_TEST_RECONSTRUCT,
  );
});
