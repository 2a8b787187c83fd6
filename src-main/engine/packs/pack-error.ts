import { StageError } from '../stage-error';

export type PackErrorCode = 'pack-missing-file' | 'pack-corrupt' | 'pack-mismatch' | 'pack-unsupported';

/** A pack that cannot be used, naming the pack folder and the file at fault. */
export class PackError extends StageError {
  constructor(
    code: PackErrorCode,
    readonly packDir: string,
    readonly file: string,
    problem: string,
    hint = 'Copy or convert the pack again (see training/README.md); a pack is never used half-loaded.',
  ) {
    super(code, `Model pack ${packDir}: ${file}: ${problem}`, hint);
    this.name = 'PackError';
  }
}
