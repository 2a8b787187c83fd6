/**
 * The renderer's whole view of the app: the typed API the preload exposes as `window.studio`.
 * Every argument crosses IPC and is checked in main against the schemas here.
 */
import { z } from 'zod';
import {
  EstimatorId,
  ExportSettings,
  JobRecord,
  JobSettings,
  StageId,
  type ErrorInfo,
  type EstimatorAvailability,
  type PackInfo,
  type StudioEvent,
  type JobSettingsInput,
  type JobFolders,
} from './protocol';
import type { EngineDiagnostics } from './diagnostics';

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
/** Which dialog main shows for a pack import; main keeps the chosen path (the renderer never names one). */
export const ImportPackFromDialogArgs = z
  .object({ kind: z.enum(['folder', 'zip']), replace: z.boolean().optional() })
  .strict();
export const RemovePackArgs = z.object({ id: z.string().min(1).max(200) }).strict();
export const ReadArtifactArgs = z.object({ jobId: JobRecord.shape.id, path: z.string().min(1) }).strict();
export const ChooseExportFolderArgs = z.object({ defaultPath: z.string().min(1).optional() }).strict();
export const ExportJobArgs = z
  .object({
    jobId: JobRecord.shape.id,
    settings: ExportSettings,
    destination: z.string().min(1),
    overwrite: z.boolean().optional(),
  })
  .strict();
/** One view of a job and the seed of its candidate (range checked against the job by the host). */
export const ViewCandidateArgs = z
  .object({
    jobId: JobRecord.shape.id,
    view: z.number().int().min(0).max(999),
    seed: z.number().int().min(0).max(0xffffffff),
  })
  .strict();
export const RevealArgs = z.object({ path: z.string().min(1) }).strict();

/** What an export to a folder did: wrote these files, or wrote nothing because these already exist. */
export type ExportJobResult =
  { state: 'written'; written: string[] } | { state: 'exists'; existing: string[] };
/** The viewport's PNG (64 MiB at most); main picks the file name. */
export const SaveScreenshotArgs = z
  .object({
    jobId: JobRecord.shape.id,
    png: z.instanceof(Uint8Array).refine((b) => b.length <= 64 * 1024 * 1024),
  })
  .strict();

export interface StudioApi {
  /** Native file dialog; resolves to the chosen path or null. */
  openPhotoDialog(): Promise<string | null>;
  /** Native file dialog with multi-selection; resolves to the chosen paths (none: cancelled). */
  openPhotosDialog(): Promise<string[]>;
  /** Create a job from a photo on disk and start it. */
  importPhoto(path: string, settings?: Partial<JobSettingsInput>): Promise<JobRecord>;
  /** Create a job from dropped bytes (the sandboxed renderer has no paths) and start it. */
  importPhotoBytes(name: string, bytes: Uint8Array, settings?: Partial<JobSettingsInput>): Promise<JobRecord>;
  /** The jobs and, from the same pass, the folders that are not readable jobs with the reason (left as they are). */
  listJobFolders(): Promise<JobFolders>;
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
  /**
   * Main shows a folder or zip dialog and installs the chosen pack (verified, then moved into the packs
   * folder, or nothing changes); null when the dialog was cancelled.
   */
  importPackFromDialog(kind: 'folder' | 'zip', replace?: boolean): Promise<PackInfo | null>;
  /** Remove a user-installed pack (built-in ones are refused). */
  removePack(id: string): Promise<PackInfo>;
  /** Bytes of an artifact inside the job folder (path relative to it). */
  readArtifact(jobId: string, path: string): Promise<Uint8Array>;
  /**
   * The OS folder chooser (opening at `defaultPath`); resolves to the folder or null. Only folders
   * chosen here in this session are accepted by `exportJob`.
   */
  chooseExportFolder(defaultPath?: string): Promise<string | null>;
  /**
   * Re-run the job's export stage alone with `settings`, then copy its files into `destination`
   * (a folder from `chooseExportFolder`). Existing files are not replaced unless `overwrite`: the
   * result then lists them instead.
   */
  exportJob(
    jobId: string,
    settings: ExportSettings,
    destination: string,
    overwrite?: boolean,
  ): Promise<ExportJobResult>;
  /** Show a file written by `exportJob` in the OS file manager. */
  reveal(path: string): Promise<void>;
  /** Save a PNG of the 3D viewport as `screenshots/viewport-<n>.png` in the job folder; resolves to that path. */
  saveScreenshot(jobId: string, png: Uint8Array): Promise<string>;
  /** What the installation lacks (e.g. the native addon not built): no job can run until it is fixed. */
  setupProblems(): Promise<ErrorInfo[]>;
  /** The engine's diagnostics: ONNX Runtime backends, the 'auto' provider order and why others are skipped. */
  diagnostics(): Promise<EngineDiagnostics>;
  /**
   * Sample a diffusion job's views again with `seed`, writing only view `view` as a candidate;
   * `viewCandidateProgress` events follow, then `viewCandidate` (ready, with its path, or why not).
   */
  regenerateView(jobId: string, view: number, seed: number): Promise<void>;
  /** The candidate replaces views/NN.png (the old one kept as NN-previous.png); reconstruct → export re-run. */
  keepViewCandidate(jobId: string, view: number, seed: number): Promise<void>;
  /** Delete the candidate; a `viewCandidate` event (discarded) confirms it. */
  discardViewCandidate(jobId: string, view: number, seed: number): Promise<void>;
  /** Subscribe to engine and host events; returns the unsubscribe function. */
  onEvent(listener: (event: StudioEvent) => void): () => void;
}
