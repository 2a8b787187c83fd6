import type { ErrorInfo } from '../shared/protocol';

/**
 * An expected failure a user can act on (bad photo, no face, corrupt pack…). The pipeline turns it
 * into an `error` event with the same code, message and hint; anything else is an internal error.
 */
export class StageError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'StageError';
  }

  toInfo(): ErrorInfo {
    return this.hint
      ? { code: this.code, message: this.message, hint: this.hint }
      : { code: this.code, message: this.message };
  }
}

/** Thrown when a job is cancelled; stages let it pass through untouched. */
export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}

export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}
