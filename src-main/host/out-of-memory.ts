/**
 * What the studio does when the engine runs out of memory in a job: one retry with a smaller working
 * photo (memory of every stage scales with it), then a clear failure. Pure, so both are tested.
 */
import type { ErrorInfo, JobSettings, StageId } from '../shared/protocol';

/** Below this the face is too small for the estimator and texture to be worth it. */
export const SMALLEST_WORKING_SIDE = 1024;

export function outOfMemoryFallback(
  settings: Pick<JobSettings, 'workingMaxSide'>,
  alreadyRetried: boolean,
): { settings: Pick<JobSettings, 'workingMaxSide'>; note: string } | undefined {
  if (alreadyRetried || settings.workingMaxSide <= SMALLEST_WORKING_SIDE) return undefined;
  const smaller = Math.max(SMALLEST_WORKING_SIDE, Math.floor(settings.workingMaxSide / 2));
  return {
    settings: { workingMaxSide: smaller },
    note: `the engine ran out of memory; running the job again from ingest with the working photo at ${smaller} px (was ${settings.workingMaxSide} px)`,
  };
}

export function outOfMemoryError(stage: StageId | undefined, detail: string, retried: boolean): ErrorInfo {
  return {
    code: 'out-of-memory',
    message: `The engine ran out of memory${stage ? ` during ${stage}` : ''}${retried ? ', also with a smaller working photo' : ''} (${detail}).`,
    hint: 'Close other programs, or lower the texture size, the working photo size or the diffusion settings, then resume the job.',
  };
}
