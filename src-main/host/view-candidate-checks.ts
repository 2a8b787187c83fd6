/**
 * The host's refusals of a view-candidate request (a projection job, a view the job lacks, a running
 * job), thrown before anything reaches the engine so the caller gets the reason at once.
 */
import type { JobRecord } from '../shared/protocol';
import { readViewCount, viewCandidateRefusal } from '../shared/view-candidate-rules';

export async function assertViewCandidateAllowed(
  jobDir: string,
  job: JobRecord,
  view: number,
  running: boolean,
): Promise<void> {
  const refusal = viewCandidateRefusal(job, await readViewCount(jobDir), view, running);
  if (refusal) throw new Error(refusal.hint ? `${refusal.message}. ${refusal.hint}` : refusal.message);
}
