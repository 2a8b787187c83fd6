/**
 * The model manager: the installed packs, importing one from a folder or zip (main shows the dialog,
 * the engine verifies and installs it) and removing one after a confirmation. After a change the
 * estimator picker and the generation panel ask for their lists again.
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { PackInfo } from '../../src-main/shared/protocol';
import { errorMessage, studio } from '../api';
import { useEstimatorsStore } from './estimators';
import { useGenerationSettingsStore } from './generation-settings';
import { packRows } from './pack-rows';

export type PackAction = 'import-folder' | 'import-zip' | 'remove';

export const useModelPacksStore = defineStore('model-packs', () => {
  const packs = ref<PackInfo[]>([]);
  const rows = computed(() => packRows(packs.value));
  const open = ref(false);
  const loading = ref(false);
  const busy = ref<PackAction | undefined>();
  /** The pack whose removal waits for the user's confirmation. */
  const confirming = ref<string | undefined>();
  const error = ref<string | undefined>();
  const notice = ref<string | undefined>();

  async function refresh(): Promise<void> {
    loading.value = true;
    try {
      packs.value = await studio().listPacks();
    } catch (e) {
      error.value = `could not list the packs: ${errorMessage(e)}`;
    } finally {
      loading.value = false;
    }
  }

  /**
   * Everything that lists packs asks again, the manager's own rows last: asked side by side, a removed
   * pack's row could vanish while the generation panel still offered it.
   */
  async function refreshAll(): Promise<void> {
    await Promise.all([useEstimatorsStore().refresh(), useGenerationSettingsStore().refreshPacks()]);
    await refresh();
  }

  /** Runs one change at a time; a failure says that nothing changed, then the engine's reason. */
  async function run(action: PackAction, work: () => Promise<string | undefined>): Promise<void> {
    if (busy.value) return;
    busy.value = action;
    error.value = undefined;
    notice.value = undefined;
    try {
      notice.value = await work();
    } catch (e) {
      error.value = `${action === 'remove' ? 'Nothing was removed' : 'Nothing was installed'}: ${errorMessage(e)}`;
    } finally {
      busy.value = undefined;
    }
  }

  function importPack(kind: 'folder' | 'zip'): Promise<void> {
    return run(kind === 'folder' ? 'import-folder' : 'import-zip', async () => {
      const pack = await studio().importPackFromDialog(kind);
      if (!pack) return undefined; // the dialog was cancelled
      await refreshAll();
      return `Installed ${pack.id} ${pack.version} (sha256 verified).`;
    });
  }

  function askRemove(id: string): void {
    confirming.value = id;
  }

  function cancelRemove(): void {
    confirming.value = undefined;
  }

  function confirmRemove(): Promise<void> {
    const id = confirming.value;
    confirming.value = undefined;
    if (!id) return Promise.resolve();
    return run('remove', async () => {
      const pack = await studio().removePack(id);
      await refreshAll();
      return `Removed ${pack.id}.`;
    });
  }

  function show(): void {
    open.value = true;
    error.value = undefined;
    notice.value = undefined;
    void refresh();
  }

  function hide(): void {
    open.value = false;
    confirming.value = undefined;
  }

  return {
    packs,
    rows,
    open,
    loading,
    busy,
    confirming,
    error,
    notice,
    refresh,
    importPack,
    askRemove,
    cancelRemove,
    confirmRemove,
    show,
    hide,
  };
});
