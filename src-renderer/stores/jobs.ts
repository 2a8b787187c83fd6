/**
 * The job list and what the engine says about each job. Every change comes from the backend: the
 * store asks (list, get) and listens (events); it never guesses a state the backend has not reported.
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import {
  endsJobRun,
  type ErrorInfo,
  type EstimatorId,
  type JobRecord,
  type JobSettingsInput,
  type StageId,
  type StudioEvent,
  type UnreadableJobFolder,
} from '../../src-main/shared/protocol';
import { errorMessage, studio } from '../api';
import { useEstimatorsStore } from './estimators';
import { rerunSettings } from './job-summary';
import { applyEvent, emptyLiveJob, jobArtifacts, stageViews, type LiveJob } from './stage-view';

export const useJobsStore = defineStore('jobs', () => {
  const jobs = ref<JobRecord[]>([]);
  /** Folders in the jobs folder that are not readable jobs: said in the list, never deleted. */
  const unreadable = ref<UnreadableJobFolder[]>([]);
  const selectedId = ref<string | undefined>();
  const live = ref<Record<string, LiveJob>>({});
  /** Running job ids the engine is working on right now (from events). */
  const runningId = ref<string | undefined>();
  /** The last failure of an action the user took (import, delete…), shown in the side panel. */
  const notice = ref<string | undefined>();
  /** What the installation lacks (shown until fixed: no job can run). */
  const setupProblems = ref<ErrorInfo[]>([]);
  let unsubscribe: (() => void) | undefined;

  const selected = computed(() => jobs.value.find((j) => j.id === selectedId.value));
  const selectedStages = computed(() =>
    selected.value ? stageViews(selected.value, live.value[selected.value.id]) : [],
  );
  const selectedArtifacts = computed(() =>
    selected.value ? jobArtifacts(selected.value, live.value[selected.value.id]) : new Map(),
  );
  /** The last estimator switch of the selected job that failed (its previous estimate was kept). */
  const selectedSwitchFailure = computed(() =>
    selected.value ? live.value[selected.value.id]?.switchFailure : undefined,
  );
  const selectedError = computed(() => {
    const job = selected.value;
    if (!job) return undefined;
    return live.value[job.id]?.error ?? job.error;
  });

  function upsert(job: JobRecord): void {
    const index = jobs.value.findIndex((j) => j.id === job.id);
    if (index >= 0) jobs.value.splice(index, 1, job);
    else jobs.value.unshift(job);
  }

  async function attempt<T>(action: () => Promise<T>): Promise<T | undefined> {
    notice.value = undefined;
    try {
      return await action();
    } catch (error) {
      notice.value = errorMessage(error);
      return undefined;
    }
  }

  async function refresh(): Promise<void> {
    ({ jobs: jobs.value, unreadable: unreadable.value } = await studio().listJobFolders());
    if (!selected.value) selectedId.value = jobs.value[0]?.id;
  }

  /** Per job, the latest reload asked for: replies can come back out of order. */
  const reloads = new Map<string, number>();
  async function reload(jobId: string): Promise<void> {
    const asked = (reloads.get(jobId) ?? 0) + 1;
    reloads.set(jobId, asked);
    try {
      const job = await studio().getJob(jobId);
      // A reply to an earlier event's reload arriving last (a record still 'running' after jobDone's
      // 'done') would leave the job looking busy until its next event.
      if (reloads.get(jobId) === asked) upsert(job);
    } catch {
      // Deleted meanwhile: drop it.
      if (reloads.get(jobId) === asked) jobs.value = jobs.value.filter((j) => j.id !== jobId);
    }
  }

  function onEvent(event: StudioEvent): void {
    if (!('jobId' in event) || !event.jobId) return;
    const jobId = event.jobId;
    live.value = { ...live.value, [jobId]: applyEvent(live.value[jobId] ?? emptyLiveJob(), event) };
    if (event.type === 'stageStarted') runningId.value = jobId;
    if (endsJobRun(event) && runningId.value === jobId) runningId.value = undefined;
    // Started from the menu or elsewhere: a job we have not listed yet.
    if (!jobs.value.some((j) => j.id === jobId)) void refresh();
    else if (event.type !== 'progress' && event.type !== 'viewCandidateProgress') void reload(jobId);
  }

  async function init(): Promise<void> {
    unsubscribe?.();
    unsubscribe = studio().onEvent(onEvent);
    await attempt(refresh);
    setupProblems.value = (await attempt(() => studio().setupProblems())) ?? [];
  }

  function started(job: JobRecord): void {
    live.value = { ...live.value, [job.id]: emptyLiveJob() };
    upsert(job);
    selectedId.value = job.id;
    runningId.value = job.id;
  }

  /** Re-runs generate → export of a job with other generation settings (generator, pack, seed…). */
  const regenerate = (jobId: string, settings: Partial<JobSettingsInput>) =>
    attempt(async () => {
      live.value = { ...live.value, [jobId]: emptyLiveJob() };
      started(await studio().rerunStage(jobId, 'generate', settings));
    });

  /** "Re-run from…": that stage and the ones after it, with the side panel's settings over the job's. */
  const rerunFrom = (jobId: string, stage: StageId, settings: Partial<JobSettingsInput>) =>
    attempt(async () => {
      const job = jobs.value.find((j) => j.id === jobId);
      if (!job) throw new Error(`no job ${jobId}`);
      live.value = { ...live.value, [jobId]: emptyLiveJob() };
      started(await studio().rerunStage(jobId, stage, rerunSettings(job, settings)));
    });

  const remove = (jobId: string) =>
    attempt(async () => {
      await studio().deleteJob(jobId);
      jobs.value = jobs.value.filter((j) => j.id !== jobId);
      if (selectedId.value === jobId) selectedId.value = jobs.value[0]?.id;
    });

  const resume = (jobId: string) =>
    attempt(async () => {
      live.value = { ...live.value, [jobId]: emptyLiveJob() };
      started(await studio().resumeJob(jobId));
    });

  const cancel = (jobId: string) => attempt(() => studio().cancelJob(jobId));

  /**
   * A run of some later stages is about to start outside these actions (a kept view candidate):
   * forget what the last run said of the stages, keep the artifacts' versions (pictures re-read).
   */
  function forgetLiveStages(jobId: string): void {
    live.value = {
      ...live.value,
      [jobId]: { ...emptyLiveJob(), artifacts: live.value[jobId]?.artifacts ?? {} },
    };
  }

  /**
   * Another estimator: re-runs estimate → generate → export, since the estimator shapes the head
   * (the built-in head is registered onto its surface), not only the overlay. One whose pack is not
   * installed is refused here, before any run; one that fails anyway leaves the job as it was.
   */
  const switchEstimator = (jobId: string, estimator: EstimatorId) =>
    attempt(async () => {
      const choice = useEstimatorsStore().choiceOf(estimator);
      if (choice && !choice.available) throw new Error(choice.note ?? `${choice.label} is not available`);
      live.value = { ...live.value, [jobId]: emptyLiveJob() };
      started(await studio().switchEstimator(jobId, estimator));
    });

  return {
    jobs,
    unreadable,
    selectedId,
    selected,
    selectedStages,
    selectedArtifacts,
    selectedError,
    selectedSwitchFailure,
    runningId,
    notice,
    setupProblems,
    init,
    refresh,
    remove,
    resume,
    cancel,
    switchEstimator,
    regenerate,
    rerunFrom,
    select: (jobId: string) => (selectedId.value = jobId),
    /** A job another store started (the import queue, a crop): list it, select it, show it running. */
    adoptStarted: started,
    forgetLiveStages,
  };
});
