/**
 * The enlarged view's "New seed": one candidate picture of the enlarged view at a time, sampled by the
 * engine with a random seed (progress from `viewCandidateProgress`, the picture once `viewCandidate`
 * says ready), then kept (it becomes the view; reconstruct → export run again) or discarded.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import type { ErrorInfo, StudioEvent } from '../../src-main/shared/protocol';
import { errorMessage, readArtifactBlob, studio } from '../api';
import { useGalleryStore } from './gallery';
import { useJobsStore } from './jobs';

export type CandidatePhase = 'sampling' | 'ready' | 'keeping' | 'discarding' | 'failed';

export interface ViewCandidate {
  jobId: string;
  view: number;
  seed: number;
  phase: CandidatePhase;
  step?: number;
  total?: number;
  message?: string;
  path?: string;
  error?: string;
}

/** A seed the noise source takes (32-bit unsigned), picked at random. */
export function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]!;
}

const describe = (error: ErrorInfo | undefined): string =>
  error ? `${error.message}${error.hint ? ` ${error.hint}` : ''}` : 'it failed';

export const useViewCandidateStore = defineStore('view-candidate', () => {
  const jobs = useJobsStore();
  const gallery = useGalleryStore();
  const candidate = ref<ViewCandidate | undefined>();
  /** blob: URL of the candidate's picture once ready. */
  const url = shallowRef<string | undefined>();
  let unsubscribe: (() => void) | undefined;

  /** The candidate of the view shown now (another job's or view's is not shown). */
  const shown = computed(() => {
    const c = candidate.value;
    return c && c.jobId === jobs.selectedId && c.view === gallery.enlarged ? c : undefined;
  });

  function setUrl(next: string | undefined): void {
    if (url.value) URL.revokeObjectURL(url.value);
    url.value = next;
  }

  function patch(change: Partial<ViewCandidate>): void {
    if (candidate.value) candidate.value = { ...candidate.value, ...change };
  }

  function isOurs(event: { jobId: string; view: number; seed: number }): boolean {
    const c = candidate.value;
    return !!c && c.jobId === event.jobId && c.view === event.view && c.seed === event.seed;
  }

  async function showPicture(jobId: string, path: string): Promise<void> {
    const blob = await readArtifactBlob(jobId, path, 'image/png');
    if (candidate.value?.path === path) setUrl(URL.createObjectURL(blob));
  }

  function onEvent(event: StudioEvent): void {
    if (event.type === 'viewCandidateProgress' && isOurs(event)) {
      patch({ step: event.step, total: event.total, message: event.message });
    } else if (event.type === 'viewCandidate' && isOurs(event)) {
      if (event.state === 'ready' && event.path) {
        patch({ phase: 'ready', path: event.path });
        void showPicture(event.jobId, event.path).catch((e: unknown) =>
          patch({ phase: 'failed', error: errorMessage(e) }),
        );
      } else if (event.state === 'failed') patch({ phase: 'failed', error: describe(event.error) });
      else if (event.state === 'cancelled') patch({ phase: 'failed', error: 'cancelled' });
      else forget(); // kept or discarded: nothing left to show
    }
  }

  function follow(): void {
    unsubscribe ??= studio().onEvent(onEvent);
    // another job or view enlarged: its candidate is not this one's
    watch(
      () => [jobs.selectedId, gallery.enlarged] as const,
      () => {
        if (candidate.value?.phase !== 'sampling' && !shown.value) forget();
      },
    );
  }

  function forget(): void {
    candidate.value = undefined;
    setUrl(undefined);
  }

  async function newSeed(jobId: string, view: number): Promise<void> {
    forget();
    const seed = randomSeed();
    candidate.value = { jobId, view, seed, phase: 'sampling' };
    try {
      await studio().regenerateView(jobId, view, seed);
    } catch (error) {
      patch({ phase: 'failed', error: errorMessage(error) });
    }
  }

  async function settle(action: 'keep' | 'discard'): Promise<void> {
    const c = candidate.value;
    if (!c || c.phase !== 'ready') return;
    patch({ phase: action === 'keep' ? 'keeping' : 'discarding' });
    try {
      if (action === 'keep') {
        jobs.forgetLiveStages(c.jobId); // reconstruct → export run again: their old states are not current
        await studio().keepViewCandidate(c.jobId, c.view, c.seed);
      } else await studio().discardViewCandidate(c.jobId, c.view, c.seed);
    } catch (error) {
      patch({ phase: 'failed', error: errorMessage(error) });
    }
  }

  return {
    candidate,
    shown,
    url,
    follow,
    forget,
    newSeed,
    keep: () => settle('keep'),
    discard: () => settle('discard'),
  };
});
