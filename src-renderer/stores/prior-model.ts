/**
 * The job's mesh prior for the viewport: `prior/mesh.glb` (the estimator's frame) and the offset the
 * export moved the head by (report.json → mesh.offset), which puts the prior where the head is.
 */
import { z } from 'zod';
import { JOB_PATHS } from '../../src-main/shared/protocol';
import { readArtifactJson, studio } from '../api';

export type Offset = [number, number, number];

const ReportOffset = z.object({ mesh: z.object({ offset: z.tuple([z.number(), z.number(), z.number()]) }) });

/** The export's offset in a report; none (an older job, no report yet) means not moved. */
export function exportOffsetOf(report: unknown): Offset {
  const parsed = ReportOffset.safeParse(report);
  return parsed.success ? parsed.data.mesh.offset : [0, 0, 0];
}

export async function readPriorModel(jobId: string): Promise<{ bytes: Uint8Array; offset: Offset }> {
  const [bytes, report] = await Promise.all([
    studio().readArtifact(jobId, JOB_PATHS.priorMesh),
    readArtifactJson(jobId, JOB_PATHS.report).catch(() => undefined),
  ]);
  return { bytes, offset: exportOffsetOf(report) };
}
