import { access, rename, rm } from 'node:fs/promises';
import sharp from 'sharp';
import { JOB_PATHS } from '../../../shared/protocol';
import { EXTRA_MESH_FOLDERS, readMeshFolderIfPresent, writeMeshFolder } from '../../geometry/mesh-file';
import { CAMERAS_FILE, readInputViews, VIEWS_DIR } from '../../reconstruct/read-views';
import {
  DEFAULT_RECONSTRUCT,
  reconstructHead,
  SMALL_RECONSTRUCT,
  type ReconstructSettings,
} from '../../reconstruct/reconstruct-head';
import { priorWithReconstructedTexture } from '../../reconstruct/prior-topology';
import { CancelledError, StageError } from '../../stage-error';
import type { StageContext, StageRunner, StageSkipped } from '../stage-context';

/** Where the generate stage's own head (and hair) go once the reconstruction takes `mesh/`. */
export const PROJECTED_MESH_DIR = 'mesh-projected';
export const RECONSTRUCT_REPORT = `${JOB_PATHS.meshDir}/reconstruct.json`;
/** With `reconstructMesh: 'prior'` the marched mesh is kept here (mesh/ holds the textured prior). */
export const RECONSTRUCTED_MESH_DIR = 'mesh-reconstructed';

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Views → a watertight, UV-textured head in `mesh/` (reconstruct/reconstruct-head.ts). Runs when the
 * generator wrote `views/cameras.json` (the diffusion generator); skipped otherwise (the projection
 * generator's head in `mesh/` is exported as it is). The generator's head and hair move to
 * `mesh-projected/` and are the prior of the fit, so the stage can be re-run. `fit` overrides the
 * default grid levels and steps (tests run small).
 */
export function makeReconstructStage(
  fit: Omit<ReconstructSettings, 'textureSize'> = DEFAULT_RECONSTRUCT,
): StageRunner {
  return { id: 'reconstruct', run: (ctx) => runReconstruct(ctx, fit) };
}

/**
 * The test hook's reconstruction: the small grid without the photometric refinement and the rim fit
 * (each tested on its own in tests/reconstruct); ~7 s a job on the tiny test pack's noise views
 * against ~13 s with both and ~20 s at the default grid.
 */
export const FLOW_TEST_RECONSTRUCT: Omit<ReconstructSettings, 'textureSize'> = {
  ...SMALL_RECONSTRUCT,
  refine: false,
  rimFit: false,
};

/**
 * Test hook: with `GEN3D_TEST_HOOKS=1` and `GEN3D_TEST_RECONSTRUCT=small`, outside Electron, the
 * engine reconstructs with FLOW_TEST_RECONSTRUCT (the studio's browser tests test the flow, not the fit).
 */
export function reconstructFitFromEnv(env = process.env): Omit<ReconstructSettings, 'textureSize'> {
  const small =
    env.GEN3D_TEST_HOOKS === '1' && env.GEN3D_TEST_RECONSTRUCT === 'small' && !process.versions.electron;
  return small ? FLOW_TEST_RECONSTRUCT : DEFAULT_RECONSTRUCT;
}

export const reconstructStage: StageRunner = {
  id: 'reconstruct',
  run: (ctx) => runReconstruct(ctx, reconstructFitFromEnv()),
};

async function runReconstruct(
  ctx: StageContext,
  fit: Omit<ReconstructSettings, 'textureSize'>,
): Promise<void | StageSkipped> {
  if (!(await exists(ctx.path(`${VIEWS_DIR}/${CAMERAS_FILE}`)))) {
    return { skipped: 'no generated views (the projection generator needs no reconstruction)' };
  }
  ctx.progress(0, 100, 'reading the views');
  const input = await readInputViews(ctx.path(VIEWS_DIR));
  const projected = ctx.path(PROJECTED_MESH_DIR);
  if (!(await exists(projected)) && (await exists(ctx.path(JOB_PATHS.meshDir)))) {
    await rename(ctx.path(JOB_PATHS.meshDir), projected);
  }
  const head = await readMeshFolderIfPresent(projected);
  const hair = await readMeshFolderIfPresent(`${projected}/${EXTRA_MESH_FOLDERS.hair}`);
  const origin = input.headFrameOrigin;
  const prior = head ? mergeInHeadFrame([head, ...(hair ? [hair] : [])], origin) : undefined;
  const textureSize = ctx.job.settings.export.textureSize;
  let result;
  try {
    result = await reconstructHead(
      input.views,
      prior,
      { ...fit, textureSize },
      {
        signal: ctx.signal,
        onProgress: (fraction, message) => ctx.progress(Math.round(fraction * 100), 100, message),
      },
    );
  } catch (error) {
    if (error instanceof CancelledError || error instanceof StageError) throw error;
    throw new StageError(
      'reconstruct-failed',
      `Reconstruction failed: ${error instanceof Error ? error.message : String(error)}`,
      'Check the generated views (views/) and re-run the reconstruct stage.',
    );
  }
  const positions = result.positions.map((v, i) => v + origin[i % 3]!);
  const { data, width, height } = result.texture;
  const texturePng = await sharp(Buffer.from(data.buffer, data.byteOffset, data.byteLength), {
    raw: { width, height, channels: 4 },
  })
    .png()
    .toBuffer();
  const meshDir = ctx.path(JOB_PATHS.meshDir);
  const reconstructed = {
    name: head?.name ?? 'head',
    positions,
    uvs: result.uvs,
    normals: result.normals,
    indices: result.indices,
    texturePng,
  };
  let onPrior: { coveredShare: number[] } | undefined;
  await rm(meshDir, { recursive: true, force: true });
  await rm(ctx.path(RECONSTRUCTED_MESH_DIR), { recursive: true, force: true });
  if (ctx.job.settings.reconstructMesh === 'prior' && head) {
    ctx.progress(95, 100, 'moving the texture onto the generator’s head and hair');
    const objects = [head, ...(hair ? [hair] : [])];
    const moved = await priorWithReconstructedTexture(
      {
        positions,
        uvs: result.uvs,
        indices: result.indices,
        triangleChart: result.triangleChart,
        texture: result.texture,
      },
      objects,
      textureSize,
      ctx.signal,
    );
    await writeMeshFolder(meshDir, moved.meshes[0]!);
    if (moved.meshes[1]) await writeMeshFolder(`${meshDir}/${EXTRA_MESH_FOLDERS.hair}`, moved.meshes[1]);
    await writeMeshFolder(ctx.path(RECONSTRUCTED_MESH_DIR), reconstructed);
    onPrior = { coveredShare: moved.coveredShare };
  } else {
    await writeMeshFolder(meshDir, reconstructed);
  }
  ctx.announce('mesh', `${JOB_PATHS.meshDir}/mesh.json`);
  ctx.announce('texture', `${JOB_PATHS.meshDir}/texture.png`);
  const maskSources = [...new Set(input.views.map((v) => v.maskSource))];
  await ctx.writeJsonArtifact('report', RECONSTRUCT_REPORT, {
    views: input.views.length,
    maskSource: maskSources.join('+'),
    prior: head ? (hair ? 'head+hair' : 'head') : 'none',
    output: onPrior ? 'prior' : 'reconstructed',
    ...(onPrior ? { priorTextureCoverage: onPrior.coveredShare } : {}),
    ...result.report,
  });
  const r = result.report;
  ctx.progress(
    100,
    100,
    `${r.triangles.final} triangles, ${r.watertight.final ? 'watertight' : 'NOT watertight'}, ${r.provider}, ${r.seconds.total} s`,
  );
}

/** One triangle soup of the objects, moved from the prior's coordinates into the head frame. */
function mergeInHeadFrame(
  objects: { positions: Float32Array; indices: Uint32Array }[],
  origin: readonly number[],
): { positions: Float32Array; indices: Uint32Array } {
  const vertexTotal = objects.reduce((n, o) => n + o.positions.length, 0);
  const indexTotal = objects.reduce((n, o) => n + o.indices.length, 0);
  const positions = new Float32Array(vertexTotal);
  const indices = new Uint32Array(indexTotal);
  let vOffset = 0;
  let iOffset = 0;
  for (const o of objects) {
    for (let i = 0; i < o.positions.length; i++) positions[vOffset + i] = o.positions[i]! - origin[i % 3]!;
    for (let i = 0; i < o.indices.length; i++) indices[iOffset + i] = o.indices[i]! + vOffset / 3;
    vOffset += o.positions.length;
    iOffset += o.indices.length;
  }
  return { positions, indices };
}
