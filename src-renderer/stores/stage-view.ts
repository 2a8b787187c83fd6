/**
 * What the stage list shows for one job: the stored stage records (job.json) overlaid with what the
 * engine has said since (events arrive before job.json is re-read). Pure, so it is easy to follow.
 */
import {
  STAGE_IDS,
  type Artifact,
  type ErrorInfo,
  type EstimatorId,
  type JobRecord,
  type StageId,
  type StageState,
  type StudioEvent,
} from '../../src-main/shared/protocol';

export interface LiveStage {
  state?: StageState;
  step?: number;
  total?: number;
  message?: string;
  ms?: number;
  error?: ErrorInfo;
  /** Set by a `stageDone` of a stage that had nothing to do: why. */
  skipped?: string;
}

/** A switch of estimator whose estimate failed; the job kept `kept`'s estimate. */
export interface SwitchFailure {
  estimator: EstimatorId;
  kept: EstimatorId;
  error: ErrorInfo;
}

export interface LiveJob {
  stages: Partial<Record<StageId, LiveStage>>;
  /** Artifacts announced by events, with a count of how often each path was (re)written. */
  artifacts: Record<string, { artifact: Artifact; version: number }>;
  error?: ErrorInfo;
  switchFailure?: SwitchFailure;
}

/**
 * 'skipped': a stage that had nothing to do, or one this engine does not run on a finished job.
 * 'stale': a result made from another estimator's estimate than the job's chosen one.
 */
export type StageViewState = StageState | 'skipped' | 'stale';

export interface StageView {
  id: StageId;
  state: StageViewState;
  step?: number;
  total?: number;
  message?: string;
  ms?: number;
  error?: ErrorInfo;
  /** Why a stage is skipped or stale. */
  note?: string;
}

export const emptyLiveJob = (): LiveJob => ({ stages: {}, artifacts: {} });

/** Fold one event into a job's live state (returns a new object). */
export function applyEvent(live: LiveJob, event: StudioEvent): LiveJob {
  const stages = { ...live.stages };
  const patch = (stage: StageId, change: LiveStage): void => {
    stages[stage] = { ...stages[stage], ...change };
  };
  switch (event.type) {
    case 'stageStarted':
      stages[event.stage] = { state: 'running' };
      return { ...live, stages, error: undefined, switchFailure: undefined };
    case 'progress':
      patch(event.stage, { state: 'running', step: event.step, total: event.total, message: event.message });
      return { ...live, stages };
    case 'stageDone':
      patch(event.stage, {
        state: 'done',
        ms: event.ms,
        step: undefined,
        total: undefined,
        skipped: event.skipped,
      });
      return { ...live, stages };
    case 'artifact': {
      const previous = live.artifacts[event.artifact.path];
      const artifacts = {
        ...live.artifacts,
        [event.artifact.path]: { artifact: event.artifact, version: (previous?.version ?? 0) + 1 },
      };
      return { ...live, artifacts };
    }
    case 'error':
      if (event.stage) patch(event.stage, { state: 'failed', error: event.error });
      return { ...live, stages, error: event.error };
    case 'estimatorSwitchFailed': {
      // The job is back as it was: what job.json says again holds, not this run's stage states.
      const { estimator, kept, error } = event;
      return { ...live, stages: {}, switchFailure: { estimator, kept, error } };
    }
    case 'cancelled':
      for (const id of STAGE_IDS) if (stages[id]?.state === 'running') patch(id, { state: 'cancelled' });
      return { ...live, stages };
    default:
      return live;
  }
}

export function stageViews(job: JobRecord, live: LiveJob | undefined): StageView[] {
  return STAGE_IDS.map((id) => {
    const stored = job.stages[id];
    const now = live?.stages[id];
    const state = now?.state ?? stored?.state ?? 'pending';
    // What this run said wins; without it, job.json's record (of an earlier run) speaks.
    const skipped = now?.state ? now.skipped : stored?.skipped;
    const madeFrom = now?.state ? undefined : stored?.estimator;
    const view: StageView = {
      id,
      state: state === 'pending' && job.state === 'done' ? 'skipped' : state,
      step: now?.step,
      total: now?.total,
      message: now?.message,
      ms: now?.ms ?? stored?.ms,
      error: now?.error ?? stored?.error,
    };
    if (state === 'done' && skipped) return { ...view, state: 'skipped', ms: undefined, note: skipped };
    if (state === 'done' && madeFrom && madeFrom !== job.settings.estimator) {
      const note = `made from the ${madeFrom} estimate, not ${job.settings.estimator}: re-run to update`;
      return { ...view, state: 'stale', note };
    }
    return view;
  });
}

/** Every artifact of a job, by path, with a version that changes when it is rewritten. */
export function jobArtifacts(
  job: JobRecord,
  live: LiveJob | undefined,
): Map<string, { kind: Artifact['kind']; key: string }> {
  const found = new Map<string, { kind: Artifact['kind']; key: string }>();
  for (const id of STAGE_IDS) {
    const stage = job.stages[id];
    for (const artifact of stage?.artifacts ?? []) {
      found.set(artifact.path, { kind: artifact.kind, key: `${artifact.path}#${stage?.ms ?? 0}` });
    }
  }
  for (const { artifact, version } of Object.values(live?.artifacts ?? {})) {
    const stored = found.get(artifact.path);
    found.set(artifact.path, { kind: artifact.kind, key: `${stored?.key ?? artifact.path}@${version}` });
  }
  return found;
}

export const isTerminal = (job: JobRecord): boolean =>
  job.state === 'done' || job.state === 'failed' || job.state === 'cancelled' || job.state === 'interrupted';
