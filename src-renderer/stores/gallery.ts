/**
 * The view gallery of the selected job: its tiles (view-gallery.ts, from the jobs store's artifacts),
 * the pictures they show as blob: URLs, the camera angles and which view is enlarged. A picture is
 * read again only when its key changes (a newer preview, then the final view).
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import { errorMessage, readArtifactBlob, readArtifactJson } from '../api';
import { useJobsStore } from './jobs';
import {
  VIEW_CAMERAS_PATH,
  galleryMode,
  galleryTiles,
  parseViewAngles,
  type GalleryMode,
  type ViewAngle,
  type ViewTile,
} from './view-gallery';

export const useGalleryStore = defineStore('gallery', () => {
  const jobs = useJobsStore();
  const angles = shallowRef<ViewAngle[] | undefined>();
  /** blob: URL of each tile's picture, by view index. */
  const pictureUrls = shallowRef<Record<number, string>>({});
  /** The view shown large beside the photo. */
  const enlarged = ref<number | undefined>();
  const problem = ref<string | undefined>();

  const mode = computed<GalleryMode | undefined>(() =>
    jobs.selected ? galleryMode(jobs.selected.settings.generator) : undefined,
  );
  const tiles = computed<ViewTile[]>(() =>
    mode.value === 'views' ? galleryTiles(jobs.selectedArtifacts, angles.value) : [],
  );
  const generateStage = computed(() => jobs.selectedStages.find((s) => s.id === 'generate'));
  const enlargedTile = computed(() => tiles.value.find((t) => t.index === enlarged.value));

  /** The key each slot wants (a tile's picture key, or cameras.json's); loads of other keys are dropped. */
  const wanted = new Map<string, string>();
  let jobShown: string | undefined;

  function clear(): void {
    for (const url of Object.values(pictureUrls.value)) URL.revokeObjectURL(url);
    pictureUrls.value = {};
    angles.value = undefined;
    enlarged.value = undefined;
    problem.value = undefined;
    wanted.clear();
  }

  function setPicture(index: number, url: string | undefined): void {
    const next = { ...pictureUrls.value };
    const old = next[index];
    if (old) URL.revokeObjectURL(old);
    if (url) next[index] = url;
    else delete next[index];
    pictureUrls.value = next;
  }

  async function loadPicture(jobId: string, tile: ViewTile): Promise<void> {
    const picture = tile.picture;
    if (!picture) return;
    const slot = `view-${tile.index}`;
    const blob = await readArtifactBlob(jobId, picture.path, 'image/png');
    if (jobShown !== jobId || wanted.get(slot) !== picture.key) return;
    setPicture(tile.index, URL.createObjectURL(blob));
  }

  async function loadAngles(jobId: string, key: string): Promise<void> {
    const parsed = parseViewAngles(await readArtifactJson(jobId, VIEW_CAMERAS_PATH));
    if (!parsed) throw new Error(`${VIEW_CAMERAS_PATH} has no azimuth/elevation per view`);
    if (jobShown === jobId && wanted.get('cameras') === key) angles.value = parsed;
  }

  function sync(jobId: string | undefined, current: ViewTile[]): void {
    if (jobId !== jobShown) {
      clear();
      jobShown = jobId;
    }
    if (!jobId) return;
    const fail = (path: string) => (error: unknown) => {
      problem.value = `could not show ${path}: ${errorMessage(error)}`;
    };
    const cameras = jobs.selectedArtifacts.get(VIEW_CAMERAS_PATH);
    if (cameras && wanted.get('cameras') !== cameras.key) {
      wanted.set('cameras', cameras.key);
      void loadAngles(jobId, cameras.key).catch(fail(VIEW_CAMERAS_PATH));
    } else if (!cameras && angles.value) {
      wanted.delete('cameras');
      angles.value = undefined; // a re-run of generate cleared them
    }
    for (const tile of current) {
      const slot = `view-${tile.index}`;
      if (!tile.picture) {
        if (wanted.delete(slot)) setPicture(tile.index, undefined);
        continue;
      }
      if (wanted.get(slot) === tile.picture.key) continue;
      wanted.set(slot, tile.picture.key);
      void loadPicture(jobId, tile).catch(fail(tile.picture.path));
    }
  }

  function follow(): void {
    watch(
      () => [jobs.selectedId, tiles.value] as const,
      ([jobId, current]) => sync(jobId, current),
      { immediate: true },
    );
  }

  const enlarge = (index: number | undefined): void => {
    enlarged.value = enlarged.value === index ? undefined : index;
  };

  return {
    mode,
    tiles,
    angles,
    pictureUrls,
    generateStage,
    enlarged,
    enlargedTile,
    problem,
    follow,
    enlarge,
  };
});
