import { JOB_PATHS } from '../../../shared/protocol';
import { bakeHeadTexture, buildTexturedHead } from '../../generate/prior-projection/bake-head-texture';
import { loadHeadModel } from '../../geometry/head-model';
import { EXTRA_MESH_FOLDERS, writeMeshFolder } from '../../geometry/mesh-file';
import { readHeadFit } from '../head-fit-file';
import { decodeRawImage } from '../../image/raw-image';
import { readJobMask } from '../job-mask';
import { readJobPhoto } from '../job-photo';
import { photoBaseName, safeFileStem } from '../../../shared/file-names';
import type { StageContext, StageRunner } from '../stage-context';
import { generateHair } from '../../generate/hair/generate-hair';
import { photoWithMaskAlpha } from '../../generate/prior-projection/photo-projection';
import type { PinholeCamera } from '../../geometry/camera';
import type { HeadModel } from '../../geometry/head-model';
import type { RawImage } from '../../image/raw-image';
import { readLandmarksFile } from '../landmarks-file';

/**
 * "Preview (no diffusion)": the photo projected onto the fitted head, mirrored where hidden, the rest
 * filled with the photo's skin and hair colours; stored in `mesh/` for export.
 */
export const generateStage: StageRunner = {
  id: 'generate',
  async run(ctx) {
    ctx.progress(0, 3, 'projecting the photo onto the head');
    const photo = await readJobPhoto(ctx);
    const { positions, camera } = await readHeadFit(ctx);
    const model = await loadHeadModel();
    const size = ctx.job.settings.export.textureSize >= 2048 ? 2048 : 1024;
    const photoRgba = await decodeRawImage(photo.png, 4);
    const baked = await bakeHeadTexture(
      {
        photoRgba,
        mask: await readJobMask(ctx),
        positions,
        model,
        camera,
        textureSize: size,
      },
      ctx.signal,
    );
    const share = (x: number): string => `${(x * 100).toFixed(0)} %`;
    ctx.progress(
      2,
      3,
      `photo ${share(baked.coverage.photo)}, mirrored ${share(baked.coverage.mirrored)}, filled ${share(baked.coverage.filled)}`,
    );
    const mesh = buildTexturedHead({
      positions,
      model,
      texturePng: baked.texturePng,
      name: safeFileStem(photoBaseName(ctx.job.sourceName)),
    });
    await writeMeshFolder(ctx.path(JOB_PATHS.meshDir), mesh);
    ctx.announce('mesh', `${JOB_PATHS.meshDir}/mesh.json`);
    ctx.announce('texture', `${JOB_PATHS.meshDir}/texture.png`);
    await writeHair(ctx, { positions, camera, model, photo: photoRgba, size });
  },
};

/** Where the hair's fit report lies, beside its mesh folder (read back by the export stage). */
export const HAIR_REPORT_FILE = `${JOB_PATHS.meshDir}/${EXTRA_MESH_FOLDERS.hair}/hair-report.json`;

/** The hair object: segmented in the photo, a library style fitted to it, textured from its hair. */
async function writeHair(
  ctx: StageContext,
  input: { positions: Float32Array; camera: PinholeCamera; model: HeadModel; photo: RawImage; size: number },
): Promise<void> {
  const { photo } = input;
  const landmarks = await readLandmarksFile(ctx);
  // The mask at the photo's size, from the alpha the bake's helper scales it into.
  const withMask = await photoWithMaskAlpha(photo, await readJobMask(ctx));
  const personMask = new Uint8Array(photo.width * photo.height);
  for (let p = 0; p < personMask.length; p++) personMask[p] = withMask.data[p * 4 + 3]!;
  const hair = await generateHair(
    {
      photoRgba: photo,
      personMask,
      landmarks: landmarks.landmarks,
      positions: input.positions,
      model: input.model,
      camera: input.camera,
      textureSize: input.size,
    },
    ctx.signal,
  );
  const dir = `${JOB_PATHS.meshDir}/${EXTRA_MESH_FOLDERS.hair}`;
  await writeMeshFolder(ctx.path(dir), hair.mesh);
  ctx.announce('mesh', `${dir}/mesh.json`);
  ctx.announce('texture', `${dir}/texture.png`);
  await ctx.writeJsonArtifact('report', HAIR_REPORT_FILE, hair.report);
  const { report } = hair;
  ctx.progress(
    3,
    3,
    `hair: ${report.style}${report.headwear ? ' under headwear' : ''}, silhouette IoU ${report.iou.toFixed(2)}`,
  );
}
