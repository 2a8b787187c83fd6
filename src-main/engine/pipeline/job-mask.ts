/** The job's person mask (`mask.png`, written by segment), one byte per photo pixel. */
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { JOB_PATHS } from '../../shared/protocol';
import type { StageContext } from './stage-context';

export async function readJobMask(
  ctx: Pick<StageContext, 'path'>,
): Promise<{ data: Uint8Array; width: number; height: number }> {
  const { data, info } = await sharp(await readFile(ctx.path(JOB_PATHS.mask)))
    .extractChannel(0)
    .raw()
    .toBuffer({ resolveWithObject: true });
  return {
    data: new Uint8Array(data.buffer, data.byteOffset, data.length),
    width: info.width,
    height: info.height,
  };
}

export async function decodeRaw(
  png: Buffer,
  channels: 3 | 4,
): Promise<{ data: Uint8Array; width: number; height: number }> {
  const image = sharp(png).removeAlpha();
  const { data, info } = await (channels === 4 ? image.ensureAlpha() : image)
    .raw()
    .toBuffer({ resolveWithObject: true });
  return {
    data: new Uint8Array(data.buffer, data.byteOffset, data.length),
    width: info.width,
    height: info.height,
  };
}
