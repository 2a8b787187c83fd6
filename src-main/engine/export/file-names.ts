import { photoBaseName, safeFileStem } from '../../shared/file-names';
import type { ExportSettings } from '../../shared/protocol';

export { photoBaseName, safeFileStem };

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
