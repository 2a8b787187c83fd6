/**
 * The renderer's whole view of the app: the typed API the preload exposes as `window.studio`.
 * Every argument crosses IPC and is checked in main against the schemas here.
 */
import { z } from 'zod';
import {
  EstimatorId,
  JobRecord,
  JobSettings,
  StageId,
  type ErrorInfo,
  type EstimatorAvailability,
  type PackInfo,
  type StudioEvent,
  type JobSettingsInput,
} from './protocol';

export { IPC } from './ipc-channels';

export const ImportPhotoArgs = z
  .object({ path: z.string().min(1), settings: JobSettings.partial().optional() })
  .strict();
export const ImportPhotoBytesArgs = z
  .object({
    name: z.string().min(1).max(255),
    bytes: z.instanceof(Uint8Array),
    settings: JobSettings.partial().optional(),
  })
  .strict();
export const JobIdArgs = z.object({ jobId: JobRecord.shape.id }).strict();
export const RerunStageArgs = z
  .object({
    jobId: JobRecord.shape.id,
    fromStage: StageId,
    settings: JobSettings.partial().optional(),
    only: z.boolean().optional(),
  })
  .strict();
export const SwitchEstimatorArgs = z.object({ jobId: JobRecord.shape.id, estimator: EstimatorId }).strict();
export const ReadArtifactArgs = z.object({ jobId: JobRecord.shape.id, path: z.string().min(1) }).strict();

export interface StudioApi {
  /** Native file dialog; resolves to the chosen path or null. */
  openPhotoDialog(): Promise<string | null>;
  /** Native file dialog with multi-selection; resolves to the chosen paths (none: cancelled). */
  openPhotosDialog(): Promise<string[]>;
  /** Create a job from a photo on disk and start it. */
  importPhoto(path: string, settings?: Partial<JobSettingsInput>): Promise<JobRecord>;
  /** Create a job from dropped bytes (the sandboxed renderer has no paths) and start it. */
  importPhotoBytes(name: string, bytes: Uint8Array, settings?: Partial<JobSettingsInput>): Promise<JobRecord>;
  listJobs(): Promise<JobRecord[]>;
  getJob(jobId: string): Promise<JobRecord>;
  deleteJob(jobId: string): Promise<void>;
  cancelJob(jobId: string): Promise<void>;
  resumeJob(jobId: string): Promise<JobRecord>;
  /** Re-run a stage and the ones after it (or, with `only`, just that stage) with changed settings. */
  rerunStage(
    jobId: string,
    fromStage: StageId,
    settings?: Partial<JobSettingsInput>,
    only?: boolean,
  ): Promise<JobRecord>;
  /**
   * Re-run estimate → export with another estimator. If the estimate fails, the job keeps its previous
   * estimate and results, and an `estimatorSwitchFailed` event says why.
   */
  switchEstimator(jobId: string, estimator: EstimatorId): Promise<JobRecord>;
  /** Every estimator with whether it can run here, and for the others the pack to add and how. */
  listEstimators(): Promise<EstimatorAvailability[]>;
  /** The installed model packs (id, kind, role, licence, whether their files check out). */
  listPacks(): Promise<PackInfo[]>;
  /** Bytes of an artifact inside the job folder (path relative to it). */
  readArtifact(jobId: string, path: string): Promise<Uint8Array>;
  /** What the installation lacks (e.g. the native addon not built): no job can run until it is fixed. */
  setupProblems(): Promise<ErrorInfo[]>;
  /** Subscribe to engine and host events; returns the unsubscribe function. */
  onEvent(listener: (event: StudioEvent) => void): () => void;
}
