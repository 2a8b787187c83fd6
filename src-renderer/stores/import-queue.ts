/**
 * The import queue's store: photos from a drop, the dialog, a paste or the recent list wait here and
 * become jobs one at a time (import-queue-model.ts holds the rules). It lives in the renderer: a
 * reload forgets the photos still waiting (their jobs, once made, are in the job store).
 */
import { defineStore } from 'pinia';
import { shallowRef, watch } from 'vue';
import { inputPhotoPath } from '../../src-main/shared/input-file-name';
import { endsJobRun, type JobRecord, type StudioEvent } from '../../src-main/shared/protocol';
import { errorMessage, studio } from '../api';
import {
  clearFinished,
  emptyQueue,
  forgetDeletedJobs,
  enqueue,
  markJobEnded,
  markRefused,
  markRunning,
  markStarting,
  nextToStart,
  removeWaiting,
  type QueuedSource,
} from '../import/import-queue-model';
import type { RecentPhoto } from '../import/recent-photos';
import { useGenerationSettingsStore } from './generation-settings';
import { useJobsStore } from './jobs';

type Outcome = { ok: true } | { ok: false; error: string };

function outcomeOf(event: StudioEvent): Outcome {
  if (event.type === 'jobDone') return { ok: true };
  if (event.type === 'error')
    return { ok: false, error: [event.error.message, event.error.hint].filter(Boolean).join(' — ') };
  return { ok: false, error: event.type === 'cancelled' ? 'cancelled' : 'failed' };
}

export const useImportQueueStore = defineStore('import-queue', () => {
  const queue = shallowRef(emptyQueue());
  const jobs = useJobsStore();
  const generation = useGenerationSettingsStore();
  /** Jobs that ended before their import call came back (a very fast failure). */
  const endedEarly = new Map<string, Outcome>();
  let unsubscribe: (() => void) | undefined;

  function onEvent(event: StudioEvent): void {
    if (!endsJobRun(event) || !('jobId' in event) || !event.jobId) return;
    const jobId = event.jobId;
    const starting = queue.value.items.some((i) => i.state === 'starting');
    if (starting && !queue.value.items.some((i) => i.jobId === jobId))
      endedEarly.set(jobId, outcomeOf(event));
    queue.value = markJobEnded(queue.value, jobId, outcomeOf(event));
    // after the job store has seen the same event (it clears runningId)
    setTimeout(pump, 0);
  }

  function follow(): void {
    unsubscribe?.();
    unsubscribe = studio().onEvent(onEvent);
  }
  watch(
    () => jobs.jobs.map((j) => j.id).join(),
    () => (queue.value = forgetDeletedJobs(queue.value, new Set(jobs.jobs.map((j) => j.id)))),
  );
  // another job (a re-generate, a resume) ended: the queue's turn
  watch(
    () => jobs.runningId,
    (id) => id === undefined && pump(),
  );

  async function importOne(source: QueuedSource, name: string): Promise<JobRecord> {
    const settings = generation.jobSettings;
    return source.kind === 'path'
      ? studio().importPhoto(source.path, settings)
      : studio().importPhotoBytes(name, source.bytes, settings);
  }

  function pump(): void {
    const item = nextToStart(queue.value, jobs.runningId !== undefined);
    if (!item) return;
    queue.value = markStarting(queue.value, item.id);
    void importOne(item.source, item.name).then(
      (job) => {
        jobs.adoptStarted(job);
        queue.value = markRunning(queue.value, item.id, job.id);
        const early = endedEarly.get(job.id);
        endedEarly.delete(job.id);
        if (early) {
          queue.value = markJobEnded(queue.value, job.id, early);
          setTimeout(pump, 0);
        }
      },
      (error: unknown) => {
        queue.value = markRefused(queue.value, item.id, errorMessage(error));
        pump();
      },
    );
  }

  function add(photos: { name: string; source: QueuedSource }[]): void {
    if (photos.length === 0) return;
    queue.value = enqueue(queue.value, photos);
    pump();
  }

  /** Dropped or pasted files: the renderer has their bytes (no paths in the sandbox). */
  async function addFiles(files: File[]): Promise<void> {
    const photos = await Promise.all(
      files.map(async (file) => ({
        name: file.name || 'pasted.png',
        source: { kind: 'bytes' as const, bytes: new Uint8Array(await file.arrayBuffer()) },
      })),
    );
    add(photos);
  }

  /** The Import dialog, several photos at once. */
  async function addFromDialog(): Promise<void> {
    try {
      const paths = await studio().openPhotosDialog();
      add(paths.map((path) => ({ name: path.split(/[\\/]/).pop() ?? path, source: { kind: 'path', path } })));
    } catch (error) {
      jobs.notice = errorMessage(error);
    }
  }

  /** A recent photo again: a new job from the old job's stored input bytes. */
  async function reimport(photo: RecentPhoto): Promise<void> {
    try {
      const bytes = await studio().readArtifact(photo.jobId, inputPhotoPath(photo.name));
      add([{ name: photo.name, source: { kind: 'bytes', bytes } }]);
    } catch (error) {
      jobs.notice = `${photo.name} could not be read again: ${errorMessage(error)}`;
    }
  }

  return {
    queue,
    reimport,
    follow,
    add,
    addFiles,
    addFromDialog,
    remove: (id: number) => (queue.value = removeWaiting(queue.value, id)),
    clearFinished: () => (queue.value = clearFinished(queue.value)),
  };
});
