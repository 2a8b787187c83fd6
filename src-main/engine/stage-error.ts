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

/**
 * The abort reason when the engine is shut down (the app quits) rather than the job cancelled: the
 * job is left interrupted, to be resumed, not cancelled by the user.
 */
export const ENGINE_SHUTDOWN = 'engine-shutdown';

export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}
