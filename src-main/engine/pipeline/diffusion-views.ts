/**
 * The generate stage's diffusion part: the job's cut-out, mask, photo and fitted head turned into the
 * networks' inputs (input view at S and R px, prior vertices in the volume frame, their photo colour
 * and visibility), then the pack's sampler writes `views/` and its report section.
 */
import { readFile } from 'node:fs/promises';
import { JOB_PATHS } from '../../shared/protocol';
import { decodeRawImage } from '../image/raw-image';
import { loadHeadModel } from '../geometry/head-model';
import { photoDepth, photoWithMaskAlpha } from '../generate/prior-projection/photo-projection';
import { findDiffusionPack, loadDiffusionPack } from '../generate/multiview-diffusion/diffusion-pack';
import { DiffusionRuntime } from '../generate/multiview-diffusion/diffusion-runtime';
import { generateViews, type DiffusionReport } from '../generate/multiview-diffusion/generate-views';
import { cropInputView, rgbToSignedNchw } from '../generate/multiview-diffusion/input-view';
import {
  cameraElevationDeg,
  headFrameOrigin,
  meshPhotoColours,
  toVolumeFrame,
} from '../generate/multiview-diffusion/mesh-inputs';
import { seededNoise } from '../generate/multiview-diffusion/noise-source';
import { readHeadFit } from './head-fit-file';
import { readJobMask } from './job-mask';
import { readJobPhoto } from './job-photo';
import { embeddedPacksDir, packsDir } from './packs-dir';
import type { StageContext } from './stage-context';

/** A run other than the stage's (a view candidate): another seed, written into another folder. */
export interface DiffusionRunOverrides {
  seed?: number;
  /** The folder (relative to the job) the views go into, instead of `views/`. */
  viewsRel?: string;
  previewEvery?: number;
}

export async function runDiffusionViews(
  ctx: StageContext,
  overrides: DiffusionRunOverrides = {},
): Promise<DiffusionReport> {
  const settings = ctx.job.settings;
  const d = { ...settings.diffusion, ...overrides };
  const viewsRel = overrides.viewsRel ?? JOB_PATHS.viewsDir;
  ctx.progress(0, 1, 'verifying the diffusion pack');
  const dir = await findDiffusionPack(packsDir(), d.pack, embeddedPacksDir());
  const dp = await loadDiffusionPack(dir, ctx.signal);
  const steps = d.steps ?? dp.spec.sampler.steps;
  const guidance = d.guidance ?? dp.spec.sampler.guidance;

  const photo = await readJobPhoto(ctx);
  const mask = await readJobMask(ctx);
  const cutout = await readFile(ctx.path(JOB_PATHS.cutout));
  const crop = dp.spec.inputCrop;
  const S = dp.resolution;
  const R = dp.spec.conditionResolution;
  const viewS = await cropInputView(cutout, mask, S, crop);
  const viewR = R === S ? viewS : await cropInputView(cutout, mask, R, crop);
  await ctx.writeArtifact('view', `${viewsRel}/input.png`, viewS.png);

  const { positions, camera } = await readHeadFit(ctx);
  const origin = headFrameOrigin(positions);
  const meshVertices = toVolumeFrame(positions, origin, dp.rig.headScale);
  let meshColour: Float32Array | undefined;
  if (dp.spec.meshPhotoFeatures) {
    const model = await loadHeadModel();
    const rgba = await photoWithMaskAlpha(await decodeRawImage(photo.png, 4), mask);
    const depth = await photoDepth(positions, model.triangles, camera, rgba.width, rgba.height);
    meshColour = meshPhotoColours({ positions, indices: model.triangles, camera, photo: rgba, depth });
  }

  const runtime = await DiffusionRuntime.open(dp.pack, settings.provider);
  try {
    for (const f of runtime.fallbacks) ctx.progress(0, steps, `not on ${f.provider}: ${f.reason}`);
    ctx.progress(
      0,
      steps,
      `diffusion (${dp.pack.manifest.id}, ${steps} steps, guidance ${guidance}, seed ${d.seed}) on ${runtime.provider}`,
    );
    return await generateViews(
      dp,
      runtime,
      {
        viewS: rgbToSignedNchw(viewS.rgb, S),
        viewR: rgbToSignedNchw(viewR.rgb, R),
        meshVertices,
        ...(meshColour ? { meshColour } : {}),
        inputElevationDeg: cameraElevationDeg(camera, origin),
        headFrameOrigin: origin,
      },
      {
        steps,
        guidance,
        eta: dp.spec.sampler.eta,
        noise: seededNoise(d.seed),
        ...(d.maxBatch ? { maxBatch: d.maxBatch } : {}),
        previewEvery: d.previewEvery,
        checkpointEvery: d.checkpointEvery,
      },
      {
        dir: ctx.path(viewsRel),
        rel: viewsRel,
        writeArtifact: (kind, rel, data) => ctx.writeArtifact(kind, rel, data),
        progress: (step, total, message) => ctx.progress(step, total, message),
      },
      ctx.signal,
    );
  } finally {
    await runtime.release();
  }
}
