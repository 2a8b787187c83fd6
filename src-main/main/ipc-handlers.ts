/**
 * The IPC handler table: one entry per channel of the renderer API, each checking its arguments with
 * the schemas of studio-api.ts before it touches the backend. Pure Node (no `electron` import), so the
 * browser test drives exactly this table; register-ipc.ts only plugs it into `ipcMain.handle`.
 */
import type { z } from 'zod';
import {
  IPC,
  ChooseExportFolderArgs,
  ExportJobArgs,
  ImportPhotoArgs,
  ImportPhotoBytesArgs,
  ImportPackFromDialogArgs,
  RemovePackArgs,
  JobIdArgs,
  ReadArtifactArgs,
  RerunStageArgs,
  RevealArgs,
  SaveScreenshotArgs,
  SwitchEstimatorArgs,
  ViewCandidateArgs,
} from '../shared/studio-api';
import { parseMessage, type JobRecord, type JobSettingsInput } from '../shared/protocol';
import type { StudioBackend } from '../host/studio-backend';
import { ChosenFolders, exportJobToFolder } from '../host/export-to-folder';
import { importPackFromDialog } from './pack-import';
import type { StudioDialogs } from './studio-dialogs';

/** The parts of the backend the handlers use (StudioBackend has them all). */
export type IpcBackend = Pick<
  StudioBackend,
  | 'importPhoto'
  | 'importPhotoBytes'
  | 'listJobFolders'
  | 'getJob'
  | 'deleteJob'
  | 'cancelJob'
  | 'resumeJob'
  | 'rerunStage'
  | 'switchEstimator'
  | 'listEstimators'
  | 'listPacks'
  | 'installPack'
  | 'removePack'
  | 'readArtifact'
  | 'saveScreenshot'
  | 'setupProblems'
  | 'artifactPath'
  | 'on'
  | 'off'
  | 'diagnostics'
  | 'regenerateView'
  | 'keepViewCandidate'
  | 'discardViewCandidate'
>;

export type InvokeChannel = Exclude<(typeof IPC)[keyof typeof IPC], typeof IPC.event>;
export type IpcHandler = (args: unknown) => Promise<unknown>;
export type IpcHandlers = Record<InvokeChannel, IpcHandler>;

/** Raised for arguments that fail their schema; the message names the channel and the first issue. */
export class InvalidIpcArgsError extends Error {
  override readonly name = 'InvalidIpcArgsError';
}

function parseArgs<T>(channel: string, schema: z.ZodType<T>, raw: unknown): T {
  const parsed = parseMessage(schema, raw);
  if (!parsed.ok) throw new InvalidIpcArgsError(`${channel}: invalid arguments (${parsed.error})`);
  return parsed.value;
}

/** Settings arrive partial; the store fills in the defaults. */
const settingsOf = (settings: object | undefined): JobSettingsInput | undefined =>
  settings as JobSettingsInput | undefined;

export function createIpcHandlers(backend: IpcBackend, dialogs: StudioDialogs): IpcHandlers {
  /** Export destinations: only folders the user picked through the dialog (never a renderer's path). */
  const exportFolders = new ChosenFolders();
  return {
    [IPC.openPhotoDialog]: async () => dialogs.openPhoto(),
    [IPC.openPhotosDialog]: async () => (await dialogs.openPhotos()) ?? [],
    [IPC.importPhoto]: async (raw): Promise<JobRecord> => {
      const args = parseArgs(IPC.importPhoto, ImportPhotoArgs, raw);
      return backend.importPhoto(args.path, settingsOf(args.settings));
    },
    [IPC.importPhotoBytes]: async (raw): Promise<JobRecord> => {
      const args = parseArgs(IPC.importPhotoBytes, ImportPhotoBytesArgs, raw);
      return backend.importPhotoBytes(args.name, args.bytes, settingsOf(args.settings));
    },
    [IPC.listJobFolders]: async () => backend.listJobFolders(),
    [IPC.getJob]: async (raw) => backend.getJob(parseArgs(IPC.getJob, JobIdArgs, raw).jobId),
    [IPC.deleteJob]: async (raw) => backend.deleteJob(parseArgs(IPC.deleteJob, JobIdArgs, raw).jobId),
    [IPC.cancelJob]: async (raw) => backend.cancelJob(parseArgs(IPC.cancelJob, JobIdArgs, raw).jobId),
    [IPC.resumeJob]: async (raw) => backend.resumeJob(parseArgs(IPC.resumeJob, JobIdArgs, raw).jobId),
    [IPC.rerunStage]: async (raw) => {
      const args = parseArgs(IPC.rerunStage, RerunStageArgs, raw);
      return backend.rerunStage(args.jobId, args.fromStage, settingsOf(args.settings), args.only ?? false);
    },
    [IPC.switchEstimator]: async (raw) => {
      const args = parseArgs(IPC.switchEstimator, SwitchEstimatorArgs, raw);
      return backend.switchEstimator(args.jobId, args.estimator);
    },
    [IPC.listEstimators]: async () => backend.listEstimators(),
    [IPC.listPacks]: async () => backend.listPacks(),
    [IPC.importPackFromDialog]: async (raw) =>
      importPackFromDialog(
        backend,
        dialogs,
        parseArgs(IPC.importPackFromDialog, ImportPackFromDialogArgs, raw),
      ),
    [IPC.removePack]: async (raw) => backend.removePack(parseArgs(IPC.removePack, RemovePackArgs, raw).id),
    [IPC.readArtifact]: async (raw) => {
      const args = parseArgs(IPC.readArtifact, ReadArtifactArgs, raw);
      // The backend refuses paths that leave the job folder.
      return backend.readArtifact(args.jobId, args.path);
    },
    [IPC.saveScreenshot]: async (raw) => {
      const args = parseArgs(IPC.saveScreenshot, SaveScreenshotArgs, raw);
      // The backend names the file and keeps it inside the job folder.
      return backend.saveScreenshot(args.jobId, args.png);
    },
    [IPC.setupProblems]: async () => backend.setupProblems(),
    [IPC.chooseExportFolder]: async (raw) => {
      const args = parseArgs(IPC.chooseExportFolder, ChooseExportFolderArgs, raw);
      const folder = await dialogs.chooseExportFolder(args.defaultPath);
      if (folder) exportFolders.add(folder);
      return folder;
    },
    [IPC.exportJob]: async (raw) => {
      const args = parseArgs(IPC.exportJob, ExportJobArgs, raw);
      return exportJobToFolder(backend, exportFolders, { ...args, overwrite: args.overwrite ?? false });
    },
    [IPC.reveal]: async (raw) => {
      const { path } = parseArgs(IPC.reveal, RevealArgs, raw);
      if (!exportFolders.holds(path)) throw new Error(`${path} is not in a chosen export folder`);
      return dialogs.reveal(path);
    },
    [IPC.diagnostics]: async () => backend.diagnostics(),
    [IPC.regenerateView]: async (raw) => {
      const { jobId, view, seed } = parseArgs(IPC.regenerateView, ViewCandidateArgs, raw);
      return backend.regenerateView(jobId, view, seed);
    },
    [IPC.keepViewCandidate]: async (raw) => {
      const { jobId, view, seed } = parseArgs(IPC.keepViewCandidate, ViewCandidateArgs, raw);
      return backend.keepViewCandidate(jobId, view, seed);
    },
    [IPC.discardViewCandidate]: async (raw) => {
      const { jobId, view, seed } = parseArgs(IPC.discardViewCandidate, ViewCandidateArgs, raw);
      return backend.discardViewCandidate(jobId, view, seed);
    },
  };
}
