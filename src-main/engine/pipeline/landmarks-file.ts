/** `prior/landmarks.json`: every face found, which one was chosen, and its landmarks. */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { JOB_PATHS } from '../../shared/protocol';
import type { StageContext } from './stage-context';

export const LandmarksFile = z
  .object({
    faces: z.array(
      z.object({ box: z.tuple([z.number(), z.number(), z.number(), z.number()]), score: z.number() }),
    ),
    selected: z.number().int().nonnegative(),
    box: z.tuple([z.number(), z.number(), z.number(), z.number()]),
    score: z.number(),
    meshScore: z.number(),
    count: z.number().int().positive(),
    /** count × 3: x, y photo pixels, z same scale (MediaPipe: smaller = closer). */
    landmarks: z.array(z.number()),
    /**
     * The outline below the eyes from face-api's jaw contour (estimate/landmarks/fuse-jaw-contour.ts):
     * whether `landmarks` carry it, the 17 contour points (x, y), how far the outline moved.
     */
    jaw: z
      .object({
        applied: z.boolean(),
        reason: z.string().optional(),
        contour: z.array(z.number()).optional(),
        medianMovePx: z.number().optional(),
        maxMovePx: z.number().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type LandmarksFile = z.infer<typeof LandmarksFile>;

export async function readLandmarksFile(ctx: Pick<StageContext, 'path'>): Promise<LandmarksFile> {
  return LandmarksFile.parse(JSON.parse(await readFile(ctx.path(JOB_PATHS.landmarks), 'utf8')));
}
