/**
 * What the stage list shows for one job: the stored stage records (job.json) overlaid with what the
 * engine has said since (events arrive before job.json is re-read). Pure, so it is easy to follow.
 */
import {
  STAGE_IDS,
  type Artifact,
  type ErrorInfo,
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
}

export interface LiveJob {
  stages: Partial<Record<StageId, LiveStage>>;
  /** Artifacts announced by events, with a count of how often each path was (re)written. */
  artifacts: Record<string, { artifact: Artifact; version: number }>;
  error?: ErrorInfo;
}

/** 'skipped': a stage this engine does not run, on a job that finished without it. */
export type StageViewState = StageState | 'skipped';

export interface StageView {
  id: StageId;
  state: StageViewState;
  step?: number;
  total?: number;
  message?: string;
  ms?: number;
  error?: ErrorInfo;
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
      return { ...live, stages, error: undefined };
    case 'progress':
      patch(event.stage, { state: 'running', step: event.step, total: event.total, message: event.message });
      return { ...live, stages };
    case 'stageDone':
      patch(event.stage, { state: 'done', ms: event.ms, step: undefined, total: undefined });
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
    return {
      id,
      state: state === 'pending' && job.state === 'done' ? 'skipped' : state,
      step: now?.step,
      total: now?.total,
      message: now?.message,
      ms: now?.ms ?? stored?.ms,
      error: now?.error ?? stored?.error,
    };
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
