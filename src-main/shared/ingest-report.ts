/**
 * What ingest and face detection leave in a job for the studio's crop box: the original photo's size
 * and the crop applied (to map photo.png pixels back to the original's), and every face found.
 */
import { z } from 'zod';
import { CropBox } from './protocol';

export const IngestReport = z
  .object({
    /** The upright original (EXIF orientation applied), before the crop. */
    original: z.object({ width: z.number().int(), height: z.number().int(), format: z.string() }).strict(),
    /** The crop applied to the original, if any. */
    crop: CropBox.optional(),
    /** photo.png: the crop (or the original), downscaled to the working size. */
    working: z.object({ width: z.number().int(), height: z.number().int() }).strict(),
  })
  .strict();
export type IngestReport = z.infer<typeof IngestReport>;

/** Face boxes as [x, y, width, height] in photo.png pixels, left to right. */
export const FacesFile = z
  .object({
    faces: z.array(
      z.object({ box: z.tuple([z.number(), z.number(), z.number(), z.number()]), score: z.number() }),
    ),
  })
  .strict();
export type FacesFile = z.infer<typeof FacesFile>;
