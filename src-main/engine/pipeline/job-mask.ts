/** The job's person mask (`mask.png`, written by segment), one byte per photo pixel. */
import { readFile } from 'node:fs/promises';
import { JOB_PATHS } from '../../shared/protocol';
import { decodeRawImage, type RawImage } from '../image/raw-image';
import type { StageContext } from './stage-context';

export async function readJobMask(ctx: Pick<StageContext, 'path'>): Promise<RawImage> {
  return decodeRawImage(await readFile(ctx.path(JOB_PATHS.mask)), 1);
}
