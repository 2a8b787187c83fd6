/**
 * The hair object in a job: `mesh/hair/` (a mesh folder of its own, so it keeps its own texture) and
 * `mesh/hair/hair-report.json` (style, parameters, silhouette IoU). The generate stage segments the
 * photo's hair before the head's bake (which leaves that hair off the skin) and writes the object after
 * it; the export stage reads it; a job without it (written before hair existed) exports the head
 * alone.
 */
import { readFile } from 'node:fs/promises';
import { JOB_PATHS } from '../../shared/protocol';
import { hairGuessReason } from '../../shared/hair-fit';
import {
  generateHair,
  segmentPhotoHair,
  type HairReport,
  type SegmentedHair,
} from '../generate/hair/generate-hair';
import { photoWithMaskAlpha } from '../generate/prior-projection/photo-projection';
import type { PinholeCamera } from '../geometry/camera';
import type { HeadModel } from '../geometry/head-model';
import { EXTRA_MESH_FOLDERS, readMeshFolderIfPresent, writeMeshFolder } from '../geometry/mesh-file';
import type { TexturedMesh } from '../geometry/textured-mesh';
import { decodeRawImage, type RawImage } from '../image/raw-image';
import { readJobMask } from './job-mask';
import { readLandmarksFile } from './landmarks-file';
import type { StageContext } from './stage-context';

const HAIR_DIR = `${JOB_PATHS.meshDir}/${EXTRA_MESH_FOLDERS.hair}`;
const HAIR_REPORT = `${HAIR_DIR}/hair-report.json`;

/** What the hair takes from the job: the photo, its person mask and landmarks, and the hair segmented in it. */
export interface JobHairPhoto {
  photo: RawImage;
  personMask: Uint8Array;
  landmarks: ArrayLike<number>;
  segmented: SegmentedHair;
}

/** Segment the job photo's hair (the head's bake keeps it off the skin, the hair object is fitted to it). */
export async function segmentJobHair(
  ctx: StageContext,
  input: { photoPng: Buffer; camera: PinholeCamera; model: HeadModel },
): Promise<JobHairPhoto> {
  const photo = await decodeRawImage(input.photoPng, 4);
  const { landmarks } = await readLandmarksFile(ctx);
  // The mask at the photo's size, from the alpha the bake's helper scales it into.
  const withMask = await photoWithMaskAlpha(photo, await readJobMask(ctx));
  const personMask = new Uint8Array(photo.width * photo.height);
  for (let p = 0; p < personMask.length; p++) personMask[p] = withMask.data[p * 4 + 3]!;
  const segmented = segmentPhotoHair({
    photoRgba: photo,
    personMask,
    landmarks,
    model: input.model,
    camera: input.camera,
  });
  return { photo, personMask, landmarks, segmented };
}

/** Fit a style to the segmented hair, texture it, write it; the progress message names style and IoU. */
export async function writeHairObject(
  ctx: StageContext,
  input: JobHairPhoto & { positions: Float32Array; camera: PinholeCamera; model: HeadModel; size: number },
): Promise<HairReport> {
  const hair = await generateHair(
    {
      photoRgba: input.photo,
      personMask: input.personMask,
      landmarks: input.landmarks,
      segmented: input.segmented,
      positions: input.positions,
      model: input.model,
      camera: input.camera,
      textureSize: input.size,
    },
    ctx.signal,
  );
  await writeMeshFolder(ctx.path(HAIR_DIR), hair.mesh);
  ctx.announce('mesh', `${HAIR_DIR}/mesh.json`);
  ctx.announce('texture', `${HAIR_DIR}/texture.png`);
  await ctx.writeJsonArtifact('report', HAIR_REPORT, hair.report);
  const { report } = hair;
  ctx.progress(
    3,
    3,
    `hair: ${report.style}${report.headwear ? ' with headwear' : ''}, ` +
      hairFitSaid(report) +
      (report.beard ? `; beard ${Math.round(report.beard.lengthM * 100)} cm below the chin` : ''),
  );
  return report;
}

/** How the progress line says the hair was made: fitted (its IoU), or guessed and why. */
function hairFitSaid(report: { iou: number; inPhoto: number; guessed: boolean }): string {
  switch (hairGuessReason(report)) {
    case 'out-of-frame':
      return 'guessed (the photo does not show the top of the head)';
    case 'unclear':
      return `guessed (no style matched the photo's hair: IoU ${report.iou.toFixed(2)})`;
    default:
      return `silhouette IoU ${report.iou.toFixed(2)}`;
  }
}

/** The job's hair object and its report, or undefined when the job has none. */
export async function readHairObject(
  ctx: Pick<StageContext, 'path'>,
): Promise<{ mesh: TexturedMesh; report: unknown } | undefined> {
  const mesh = await readMeshFolderIfPresent(ctx.path(HAIR_DIR));
  if (!mesh) return undefined;
  const report: unknown = JSON.parse(await readFile(ctx.path(HAIR_REPORT), 'utf8').catch(() => 'null'));
  return { mesh, report };
}
