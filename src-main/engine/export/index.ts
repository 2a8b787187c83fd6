/** The export stage's public face, shared by the CLI and the studio (through the pipeline). */
export { exportHead, EXPORT_GENERATOR, HAIR_OBJECT } from './export-head';
export type { ExportFileKind, ExportInput, ExportResult } from './export-head';
export { validateMeshForExport } from './validate-mesh';
export { EXPORT_PRESETS, EXPORT_PRESET_IDS } from '../../shared/export-presets';
export type { ExportPresetId } from '../../shared/export-presets';
export { exportFileStem } from './file-names';
