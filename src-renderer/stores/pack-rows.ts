/**
 * The model manager's table rows from the engine's pack listing: sizes in words, the check's outcome
 * (verified, problem, or only the quick check) and whether a pack can be removed. Pure.
 */
import type { PackInfo } from '../../src-main/shared/protocol';

export type PackStatus = 'verified' | 'problem' | 'unverified';

export interface PackRow {
  id: string;
  kind: string;
  role: string;
  version: string;
  license: string;
  size: string;
  builtIn: boolean;
  status: PackStatus;
  /** What the status cell says: "verified", the problem, or why it is not verified yet. */
  statusText: string;
  removable: boolean;
}

const UNITS = ['bytes', 'KB', 'MB', 'GB', 'TB'];

/** 1 KB = 1024 bytes; one decimal below 10 of a unit. */
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return '—';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0) return `${bytes} bytes`;
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${UNITS[unit]}`;
}

export function packStatus(pack: PackInfo): { status: PackStatus; text: string } {
  if (!pack.ok) return { status: 'problem', text: pack.problem ?? 'cannot be used' };
  if (pack.sha256Verified) return { status: 'verified', text: 'sha256 verified' };
  // code-built packs have no files to hash; large packs are hashed when installed or first loaded
  if (!pack.dir) return { status: 'verified', text: 'built into the app' };
  return { status: 'unverified', text: 'files present; sha256 checked when it is loaded' };
}

export function packRows(packs: readonly PackInfo[]): PackRow[] {
  return packs.map((pack) => {
    const { status, text } = packStatus(pack);
    return {
      id: pack.id,
      kind: pack.kind,
      role: pack.role ?? '—',
      version: pack.version,
      license: pack.license,
      size: pack.dir ? formatBytes(pack.sizeBytes) : '—',
      builtIn: pack.builtIn,
      status,
      statusText: text,
      removable: !pack.builtIn,
    };
  });
}
