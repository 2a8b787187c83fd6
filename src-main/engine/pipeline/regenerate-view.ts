/**
 * The engine's side of the gallery's "New seed" / "Keep" / "Discard" for one view of a diffusion job.
 *
 * The pack samples all views jointly (they attend to each other), so a new seed means a new joint
 * sample. We take view N of a fresh joint sample with that seed rather than holding the other views
 * fixed as conditioning: the sampler has no inpainting path for "these views are known", and adding
 * one would change what the pack was trained for. The candidate can therefore differ in style from its
 * neighbours; the user judges it beside the current view before keeping it.
 */
import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { readJobRecord } from '../../shared/job-folder';
import type { EngineEvent } from '../../shared/protocol';
import { viewFileName } from '../generate/multiview-diffusion/generate-views';
import { CancelledError } from '../stage-error';
import { runDiffusionViews } from './diffusion-views';
import { runJob, toErrorInfo, type RunJobArgs } from './run-job';
import { createStageContext } from './stage-context';
import { candidateScratchPath } from '../../shared/view-candidate-rules';
import {
  CANDIDATES_DIR,
  candidatePath,
  discardViewCandidate,
  keepViewCandidate,
  refuseViewCandidate,
  viewPath,
} from './view-candidates';
import { tempPathFor } from '../../shared/atomic-file';

type Emit = (event: EngineEvent) => void;

export interface ViewCandidateArgs {
  jobDir: string;
  view: number;
  seed: number;
  emit: Emit;
  signal: AbortSignal;
}

/** Sample the job's views with `seed`; only view `view` is kept, as the candidate picture. */
export async function regenerateView({ jobDir, view, seed, emit, signal }: ViewCandidateArgs): Promise<void> {
  const job = await readJobRecord(jobDir);
  const ref = { jobId: job.id, view, seed };
  // every view of the new sample lands here first; only view N leaves it
  const runRel = candidateScratchPath(view, seed);
  let outcome: EngineEvent;
  try {
    await refuseViewCandidate(jobDir, job, view);
    await rm(join(jobDir, runRel), { recursive: true, force: true });
    const ctx = createStageContext({
      jobDir,
      job,
      signal,
      onProgress: (step, total, message) =>
        emit({ type: 'viewCandidateProgress', ...ref, step, total, ...(message ? { message } : {}) }),
      onArtifact: () => undefined, // the run's files are scratch, not the job's artifacts
    });
    await runDiffusionViews(ctx, { seed, viewsRel: runRel, previewEvery: 0 });
    if (signal.aborted) throw new CancelledError();
    const path = candidatePath(view, seed);
    await mkdir(join(jobDir, CANDIDATES_DIR), { recursive: true });
    const temp = tempPathFor(join(jobDir, path));
    await copyFile(join(jobDir, runRel, viewFileName(view)), temp);
    await rename(temp, join(jobDir, path));
    outcome = { type: 'viewCandidate', ...ref, state: 'ready', path };
  } catch (error) {
    outcome =
      error instanceof CancelledError || signal.aborted
        ? { type: 'viewCandidate', ...ref, state: 'cancelled' }
        : { type: 'viewCandidate', ...ref, state: 'failed', error: toErrorInfo(error) };
  }
  // the scratch run is gone before anyone hears the outcome
  await rm(join(jobDir, runRel), { recursive: true, force: true }).catch(() => undefined);
  emit(outcome);
}

/** Keep the candidate as views/NN.png, then re-run reconstruct → export so the mesh uses it. */
export async function keepCandidateAndRebuild(
  args: ViewCandidateArgs & Omit<RunJobArgs, 'fromStage' | 'only'>,
): Promise<void> {
  const { jobDir, view, seed, emit } = args;
  const job = await readJobRecord(jobDir);
  const ref = { jobId: job.id, view, seed };
  try {
    await refuseViewCandidate(jobDir, job, view);
    await keepViewCandidate(jobDir, view, seed);
  } catch (error) {
    emit({ type: 'viewCandidate', ...ref, state: 'failed', error: toErrorInfo(error) });
    return;
  }
  emit({ type: 'viewCandidate', ...ref, state: 'kept', path: viewPath(view) });
  // the same path rewritten: the gallery reads the tile's picture again
  emit({
    type: 'artifact',
    jobId: job.id,
    stage: 'generate',
    artifact: { kind: 'view', path: viewPath(view) },
  });
  await runJob({ ...args, fromStage: 'reconstruct' });
}

export async function discardCandidate({
  jobDir,
  view,
  seed,
  emit,
}: Omit<ViewCandidateArgs, 'signal'>): Promise<void> {
  const job = await readJobRecord(jobDir);
  const ref = { jobId: job.id, view, seed };
  try {
    await refuseViewCandidate(jobDir, job, view);
    await discardViewCandidate(jobDir, view, seed);
    emit({ type: 'viewCandidate', ...ref, state: 'discarded' });
  } catch (error) {
    emit({
      type: 'viewCandidate',
      ...ref,
      state: 'failed',
      error: toErrorInfo(error),
    });
  }
}
