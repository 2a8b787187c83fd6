/**
 * The built-in head model fitted to the photo (`prior/head-fit.json` + `.bin`): what the texture
 * bake needs, whichever estimator gave the prior. Kept apart from the prior so that switching the
 * estimator never changes the textured head's topology.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { JOB_PATHS, PhotoPose } from '../../shared/protocol';
import { roundPose } from '../../shared/photo-pose';
import type { PinholeCamera } from '../geometry/camera';
import type { FitResult } from '../estimate/builtin/fit-head-model';
import type { StageContext } from './stage-context';

const Camera = z.object({
  fx: z.number(),
  fy: z.number(),
  cx: z.number(),
  cy: z.number(),
  R: z.array(z.number()).length(9),
  t: z.array(z.number()).length(3),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
});

const HeadFitFile = z.object({
  vertexCount: z.number().int().positive(),
  camera: Camera,
  shape: z.array(z.number()),
  pose: PhotoPose,
  reprojectionError: z.object({
    medianPx: z.number(),
    medianFractionOfFaceBox: z.number(),
    shapeOnlyMedianPx: z.number(),
  }),
  confidence: z.number(),
});

export async function writeHeadFit(ctx: StageContext, fit: FitResult): Promise<void> {
  const positions = fit.positions;
  await ctx.writeArtifact(
    'prior-mesh',
    JOB_PATHS.headFitPositions,
    new Uint8Array(positions.buffer, positions.byteOffset, positions.byteLength),
  );
  await ctx.writeJsonArtifact('camera', JOB_PATHS.headFit, {
    vertexCount: positions.length / 3,
    camera: fit.camera,
    shape: fit.shape,
    pose: fit.pose,
    reprojectionError: fit.reprojectionError,
    confidence: fit.confidence,
  } satisfies z.infer<typeof HeadFitFile>);
}

/** The fitted pose (degrees, one decimal), or undefined when the job has no readable head fit. */
export async function readHeadFitPose(file: string): Promise<PhotoPose | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  let json: { pose?: unknown };
  try {
    json = JSON.parse(text) as { pose?: unknown };
  } catch {
    return undefined;
  }
  const parsed = PhotoPose.safeParse(json.pose);
  return parsed.success ? roundPose(parsed.data) : undefined;
}

export async function readHeadFit(
  ctx: Pick<StageContext, 'path'>,
): Promise<{ positions: Float32Array; camera: PinholeCamera }> {
  const info = HeadFitFile.parse(JSON.parse(await readFile(ctx.path(JOB_PATHS.headFit), 'utf8')));
  const bytes = new Uint8Array(await readFile(ctx.path(JOB_PATHS.headFitPositions)));
  if (bytes.byteLength !== info.vertexCount * 12) {
    throw new Error(
      `${JOB_PATHS.headFitPositions} has ${bytes.byteLength} bytes, expected ${info.vertexCount * 12}`,
    );
  }
  return {
    positions: new Float32Array(bytes.buffer, bytes.byteOffset, info.vertexCount * 3),
    camera: info.camera,
  };
}
