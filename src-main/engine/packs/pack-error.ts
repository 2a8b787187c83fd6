import { clip } from '../../shared/protocol';
import { StageError } from '../stage-error';

export type PackErrorCode =
  | 'pack-missing-file'
  | 'pack-corrupt'
  | 'pack-mismatch'
  | 'pack-unsupported'
  /** A listed file that is a link to a place outside the pack folder. */
  | 'pack-outside';

/** A pack that cannot be used, naming the pack folder and the file at fault. */
export class PackError extends StageError {
  constructor(
    code: PackErrorCode,
    readonly packDir: string,
    readonly file: string,
    problem: string,
    hint = 'Copy or convert the pack again (see training/README.md); a pack is never used half-loaded.',
  ) {
    // file names and problems come from the manifest, which may be hostile: the message stays readable
    super(code, `Model pack ${packDir}: ${clip(file, 200)}: ${clip(problem, 500)}`, hint);
    this.name = 'PackError';
  }
}
