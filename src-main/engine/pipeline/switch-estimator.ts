/**
 * Another estimator for a job, without risking the estimate it has. The estimate stage writes only
 * into `prior/`, so that folder is copied aside first; if the estimate fails (a corrupt pack, a pack
 * of the wrong shapes…), `prior/` and job.json are put back as they were — previous estimator,
 * estimate, stage states and job state — and the failure is reported as `estimatorSwitchFailed`,
 * not as a failed job. A failure after the estimate (generate, export) fails the job as usual.
 */
import { cp, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { readJobRecord, updateJobRecord, writeJobRecord } from '../../shared/job-folder';
import type { EstimatorId, ErrorInfo, JobRecord } from '../../shared/protocol';
import { runJob, type RunJobArgs } from './run-job';

const PRIOR_DIR = 'prior';
/** The previous `prior/` while a switch runs (removed when it succeeds). */
const PRIOR_BEFORE_SWITCH = '.prior-before-switch';

export async function switchEstimator(
  args: Omit<RunJobArgs, 'fromStage' | 'only'> & { estimator: EstimatorId },
): Promise<JobRecord> {
  const { jobDir, estimator, emit } = args;
  const before = await readJobRecord(jobDir);
  const prior = join(jobDir, PRIOR_DIR);
  const saved = join(jobDir, PRIOR_BEFORE_SWITCH);
  await rm(saved, { recursive: true, force: true });
  const hadPrior = await cp(prior, saved, { recursive: true }).then(
    () => true,
    () => false,
  );
  await updateJobRecord(jobDir, (r) => ({ ...r, settings: { ...r.settings, estimator } }));

  let failure: ErrorInfo | undefined;
  const job = await runJob({
    ...args,
    fromStage: 'estimate',
    emit: (event) => {
      // Held back: if the estimate fails, the job is put back rather than failed.
      if (event.type === 'error' && event.stage === 'estimate') failure = event.error;
      else emit(event);
    },
  });
  if (!failure) {
    await rm(saved, { recursive: true, force: true });
    return job;
  }
  await rm(prior, { recursive: true, force: true });
  if (hadPrior) await rename(saved, prior);
  const restored = await writeJobRecord(jobDir, before);
  emit({
    type: 'estimatorSwitchFailed',
    jobId: before.id,
    estimator,
    kept: before.settings.estimator,
    error: failure,
  });
  return restored;
}
