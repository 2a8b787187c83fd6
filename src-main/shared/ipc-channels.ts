/** IPC channel names, apart from the schemas so the preload stays small (no zod in it). */
export const IPC = {
  openPhotoDialog: 'studio:open-photo-dialog',
  openPhotosDialog: 'studio:open-photos-dialog',
  importPhoto: 'studio:import-photo',
  importPhotoBytes: 'studio:import-photo-bytes',
  listJobs: 'studio:list-jobs',
  getJob: 'studio:get-job',
  deleteJob: 'studio:delete-job',
  cancelJob: 'studio:cancel-job',
  resumeJob: 'studio:resume-job',
  rerunStage: 'studio:rerun-stage',
  switchEstimator: 'studio:switch-estimator',
  listEstimators: 'studio:list-estimators',
  listPacks: 'studio:list-packs',
  readArtifact: 'studio:read-artifact',
  setupProblems: 'studio:setup-problems',
  event: 'studio:event',
} as const;
