/**
 * The StudioApi built over any invoke/subscribe transport: Electron's ipcRenderer in the preload,
 * a Playwright binding in the browser test. One place maps each function to its channel and payload.
 */
import { IPC } from '../shared/ipc-channels';
import type { StudioApi } from '../shared/studio-api';
import type { StudioEvent } from '../shared/protocol';

export interface StudioTransport {
  invoke(channel: string, args?: unknown): Promise<unknown>;
  subscribe(listener: (event: StudioEvent) => void): () => void;
}

export function createStudioApi(transport: StudioTransport): StudioApi {
  // Each result's type is the one the matching handler in main/ipc-handlers.ts returns.
  const call = <T>(channel: string, args?: unknown): Promise<T> =>
    transport.invoke(channel, args) as Promise<T>;
  return {
    openPhotoDialog: () => call(IPC.openPhotoDialog),
    openPhotosDialog: () => call(IPC.openPhotosDialog),
    importPhoto: (path, settings) => call(IPC.importPhoto, { path, settings }),
    importPhotoBytes: (name, bytes, settings) => call(IPC.importPhotoBytes, { name, bytes, settings }),
    listJobFolders: () => call(IPC.listJobFolders),
    getJob: (jobId) => call(IPC.getJob, { jobId }),
    deleteJob: (jobId) => call(IPC.deleteJob, { jobId }),
    cancelJob: (jobId) => call(IPC.cancelJob, { jobId }),
    resumeJob: (jobId) => call(IPC.resumeJob, { jobId }),
    rerunStage: (jobId, fromStage, settings, only) =>
      call(IPC.rerunStage, { jobId, fromStage, settings, only }),
    switchEstimator: (jobId, estimator) => call(IPC.switchEstimator, { jobId, estimator }),
    listEstimators: () => call(IPC.listEstimators),
    listPacks: () => call(IPC.listPacks),
    importPackFromDialog: (kind, replace) => call(IPC.importPackFromDialog, { kind, replace }),
    removePack: (id) => call(IPC.removePack, { id }),
    readArtifact: (jobId, path) => call(IPC.readArtifact, { jobId, path }),
    saveScreenshot: (jobId, png) => call(IPC.saveScreenshot, { jobId, png }),
    setupProblems: () => call(IPC.setupProblems),
    chooseExportFolder: (defaultPath) => call(IPC.chooseExportFolder, { defaultPath }),
    exportJob: (jobId, settings, destination, overwrite) =>
      call(IPC.exportJob, { jobId, settings, destination, overwrite }),
    reveal: (path) => call(IPC.reveal, { path }),
    diagnostics: () => call(IPC.diagnostics),
    regenerateView: (jobId, view, seed) => call(IPC.regenerateView, { jobId, view, seed }),
    keepViewCandidate: (jobId, view, seed) => call(IPC.keepViewCandidate, { jobId, view, seed }),
    discardViewCandidate: (jobId, view, seed) => call(IPC.discardViewCandidate, { jobId, view, seed }),
    onEvent: (listener) => transport.subscribe(listener),
  };
}
