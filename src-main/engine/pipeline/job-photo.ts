/** The job's working photo (`photo.png`, written by ingest) as the later stages want it. */
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { JOB_PATHS } from '../../shared/protocol';
import type { StageContext } from './stage-context';

export interface JobPhoto {
  png: Buffer;
  width: number;
  height: number;
}

export async function readJobPhoto(ctx: Pick<StageContext, 'path'>): Promise<JobPhoto> {
  const png = await readFile(ctx.path(JOB_PATHS.photo));
  const meta = await sharp(png).metadata();
  return { png, width: meta.width ?? 0, height: meta.height ?? 0 };
}
