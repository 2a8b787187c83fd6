/**
 * What may be copied into a pack folder on install: entry names (zip entries, files of a folder)
 * that stay inside it, and caps on how many and how large, so a hostile archive cannot climb out of
 * the packs folder or fill the disk (a zip bomb).
 */

export interface InstallLimits {
  /** Files and folders in one pack. */
  maxEntries: number;
  /** Bytes of all files together (full-size diffusion packs are several GB). */
  maxTotalBytes: number;
}

export const INSTALL_LIMITS: InstallLimits = { maxEntries: 10_000, maxTotalBytes: 64 * 2 ** 30 };

const MAX_NAME_CHARS = 1024;
const MAX_SEGMENT_CHARS = 255;
/** Control characters and those Windows refuses in names. */
// eslint-disable-next-line no-control-regex
const ODD_CHARS = /[\u0000-\u001f\u007f\\:*?"<>|]/;

/** Archive litter from macOS zips: not part of the pack, left out instead of refused. */
export function isArchiveLitter(name: string): boolean {
  const segments = name.split('/');
  return segments[0] === '__MACOSX' || segments.at(-1) === '.DS_Store';
}

/**
 * Why `name` (a relative path with forward slashes; a trailing slash for a folder) may not be
 * written into a pack folder, or undefined when it may.
 */
export function entryNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'an empty name';
  if (name.length > MAX_NAME_CHARS) return `a name longer than ${MAX_NAME_CHARS} characters`;
  if (name.startsWith('/')) return 'an absolute path';
  if (/^[A-Za-z]:/.test(name)) return 'a drive letter';
  if (ODD_CHARS.test(name)) return 'a control character, backslash or one of : * ? " < > |';
  const segments = name.endsWith('/') ? name.slice(0, -1).split('/') : name.split('/');
  for (const segment of segments) {
    if (segment === '') return 'an empty path segment';
    if (segment === '.' || segment === '..') return `a "${segment}" segment`;
    if (segment.length > MAX_SEGMENT_CHARS) return `a segment longer than ${MAX_SEGMENT_CHARS} characters`;
    if (segment !== segment.trim()) return 'a segment that starts or ends with a space';
  }
  return undefined;
}
