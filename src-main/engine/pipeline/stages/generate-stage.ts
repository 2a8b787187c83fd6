import { rm } from 'node:fs/promises';
import { JOB_PATHS } from '../../../shared/protocol';
import { bakeHeadTexture, buildTexturedHead } from '../../generate/prior-projection/bake-head-texture';
import { describeLighting } from '../../generate/prior-projection/estimate-lighting';
import { loadHeadModel } from '../../geometry/head-model';
import { writeMeshFolder } from '../../geometry/mesh-file';
import { readHeadFit } from '../head-fit-file';
import { readJobPhoto } from '../job-photo';
import { photoBaseName, safeFileStem } from '../../../shared/file-names';
import type { StageRunner } from '../stage-context';
import { flameTopologyHead } from '../flame-topology-head';
import { segmentJobHair, writeHairObject } from '../hair-object';
import { coveringSkin, leftToHairObject } from '../../generate/hair/segment-hair';
import { runDiffusionViews } from '../diffusion-views';
import { writeJsonAtomic } from '../../../shared/atomic-file';

/**
 * With the diffusion generator, first the pack's 16 views into `views/` (diffusion-views.ts). Then, in
 * both cases, "Preview (no diffusion)": the photo projected onto the fitted head, mirrored where the mirror is
 * seen better, the rest synthesised from the photo's own skin and hair; stored in `mesh/` for export,
 * with the hair object (a fitted style textured from the photo's hair) in `mesh/hair/`.
 */
export const generateStage: StageRunner = {
  id: 'generate',
  async run(ctx) {
    if (ctx.job.settings.generator === 'diffusion') {
      const report = await runDiffusionViews(ctx);
      await writeJsonAtomic(ctx.path(JOB_PATHS.diffusionReport), report);
      ctx.progress(
        0,
        3,
        `${report.views} diffusion views in ${JOB_PATHS.viewsDir}/; projecting the photo onto the head as the prior that reconstruction fits to them`,
      );
    } else {
      // a diffusion report of an earlier run with the other generator must not reach this job's report
      await rm(ctx.path(JOB_PATHS.diffusionReport), { force: true });
      ctx.progress(0, 3, 'projecting the photo onto the head');
    }
    const photo = await readJobPhoto(ctx);
    const { positions, camera } = await readHeadFit(ctx);
    const model = await loadHeadModel();
    const size = ctx.job.settings.export.textureSize >= 2048 ? 2048 : 1024;
    const hairPhoto = await segmentJobHair(ctx, { photoPng: photo.png, camera, model });
    const { segmentation } = hairPhoto.segmented;
    const { width, height } = hairPhoto.photo;
    const baked = await bakeHeadTexture(
      {
        photoRgba: hairPhoto.photo,
        // the job's mask, already scaled to the photo for the hair
        mask: { data: hairPhoto.personMask, width, height },
        positions,
        model,
        camera,
        textureSize: size,
        albedo: ctx.job.settings.albedoTexture,
        hairMask: {
          data: leftToHairObject(segmentation),
          width: segmentation.width,
          height: segmentation.height,
        },
        lowerFaceMask: {
          data: segmentation.lowerFace,
          width: segmentation.width,
          height: segmentation.height,
        },
        coveringMask: {
          data: coveringSkin(segmentation),
          width: segmentation.width,
          height: segmentation.height,
        },
      },
      ctx.signal,
    );
    const share = (x: number): string => `${(x * 100).toFixed(0)} %`;
    ctx.progress(
      2,
      3,
      `photo ${share(baked.coverage.photo)}, mirrored ${share(baked.coverage.mirrored)}, synthesised ${share(baked.coverage.filled)}; ${describeLighting(baked.lighting)}${baked.albedo ? ' (divided out: albedo texture)' : ''}`,
    );
    const mesh = buildTexturedHead({
      positions,
      model,
      texturePng: baked.texturePng,
      name: safeFileStem(photoBaseName(ctx.job.sourceName)),
    });
    const exported =
      ctx.job.settings.export.topology === 'flame'
        ? await flameTopologyHead(ctx, { mesh, model, positions, signal: ctx.signal })
        : mesh;
    await writeMeshFolder(ctx.path(JOB_PATHS.meshDir), exported);
    ctx.announce('mesh', `${JOB_PATHS.meshDir}/mesh.json`);
    ctx.announce('texture', `${JOB_PATHS.meshDir}/texture.png`);
    await writeHairObject(ctx, { ...hairPhoto, positions, camera, model, size });
  },
};
