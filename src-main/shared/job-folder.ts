/**
 * Reading and writing a job folder's `job.json`. Shared by the host (create, list, delete) and the
 * engine (stage states while it runs), so both agree on the format and both write atomically.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeJsonAtomic } from './atomic-file';
import { JobRecord, parseMessage, type StageId, type StageRecord } from './protocol';

export const JOB_FILE = 'job.json';
export { INPUT_DIR } from './input-file-name';

export async function readJobRecord(jobDir: string): Promise<JobRecord> {
  const text = await readFile(join(jobDir, JOB_FILE), 'utf8');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error(`${join(jobDir, JOB_FILE)} is not valid JSON`);
  }
  const parsed = parseMessage(JobRecord, raw);
  if (!parsed.ok) throw new Error(`${join(jobDir, JOB_FILE)} is not a valid job record: ${parsed.error}`);
  return parsed.value;
}

export async function writeJobRecord(jobDir: string, record: JobRecord): Promise<JobRecord> {
  const next = JobRecord.parse({ ...record, updatedAt: new Date().toISOString() });
  await writeJsonAtomic(join(jobDir, JOB_FILE), next);
  return next;
}

export async function updateJobRecord(
  jobDir: string,
  change: (record: JobRecord) => JobRecord,
): Promise<JobRecord> {
  return writeJobRecord(jobDir, change(await readJobRecord(jobDir)));
}

export function withStage(record: JobRecord, stage: StageId, patch: Partial<StageRecord>): JobRecord {
  const current: StageRecord = record.stages[stage] ?? { state: 'pending', artifacts: [] };
  return { ...record, stages: { ...record.stages, [stage]: { ...current, ...patch } } };
}
