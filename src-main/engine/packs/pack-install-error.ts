import { clip } from '../../shared/protocol';
import { StageError } from '../stage-error';

export type PackInstallErrorCode =
  /** The source is neither a folder nor a readable zip. */
  | 'pack-source-unreadable'
  /** An entry that would land outside the pack, a link, an odd name, or over a cap. */
  | 'pack-source-unsafe'
  /** A pack of that id is installed (and replace was not asked for), or the id is a built-in's. */
  | 'pack-exists'
  | 'pack-not-found'
  | 'pack-built-in';

/** An install or removal that was refused; nothing in the packs folder changed. */
export class PackInstallError extends StageError {
  constructor(code: PackInstallErrorCode, problem: string, hint?: string) {
    // the problem may quote names from a hostile archive: it stays readable
    super(code, clip(problem, 600), hint);
    this.name = 'PackInstallError';
  }
}
