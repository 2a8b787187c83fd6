/** The stage bar of a finished projection-generator job: reconstruct has no views to fit, so it is skipped. */
export const PROJECTION_JOB_STAGES = {
  ingest: 'done',
  segment: 'done',
  estimate: 'done',
  generate: 'done',
  reconstruct: 'skipped',
  export: 'done',
} as const;
