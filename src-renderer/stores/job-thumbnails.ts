/**
 * Small thumbnails of the jobs in the list: each job's picture (thumbnailSource) read once through
 * readArtifact, scaled down to a few kilobytes and kept as an object URL until it changes or the job
 * goes; replaced and dropped URLs are revoked.
 */
import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import type { JobRecord } from '../../src-main/shared/protocol';
import { readArtifactBlob } from '../api';
import { thumbnailSource } from './job-summary';
import { useJobsStore } from './jobs';

/** Longest side of a thumbnail, in pixels (twice the list's CSS size, for sharp HiDPI). */
const THUMBNAIL_SIDE = 96;

async function scaledDown(blob: Blob): Promise<Blob> {
  const full = await createImageBitmap(blob);
  const scale = Math.min(1, THUMBNAIL_SIDE / Math.max(full.width, full.height));
  const width = Math.max(1, Math.round(full.width * scale));
  const height = Math.max(1, Math.round(full.height * scale));
  const canvas = new OffscreenCanvas(width, height);
  canvas.getContext('2d')?.drawImage(full, 0, 0, width, height);
  full.close();
  return canvas.convertToBlob({ type: 'image/png' });
}

export interface JobThumbnail {
  url: string;
  /** The job file it was made from (the photo, or the preview's front render). */
  path: string;
}

export const useJobThumbnailsStore = defineStore('job-thumbnails', () => {
  /** Object URL per job id, with the job file it shows. */
  const urls = ref<Record<string, JobThumbnail>>({});
  /** The source key each job's URL (or load under way) is for. */
  const keys = new Map<string, string>();

  function set(jobId: string, thumbnail: JobThumbnail | undefined): void {
    const next = { ...urls.value };
    const old = next[jobId];
    if (old) URL.revokeObjectURL(old.url);
    if (thumbnail) next[jobId] = thumbnail;
    else delete next[jobId];
    urls.value = next;
  }

  async function load(jobId: string, path: string, key: string): Promise<void> {
    try {
      const small = await scaledDown(await readArtifactBlob(jobId, path, 'image/png'));
      if (keys.get(jobId) === key) set(jobId, { url: URL.createObjectURL(small), path });
    } catch {
      // No thumbnail (e.g. the job was deleted meanwhile): the list shows its placeholder.
      if (keys.get(jobId) === key) keys.delete(jobId);
    }
  }

  function sync(jobs: readonly JobRecord[]): void {
    const present = new Set(jobs.map((j) => j.id));
    for (const jobId of [...keys.keys()])
      if (!present.has(jobId)) {
        keys.delete(jobId);
        set(jobId, undefined);
      }
    for (const job of jobs) {
      const source = thumbnailSource(job);
      if (!source || keys.get(job.id) === source.key) continue;
      keys.set(job.id, source.key);
      void load(job.id, source.path, source.key);
    }
  }

  function follow(): void {
    const jobs = useJobsStore();
    watch(() => jobs.jobs, sync, { immediate: true, deep: true });
  }

  return { urls, follow };
});
