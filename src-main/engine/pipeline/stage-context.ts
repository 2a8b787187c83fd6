/**
 * What a stage runner gets: its job folder, the job's settings, a cancel signal and two reporters.
 * Runners read earlier stages' artifacts from the folder (never from memory), so any stage can be
 * resumed in a fresh engine process.
 */
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../../shared/atomic-file';
import type { Artifact, ArtifactKind, JobRecord, StageId } from '../../shared/protocol';

export interface StageContext {
  readonly jobDir: string;
  readonly job: JobRecord;
  readonly signal: AbortSignal;
  progress(step: number, total: number, message?: string): void;
  /** Write a file atomically inside the job folder and announce it as an artifact. */
  writeArtifact(kind: ArtifactKind, path: string, data: Uint8Array | string): Promise<void>;
  writeJsonArtifact(kind: ArtifactKind, path: string, value: unknown): Promise<void>;
  /** Announce a file some library already wrote inside the job folder. */
  announce(kind: ArtifactKind, path: string): void;
  path(relative: string): string;
}

/** What a stage that had nothing to do returns: why, shown instead of a time. */
export interface StageSkipped {
  skipped: string;
}

export interface StageRunner {
  readonly id: StageId;
  run(ctx: StageContext): Promise<void | StageSkipped>;
}

export function createStageContext(args: {
  jobDir: string;
  job: JobRecord;
  signal: AbortSignal;
  onProgress: (step: number, total: number, message?: string) => void;
  onArtifact: (artifact: Artifact) => void;
}): StageContext {
  const { jobDir, onArtifact } = args;
  const path = (relative: string): string => join(jobDir, relative);
  const announce = (kind: ArtifactKind, relative: string): void => onArtifact({ kind, path: relative });
  return {
    jobDir,
    job: args.job,
    signal: args.signal,
    progress: args.onProgress,
    path,
    announce,
    async writeArtifact(kind, relative, data) {
      await mkdir(dirname(path(relative)), { recursive: true });
      await writeFileAtomic(path(relative), data);
      announce(kind, relative);
    },
    async writeJsonArtifact(kind, relative, value) {
      await mkdir(dirname(path(relative)), { recursive: true });
      await writeJsonAtomic(path(relative), value);
      announce(kind, relative);
    },
  };
}
