/**
 * Runs a job's stages in order, recording each stage's state in job.json before and after it, so a
 * job killed at any moment resumes from its last finished stage. Stages already done are skipped.
 */
import { performance } from 'node:perf_hooks';
import { readJobRecord, updateJobRecord, withStage } from '../../shared/job-folder';
import {
  STAGE_IDS,
  type Artifact,
  type EngineEvent,
  type ErrorInfo,
  type JobRecord,
  type StageId,
} from '../../shared/protocol';
import { CancelledError, ENGINE_SHUTDOWN, StageError } from '../stage-error';
import { createStageContext, type StageRunner } from './stage-context';
import { testHangAt, testOutOfMemoryAt } from '../engine-heartbeat';

export type Emit = (event: EngineEvent) => void;

export interface RunJobArgs {
  jobDir: string;
  stages: readonly StageRunner[];
  emit: Emit;
  signal: AbortSignal;
  /** Re-run this stage and the ones after it even if they are done… */
  fromStage?: StageId;
  /** …or just this one stage. */
  only?: boolean;
  /** What the installation lacks: the job fails with the first of these before any stage runs. */
  setupProblems?: readonly ErrorInfo[];
}

export async function runJob({
  jobDir,
  stages,
  emit,
  signal,
  fromStage,
  only = false,
  setupProblems = [],
}: RunJobArgs): Promise<JobRecord> {
  let job = await readJobRecord(jobDir);
  const jobId = job.id;
  job = await updateJobRecord(jobDir, (r) =>
    resetFrom({ ...r, state: 'running', error: undefined }, stages, fromStage, only),
  );
  const outputs: Artifact[] = [];
  let current: StageId | undefined;
  try {
    const setupProblem = setupProblems[0];
    if (setupProblem) throw new StageError(setupProblem.code, setupProblem.message, setupProblem.hint);
    for (const stage of stages) {
      if (job.stages[stage.id]?.state === 'done') {
        outputs.push(...(job.stages[stage.id]?.artifacts ?? []));
        continue;
      }
      current = stage.id;
      if (signal.aborted) throw new CancelledError();
      job = await updateJobRecord(jobDir, (r) => withStage(r, stage.id, { ...CLEARED, state: 'running' }));
      emit({ type: 'stageStarted', jobId, stage: stage.id });
      await testHangAt(stage.id, signal);
      testOutOfMemoryAt(stage.id, job.settings.workingMaxSide);
      const artifacts: Artifact[] = [];
      const started = performance.now();
      const ctx = createStageContext({
        jobDir,
        job,
        signal,
        onProgress: (step, total, message) =>
          emit({ type: 'progress', jobId, stage: stage.id, step, total, ...(message ? { message } : {}) }),
        onArtifact: (artifact) => {
          artifacts.push(artifact);
          emit({ type: 'artifact', jobId, stage: stage.id, artifact });
        },
      });
      const skipped = (await stage.run(ctx))?.skipped;
      if (signal.aborted) throw new CancelledError();
      const ms = Math.round(performance.now() - started);
      const estimator = madeFromEstimate(stage.id) ? job.settings.estimator : undefined;
      job = await updateJobRecord(jobDir, (r) =>
        withStage(r, stage.id, { state: 'done', ms, artifacts, skipped, estimator }),
      );
      outputs.push(...artifacts);
      emit({ type: 'stageDone', jobId, stage: stage.id, ms, ...(skipped ? { skipped } : {}) });
    }
    job = await updateJobRecord(jobDir, (r) => ({ ...r, state: 'done' }));
    emit({ type: 'jobDone', jobId, outputs });
    return job;
  } catch (error) {
    // Whatever a stage threw once its signal was aborted (an AbortError, a native error) is the abort.
    if (signal.aborted && signal.reason === ENGINE_SHUTDOWN) {
      const info = {
        code: 'interrupted',
        message: 'the studio quit while this job was running',
        hint: 'Resume the job: it goes on from its last finished stage.',
      };
      job = await updateJobRecord(jobDir, (r) => ({
        ...(current ? withStage(r, current, { ...CLEARED, state: 'pending' }) : r),
        state: 'interrupted',
        error: info,
      }));
      emit({ type: 'error', jobId, ...(current ? { stage: current } : {}), error: info });
      return job;
    }
    if (error instanceof CancelledError || signal.aborted) {
      job = await updateJobRecord(jobDir, (r) => ({
        ...(current ? withStage(r, current, { state: 'cancelled' }) : r),
        state: 'cancelled',
      }));
      emit({ type: 'cancelled', jobId });
      return job;
    }
    const info = toErrorInfo(error);
    job = await updateJobRecord(jobDir, (r) => ({
      ...(current ? withStage(r, current, { state: 'failed', error: info }) : r),
      state: 'failed',
      error: info,
    }));
    emit({ type: 'error', jobId, ...(current ? { stage: current } : {}), error: info });
    return job;
  }
}

/** Mark `fromStage` (and, unless `only`, every later stage) pending again. */
function resetFrom(
  job: JobRecord,
  stages: readonly StageRunner[],
  fromStage: StageId | undefined,
  only: boolean,
): JobRecord {
  if (!fromStage) return job;
  const index = stages.findIndex((s) => s.id === fromStage);
  if (index < 0) throw new StageError('unknown-stage', `this pipeline has no stage "${fromStage}"`);
  return stages
    .slice(index, only ? index + 1 : undefined)
    .reduce((r, s) => withStage(r, s.id, { ...CLEARED, state: 'pending' }), job);
}

/** What a stage record forgets when its stage runs again. */
const CLEARED = { artifacts: [], error: undefined, skipped: undefined, estimator: undefined };

/** Estimate and every stage after it work from the estimate: their results belong to its estimator. */
const madeFromEstimate = (stage: StageId): boolean =>
  STAGE_IDS.indexOf(stage) >= STAGE_IDS.indexOf('estimate');

export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof StageError) return error.toInfo();
  const err = error as NodeJS.ErrnoException;
  if (err?.code === 'ENOSPC') {
    return {
      code: 'disk-full',
      message: 'The disk is full; nothing more could be written.',
      hint: 'Free some space and resume the job.',
    };
  }
  return {
    code: 'internal-error',
    message: err instanceof Error ? err.message : String(error),
    hint: 'This is a bug in the studio; the job folder keeps everything done so far.',
  };
}
