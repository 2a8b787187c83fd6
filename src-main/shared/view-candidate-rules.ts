/**
 * Where a diffusion job's view candidates live and when one may be made, kept or discarded. Shared by
 * the engine (which does it) and the host (which refuses at once, before anything is sent).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { JOB_PATHS, type ErrorInfo, type JobRecord } from './protocol';

export const CANDIDATES_DIR = `${JOB_PATHS.viewsDir}/candidates`;

const pad = (view: number): string => String(view).padStart(2, '0');

/** `views/05.png` */
export const viewPath = (view: number): string => `${JOB_PATHS.viewsDir}/${pad(view)}.png`;

/** `views/candidates/05-seed123.png` */
export const candidatePath = (view: number, seed: number): string =>
  `${CANDIDATES_DIR}/${pad(view)}-seed${seed}.png`;

/** Where a candidate's joint sample is written before view N is taken from it (removed after). */
export const candidateScratchPath = (view: number, seed: number): string =>
  `${CANDIDATES_DIR}/.run-${view}-${seed}`;

/** `views/candidates/05-previous.png`: the picture a kept candidate replaced. */
export const previousViewPath = (view: number): string => `${CANDIDATES_DIR}/${pad(view)}-previous.png`;

/** How many views the job's sampling wrote (its cameras.json says); 0 when it has not finished. */
export async function readViewCount(jobDir: string): Promise<number> {
  try {
    const text = await readFile(join(jobDir, JOB_PATHS.viewsDir, 'cameras.json'), 'utf8');
    const views = (JSON.parse(text) as { views?: unknown }).views;
    return Array.isArray(views) ? views.length : 0;
  } catch {
    return 0;
  }
}

/**
 * Why this view of the job cannot get a candidate (or have one kept or discarded), or undefined: a
 * job without views (the projection generator, or sampling not finished), a view it does not have,
 * a running job.
 */
export function viewCandidateRefusal(
  job: JobRecord,
  viewCount: number,
  view: number,
  running: boolean,
): ErrorInfo | undefined {
  if (job.settings.generator !== 'diffusion')
    return {
      code: 'no-views',
      message: `job ${job.id} used the ${job.settings.generator} generator, which makes no views`,
      hint: 'Only a job of the diffusion generator has views to sample again.',
    };
  if (running || job.state === 'running')
    return {
      code: 'job-running',
      message: `job ${job.id} is running`,
      hint: 'Wait for it or cancel it first.',
    };
  if (viewCount === 0)
    return {
      code: 'no-views',
      message: `job ${job.id} has no views yet (its generate stage has not finished)`,
      hint: 'Run the job to the end first.',
    };
  if (!Number.isInteger(view) || view < 0 || view >= viewCount)
    return {
      code: 'view-out-of-range',
      message: `job ${job.id} has views 0–${viewCount - 1}; there is no view ${view}`,
    };
  return undefined;
}
