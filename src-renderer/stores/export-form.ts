/**
 * The Export dialog's fields, pure: defaults from the job, presets filling the fields, validation
 * messages, and the ExportSettings the fields mean. The pinia store (export-dialog.ts) holds one.
 */
import { EXPORT_PRESETS, type ExportPresetId } from '../../src-main/shared/export-presets';
import { photoBaseName, safeFileStem } from '../../src-main/shared/file-names';
import { ExportSettings } from '../../src-main/shared/protocol';

/**
 * What is written: GLB; OBJ + MTL + texture; both; or the GLB plus a zip of the OBJ set (the engine's
 * zip holds the OBJ, MTL and textures, the GLB being a single file already).
 */
export type ExportFormatChoice = 'glb' | 'obj' | 'both' | 'glb-zip';
export const FORMAT_CHOICES: { id: ExportFormatChoice; label: string }[] = [
  { id: 'glb', label: 'GLB' },
  { id: 'obj', label: 'OBJ + MTL + texture' },
  { id: 'both', label: 'GLB and OBJ + MTL + texture' },
  { id: 'glb-zip', label: 'GLB and a zip of OBJ + MTL + texture' },
];
export const TEXTURE_SIZES = [512, 1024, 2048, 4096] as const;

export interface ExportForm {
  preset: ExportSettings['preset'];
  format: ExportFormatChoice;
  textureSize: ExportSettings['textureSize'];
  textureFormat: ExportSettings['textureFormat'];
  /** The field's text: empty for no budget. */
  triangleBudget: string;
  units: ExportSettings['units'];
  upAxis: ExportSettings['upAxis'];
  fileName: string;
  /** A folder chosen through the OS dialog this session, or null. */
  destination: string | null;
}

export type ExportFormErrors = Partial<Record<'triangleBudget' | 'fileName' | 'destination', string>>;

function formatOf(settings: ExportSettings): ExportFormatChoice {
  const glb = settings.formats.includes('glb');
  const obj = settings.formats.includes('obj');
  if (glb && obj) return settings.zip ? 'glb-zip' : 'both';
  return obj ? 'obj' : 'glb';
}

/** The dialog's first fields: the job's export settings, the photo's name as file name. */
export function initialForm(
  settings: ExportSettings,
  photoName: string,
  destination: string | null,
): ExportForm {
  return {
    preset: settings.preset,
    format: formatOf(settings),
    textureSize: settings.textureSize,
    textureFormat: settings.textureFormat,
    triangleBudget: settings.triangleBudget === undefined ? '' : String(settings.triangleBudget),
    units: settings.units,
    upAxis: settings.upAxis,
    fileName: defaultFileName(photoName),
    destination,
  };
}

/** `/photos/Eileen Collins.jpg` → `Eileen_Collins`: a name every OS and DCC tool accepts. */
export function defaultFileName(photoName: string): string {
  return safeFileStem(photoBaseName(photoName));
}

/** A preset fills format, units, axis and texture; file name, budget and folder stay the user's. */
export function applyPreset(form: ExportForm, preset: ExportSettings['preset']): ExportForm {
  if (preset === 'custom') return { ...form, preset };
  const p = EXPORT_PRESETS[preset as ExportPresetId];
  return {
    ...form,
    preset,
    format: formatOf(p),
    units: p.units,
    upAxis: p.upAxis,
    textureSize: p.textureSize,
    textureFormat: p.textureFormat,
  };
}

/** A field the user changed by hand: the settings are no longer the preset's. */
export function editField<K extends keyof ExportForm>(
  form: ExportForm,
  key: K,
  value: ExportForm[K],
): ExportForm {
  const presetFields: (keyof ExportForm)[] = ['format', 'units', 'upAxis', 'textureSize', 'textureFormat'];
  const next = { ...form, [key]: value };
  if (!presetFields.includes(key) || form.preset === 'custom') return next;
  const presetValues = applyPreset(next, next.preset);
  const same = presetFields.every((f) => presetValues[f] === next[f]);
  return same ? next : { ...next, preset: 'custom' };
}

/** One message per field that is wrong, worded for the user; empty when the form can be exported. */
export function validateForm(form: ExportForm): ExportFormErrors {
  const errors: ExportFormErrors = {};
  const budget = form.triangleBudget.trim();
  if (budget !== '') {
    const n = Number(budget);
    if (!Number.isInteger(n)) errors.triangleBudget = 'The triangle budget is a whole number (or empty).';
    else if (n < 100) errors.triangleBudget = 'The triangle budget is at least 100.';
    else if (n > 10_000_000) errors.triangleBudget = 'The triangle budget is at most 10,000,000.';
  }
  const name = form.fileName.trim();
  if (name === '') errors.fileName = 'Give the files a name.';
  else if (name.length > 100) errors.fileName = 'The file name is at most 100 characters.';
  if (!form.destination) errors.destination = 'Choose the folder to export to.';
  return errors;
}

/** The name the files get (`<stem>.glb`…): the typed name with what file systems refuse made `_`. */
export function fileStemOf(form: ExportForm): string {
  return safeFileStem(form.fileName.trim());
}

/** The ExportSettings the form means, on top of the job's (origin, topology, extras are kept). */
export function exportSettingsOf(form: ExportForm, base: ExportSettings): ExportSettings {
  const budget = form.triangleBudget.trim();
  const { triangleBudget: _dropped, ...rest } = base;
  return ExportSettings.parse({
    ...rest,
    preset: form.preset,
    formats: form.format === 'glb' ? ['glb'] : form.format === 'obj' ? ['obj'] : ['glb', 'obj'],
    zip: form.format === 'glb-zip',
    textureSize: form.textureSize,
    textureFormat: form.textureFormat,
    units: form.units,
    upAxis: form.upAxis,
    // The typed name is the file name, not a template: `{…}` stays literal (made safe).
    fileNameTemplate: fileStemOf(form),
    ...(budget === '' ? {} : { triangleBudget: Number(budget) }),
  });
}
