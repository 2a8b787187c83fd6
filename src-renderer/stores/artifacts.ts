/**
 * The selected job's artifacts the two panes draw: photo, mask, prior overlay and exported GLB.
 * Each is (re)read only when its key changes (a new path, a re-run stage or a rewrite event).
 */
import { defineStore } from 'pinia';
import { shallowRef, watch } from 'vue';
import { JOB_PATHS, PriorOverlay, parseMessage, type ArtifactKind } from '../../src-main/shared/protocol';
import { errorMessage, readArtifactBlob, readArtifactJson, studio } from '../api';
import { useJobsStore } from './jobs';

export interface LoadedModel {
  path: string;
  bytes: Uint8Array;
}

/** Which file of each kind the panes show (the export GLB name depends on the photo's name). */
const WANTED: Partial<Record<ArtifactKind, string>> = {
  photo: JOB_PATHS.photo,
  mask: JOB_PATHS.mask,
  overlay: JOB_PATHS.overlay,
};

export const useArtifactsStore = defineStore('artifacts', () => {
  const photo = shallowRef<ImageBitmap | undefined>();
  const mask = shallowRef<ImageBitmap | undefined>();
  const overlay = shallowRef<PriorOverlay | undefined>();
  const model = shallowRef<LoadedModel | undefined>();
  const problem = shallowRef<string | undefined>();
  const loadedKeys = new Map<string, string>();
  let jobShown: string | undefined;

  function clear(): void {
    photo.value?.close();
    mask.value?.close();
    photo.value = mask.value = overlay.value = model.value = undefined;
    loadedKeys.clear();
  }

  /** Load what changed; stale loads (the user switched jobs meanwhile) are dropped. */
  async function sync(
    jobId: string | undefined,
    artifacts: Map<string, { kind: ArtifactKind; key: string }>,
  ) {
    if (jobId !== jobShown) {
      clear();
      jobShown = jobId;
      problem.value = undefined;
    }
    if (!jobId) return;
    const loads: Promise<void>[] = [];
    for (const [path, { kind, key }] of artifacts) {
      const slot = kind === 'export-glb' ? 'glb' : WANTED[kind] === path ? kind : undefined;
      if (!slot || loadedKeys.get(slot) === key) continue;
      loadedKeys.set(slot, key);
      loads.push(
        loadOne(jobId, slot, path).catch((error) => {
          loadedKeys.delete(slot);
          problem.value = `could not show ${path}: ${errorMessage(error)}`;
        }),
      );
    }
    await Promise.all(loads);
  }

  async function loadOne(jobId: string, slot: string, path: string): Promise<void> {
    const current = () => jobShown === jobId;
    if (slot === 'photo' || slot === 'mask') {
      const bitmap = await createImageBitmap(await readArtifactBlob(jobId, path, 'image/png'));
      if (!current()) return bitmap.close();
      const target = slot === 'photo' ? photo : mask;
      target.value?.close();
      target.value = bitmap;
    } else if (slot === 'overlay') {
      const parsed = parseMessage(PriorOverlay, await readArtifactJson(jobId, path));
      if (!parsed.ok) throw new Error(`not a valid overlay (${parsed.error})`);
      if (current()) overlay.value = parsed.value;
    } else if (slot === 'glb') {
      const bytes = await studio().readArtifact(jobId, path);
      if (current()) model.value = { path, bytes };
    }
  }

  function follow(): void {
    const jobs = useJobsStore();
    watch(
      () => [jobs.selectedId, jobs.selectedArtifacts] as const,
      ([jobId, artifacts]) => void sync(jobId, artifacts),
      { immediate: true },
    );
  }

  return { photo, mask, overlay, model, problem, follow };
});
