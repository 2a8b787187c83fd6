/**
 * The selected job's report.json, read when the job's export writes it (its artifact key changes),
 * and the rows the quality panel shows from it.
 */
import { defineStore } from 'pinia';
import { computed, shallowRef, watch } from 'vue';
import { JOB_PATHS, type StageId } from '../../src-main/shared/protocol';
import { errorMessage, readArtifactJson } from '../api';
import { useJobsStore } from './jobs';
import { reportSections } from './report-rows';

export const useQualityReportStore = defineStore('quality-report', () => {
  const report = shallowRef<unknown>();
  const problem = shallowRef<string | undefined>();
  /** `jobId/key` of the report shown, so a stale read (another job selected meanwhile) is dropped. */
  let shown: string | undefined;

  const jobs = useJobsStore();
  const sections = computed(() => {
    if (report.value === undefined) return [];
    const stageMs: Partial<Record<StageId, number>> = {};
    for (const [id, stage] of Object.entries(jobs.selected?.stages ?? {}))
      if (stage.ms !== undefined) stageMs[id as StageId] = stage.ms;
    return reportSections(report.value, stageMs);
  });

  async function load(jobId: string, wanted: string): Promise<void> {
    try {
      const json = await readArtifactJson(jobId, JOB_PATHS.report);
      if (shown === wanted) report.value = json;
    } catch (error) {
      if (shown === wanted) problem.value = `could not read ${JOB_PATHS.report}: ${errorMessage(error)}`;
    }
  }

  function follow(): void {
    watch(
      () => {
        const job = jobs.selected;
        const done = job?.stages.export?.state === 'done';
        const key = jobs.selectedArtifacts.get(JOB_PATHS.report)?.key;
        return job && done && key ? `${job.id}/${key}` : job?.id;
      },
      (wanted) => {
        if (wanted === shown) return;
        const jobId = jobs.selected?.id;
        const changedJob = !shown || !wanted || shown.split('/')[0] !== jobId;
        shown = wanted;
        problem.value = undefined;
        if (changedJob) report.value = undefined;
        if (jobId && wanted?.includes('/')) void load(jobId, wanted);
      },
      { immediate: true },
    );
  }

  return { report, sections, problem, follow };
});
