/**
 * The export stage's quality figures: the head (and hair) it exports, the job's photo and, after the
 * diffusion generator, its 16 views (`views/cameras.json` gives each file's azimuth) through
 * engine/metrics, at the level the job's settings ask for.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { JOB_PATHS, metricsLevelOf, type HeadMetrics } from '../../shared/protocol';
import { measureHead } from '../metrics';
import type { RenderableObject } from './render-views';
import type { StageContext } from './stage-context';

export async function measureJobHead(
  ctx: Pick<StageContext, 'path' | 'job'>,
  objects: readonly RenderableObject[],
): Promise<HeadMetrics | undefined> {
  const level = metricsLevelOf(ctx.job.settings);
  if (level === 'off') return undefined;
  const photo = await readFile(ctx.path(JOB_PATHS.photo));
  const generatedViews = level === 'full' ? await readGeneratedViews(ctx) : [];
  const { metrics } = await measureHead({
    objects,
    photo,
    level,
    ...(generatedViews.length ? { generatedViews } : {}),
  });
  return metrics;
}

/** The diffusion's views with their azimuths; none when the job did not run the diffusion generator. */
async function readGeneratedViews(
  ctx: Pick<StageContext, 'path'>,
): Promise<{ azimuthDeg: number; png: Buffer }[]> {
  const dir = ctx.path(JOB_PATHS.viewsDir);
  const text = await readFile(join(dir, 'cameras.json'), 'utf8').catch(() => undefined);
  if (text === undefined) return [];
  const cameras = JSON.parse(text) as { views: { file: string; azimuth: number }[] };
  return Promise.all(
    cameras.views.map(async (v) => ({ azimuthDeg: v.azimuth, png: await readFile(join(dir, v.file)) })),
  );
}
