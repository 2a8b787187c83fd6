/**
 * What the job list and the job's panel say about a job's settings (job.json), and the settings a
 * "Re-run from…" sends: pure functions of the job record.
 */
import {
  JOB_PATHS,
  STAGE_IDS,
  expressionModeOf,
  metricsLevelOf,
  type JobRecord,
  type JobSettings,
  type JobSettingsInput,
  type StageId,
} from '../../src-main/shared/protocol';

/** The stages a job can be re-run from: every stage after ingest (ingest is the photo itself). */
export const RERUN_STAGES: readonly StageId[] = STAGE_IDS.filter((s) => s !== 'ingest');

/** "projection · builtin" — the list's one-line summary. */
export function jobSummary(settings: JobSettings): string {
  return `${settings.generator} · ${settings.estimator}`;
}

/** The settings the job ran with, as label/value rows. */
export function settingsRows(settings: JobSettings): { key: string; label: string; value: string }[] {
  const rows = [
    { key: 'generator', label: 'Generator', value: settings.generator },
    { key: 'estimator', label: 'Estimator', value: settings.estimator },
    { key: 'expression', label: 'Expression', value: expressionModeOf(settings) },
    { key: 'provider', label: 'Provider', value: settings.provider },
    { key: 'textureSize', label: 'Texture size', value: `${settings.export.textureSize} px` },
    { key: 'albedo', label: 'Albedo texture', value: settings.albedoTexture ? 'on' : 'off' },
    { key: 'metrics', label: 'Quality figures', value: metricsLevelOf(settings) },
  ];
  if (settings.generator === 'diffusion') {
    const d = settings.diffusion;
    rows.push(
      { key: 'pack', label: 'Pack', value: d.pack ?? 'first installed' },
      { key: 'steps', label: 'Steps', value: d.steps === undefined ? "pack's" : String(d.steps) },
      { key: 'guidance', label: 'Guidance', value: d.guidance === undefined ? "pack's" : String(d.guidance) },
      { key: 'seed', label: 'Seed', value: String(d.seed) },
      { key: 'mesh', label: 'Exported mesh', value: settings.reconstructMesh },
    );
  }
  return rows;
}

/**
 * The settings a re-run sends: the panel's choice over the job's own. Nested objects are merged here
 * (the backend merges top-level keys only), so a new texture size keeps the job's other export settings.
 */
export function rerunSettings(job: JobRecord, panel: Partial<JobSettingsInput>): Partial<JobSettingsInput> {
  return {
    ...panel,
    ...(panel.export ? { export: { ...job.settings.export, ...panel.export } } : {}),
    ...(panel.diffusion ? { diffusion: { ...job.settings.diffusion, ...panel.diffusion } } : {}),
  };
}

/** The preview's front render once the job has exported a head, else its photo (after ingest). */
export const THUMBNAIL_PREVIEW = `${JOB_PATHS.previewViewsDir}/front.png`;

/**
 * Which picture a job's thumbnail shows, and a key that changes when that picture is rewritten (a
 * re-run export has another time), so the cache re-reads it then and only then.
 */
export function thumbnailSource(job: JobRecord): { path: string; key: string } | undefined {
  const exported = job.stages.export;
  if (exported?.state === 'done' && exported.artifacts.some((a) => a.path === THUMBNAIL_PREVIEW))
    return { path: THUMBNAIL_PREVIEW, key: `${THUMBNAIL_PREVIEW}@${exported.ms ?? ''}` };
  if (job.stages.ingest?.state === 'done') return { path: JOB_PATHS.photo, key: JOB_PATHS.photo };
  return undefined;
}
