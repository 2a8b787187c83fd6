/** File names made from a photo's name, shared by the exporter and the CLI. */

/** The photo's name without folder and extension: `/x/Eileen Collins.jpg` → `Eileen Collins`. */
export function photoBaseName(photoName: string): string {
  const base = photoName.replace(/\\/g, '/').split('/').pop() ?? '';
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
