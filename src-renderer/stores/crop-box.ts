/**
 * The selected job's crop box: where ingest says the shown photo came from (ingest.json), the faces
 * the estimate found (prior/faces.json), the box the user adjusts, and "Apply crop", which re-runs the
 * job from ingest with the box as JobSettings.crop.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import { JOB_PATHS, parseMessage } from '../../src-main/shared/protocol';
import { FacesFile, IngestReport } from '../../src-main/shared/ingest-report';
import { errorMessage, readArtifactJson, studio } from '../api';
import { initialCropBox, minSideOnPhoto, toOriginalCrop, type Box } from '../import/crop-geometry';
import { useJobsStore } from './jobs';

async function readParsed<T>(jobId: string, path: string, schema: Parameters<typeof parseMessage<T>>[0]) {
  const raw = await readArtifactJson(jobId, path).catch(() => undefined);
  if (raw === undefined) return undefined;
  const parsed = parseMessage(schema, raw);
  return parsed.ok ? parsed.value : undefined;
}

export const useCropBoxStore = defineStore('crop-box', () => {
  const jobs = useJobsStore();
  const report = shallowRef<IngestReport | undefined>();
  const faces = shallowRef<FacesFile['faces']>([]);
  const box = ref<Box | undefined>();
  const problem = ref<string | undefined>();
  /** The box is shown and adjustable (on by itself for a photo refused for several faces). */
  const editing = ref(false);
  const minSide = computed(() => minSideOnPhoto(report.value));
  const photoSize = computed(() => report.value?.working);
  /** The box in the original photo's pixels: what Apply sends. */
  const originalCrop = computed(() =>
    box.value && report.value ? toOriginalCrop(box.value, report.value) : undefined,
  );

  /** Reload when another job is shown or its ingest / estimate finish. */
  const key = computed(() => {
    const job = jobs.selected;
    return job ? `${job.id}:${job.stages.ingest?.state}:${job.stages.estimate?.state}` : '';
  });

  async function load(): Promise<void> {
    const job = jobs.selected;
    const shown = key.value;
    if (!job || job.stages.ingest?.state !== 'done') {
      report.value = undefined;
      faces.value = [];
      box.value = undefined;
      return;
    }
    const nextReport = await readParsed(job.id, JOB_PATHS.ingestReport, IngestReport);
    // faces of an earlier photo (before a crop) are stale until the estimate has run on this one
    const estimated = ['done', 'failed'].includes(job.stages.estimate?.state ?? '');
    const nextFaces = estimated ? ((await readParsed(job.id, JOB_PATHS.faces, FacesFile))?.faces ?? []) : [];
    if (key.value !== shown) return;
    if (job.error?.code === 'several-faces' || job.stages.estimate?.error?.code === 'several-faces')
      editing.value = true;
    report.value = nextReport;
    faces.value = nextFaces;
    box.value = nextReport
      ? initialCropBox(
          nextReport.working,
          nextFaces.map((f) => f.box),
          minSideOnPhoto(nextReport),
        )
      : undefined;
  }
  watch(key, () => void load(), { immediate: true });

  async function apply(): Promise<void> {
    const job = jobs.selected;
    const crop = originalCrop.value;
    if (!job || !crop) return;
    problem.value = undefined;
    try {
      jobs.adoptStarted(await studio().rerunStage(job.id, 'ingest', { crop }));
      editing.value = false;
    } catch (error) {
      problem.value = errorMessage(error);
    }
  }

  return { report, faces, box, minSide, photoSize, originalCrop, problem, editing, apply, reset: load };
});
