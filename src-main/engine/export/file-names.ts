import path from 'node:path';
import type { ExportSettings } from '../../shared/protocol';

/** The photo's name without folder and extension: `/x/Eileen Collins.jpg` → `Eileen Collins`. */
export function photoBaseName(photoName: string): string {
  const base = path.basename(photoName.replace(/\\/g, '/'));
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

/**
 * A file stem every OS and DCC tool accepts: ASCII letters, digits, `.`, `_`, `-` (spaces break `map_Kd`
 * in several OBJ readers), no leading dot (hidden file), at most 100 characters.
 */
export function safeFileStem(text: string): string {
  const stem = text
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/_{2,}/g, '_')
    .replace(/^[._]+/, '')
    .replace(/_+$/, '')
    .slice(0, 100);
  return stem || 'head';
}

/** Object/node/material names: the photo's name with whitespace and control characters made `_`. */
export function safeObjectName(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\s\u0000-\u001f]+/g, '_').slice(0, 100) || 'head';
}

/**
 * Expand the settings' template: `{name}` photo base name, `{preset}`, `{units}`, `{up}` (y|z). Unknown
 * placeholders stay literal (then made safe), so a typo shows in the file name instead of vanishing.
 */
export function exportFileStem(settings: ExportSettings, photoName: string): string {
  const values: Record<string, string> = {
    name: photoBaseName(photoName),
    preset: settings.preset,
    units: settings.units,
    up: settings.upAxis.toLowerCase(),
  };
  const expanded = settings.fileNameTemplate.replace(/\{(\w+)\}/g, (all, key: string) => values[key] ?? all);
  return safeFileStem(expanded);
}
