/**
 * A diffusion job's view candidates: another seed's picture of one view, kept beside the job's views
 * in `views/candidates/` until the user keeps it (it replaces `views/NN.png`, the old picture stays as
 * `NN-previous.png` so it can be undone) or discards it. Files only; sampling is regenerate-view.ts.
 */
import { copyFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobRecord } from '../../shared/protocol';
import { tempPathFor } from '../../shared/atomic-file';
import {
  CANDIDATES_DIR,
  candidatePath,
  previousViewPath,
  readViewCount,
  viewCandidateRefusal,
  viewPath,
} from '../../shared/view-candidate-rules';
import { StageError } from '../stage-error';

export { CANDIDATES_DIR, candidatePath, previousViewPath, viewPath };

const exists = (path: string): Promise<boolean> =>
  stat(path).then(
    (s) => s.isFile(),
    () => false,
  );

/** Throws the refusal of viewCandidateRefusal (shared/view-candidate-rules.ts) as a StageError. */
export async function refuseViewCandidate(jobDir: string, job: JobRecord, view: number): Promise<void> {
  const refusal = viewCandidateRefusal(job, await readViewCount(jobDir), view, false);
  if (refusal) throw new StageError(refusal.code, refusal.message, refusal.hint);
}

/**
 * The candidate becomes `views/NN.png`: the current picture is copied to `NN-previous.png` first, then
 * the candidate is renamed over the view (one rename: a crash leaves the old or the new picture).
 */
export async function keepViewCandidate(jobDir: string, view: number, seed: number): Promise<void> {
  const candidate = join(jobDir, candidatePath(view, seed));
  if (!(await exists(candidate)))
    throw new StageError('no-candidate', `there is no candidate of view ${view} with seed ${seed}`);
  const target = join(jobDir, viewPath(view));
  const previous = join(jobDir, previousViewPath(view));
  const temp = tempPathFor(previous);
  await copyFile(target, temp);
  await rename(temp, previous);
  await rename(candidate, target);
}

export async function discardViewCandidate(jobDir: string, view: number, seed: number): Promise<void> {
  const candidate = join(jobDir, candidatePath(view, seed));
  if (!(await exists(candidate)))
    throw new StageError('no-candidate', `there is no candidate of view ${view} with seed ${seed}`);
  await rm(candidate);
}
