/**
 * The window-wide input of the studio: files dropped or pasted (each becomes a queued import) and
 * the keyboard shortcuts (keyboard-shortcuts.ts). App.vue mounts it once.
 */
import { onBeforeUnmount, onMounted, ref } from 'vue';
import { useGalleryStore } from '../stores/gallery';
import { useGenerationSettingsStore } from '../stores/generation-settings';
import { useImportQueueStore } from '../stores/import-queue';
import { useJobsStore } from '../stores/jobs';
import { isTypingTarget, neighbourJob, shortcutFor } from './keyboard-shortcuts';

/** Image files of a drop or a paste (a pasted screenshot is a file item of type image/png). */
export function imageFiles(transfer: DataTransfer | null | undefined): File[] {
  if (!transfer) return [];
  const files = [...transfer.files];
  if (files.length > 0) return files;
  return [...transfer.items]
    .filter((item) => item.kind === 'file')
    .map((item) => item.getAsFile())
    .filter((file): file is File => !!file);
}

export function useStudioInput() {
  const jobs = useJobsStore();
  const gallery = useGalleryStore();
  const generation = useGenerationSettingsStore();
  const queue = useImportQueueStore();
  const helpOpen = ref(false);
  const confirmDelete = ref<{ jobId: string; name: string } | undefined>();
  const dragging = ref(false);

  function onDragOver(event: DragEvent): void {
    if (!event.dataTransfer?.types.includes('Files')) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    dragging.value = true;
  }
  function onDragLeave(event: DragEvent): void {
    if (event.relatedTarget === null) dragging.value = false;
  }
  /** Every dropped file joins the queue (bad files fail there with the engine's own message). */
  function onDrop(event: DragEvent): void {
    event.preventDefault();
    dragging.value = false;
    void queue.addFiles(imageFiles(event.dataTransfer));
  }
  function onPaste(event: ClipboardEvent): void {
    const files = imageFiles(event.clipboardData);
    if (files.length === 0) return; // text pasted into a field stays text
    event.preventDefault();
    void queue.addFiles(files);
  }

  const busy = (): boolean =>
    !!jobs.selected && (jobs.selected.id === jobs.runningId || jobs.selected.state === 'running');

  function onKeyDown(event: KeyboardEvent): void {
    if (event.defaultPrevented) return;
    const target = event.target as (HTMLElement & { type?: string }) | null;
    // Any modal (export dialog, model manager, these two) takes the keys while it is open.
    const modalOpen =
      helpOpen.value || !!confirmDelete.value || !!document.querySelector('[aria-modal="true"]');
    const action = shortcutFor({
      key: event.key,
      ctrlKey: event.ctrlKey,
      metaKey: event.metaKey,
      altKey: event.altKey,
      inField: isTypingTarget(target),
    });
    if (!action || (modalOpen && action !== 'escape')) return;
    // Escape in the export dialog or model manager is theirs to handle.
    if (action === 'escape' && !helpOpen.value && !confirmDelete.value && modalOpen) return;
    // arrows keep their own meaning in inputs (the opacity slider) and the crop box
    const arrows = action === 'next-job' || action === 'previous-job';
    if (arrows && (target?.tagName === 'INPUT' || target?.getAttribute('role') === 'group')) return;
    event.preventDefault();
    switch (action) {
      case 'import':
        void queue.addFromDialog();
        break;
      case 'delete':
        if (jobs.selected) confirmDelete.value = { jobId: jobs.selected.id, name: jobs.selected.sourceName };
        break;
      case 'escape':
        if (confirmDelete.value) confirmDelete.value = undefined;
        else if (helpOpen.value) helpOpen.value = false;
        else gallery.enlarge(undefined);
        break;
      case 'next-job':
      case 'previous-job': {
        const ids = jobs.jobs.map((j) => j.id);
        const next = neighbourJob(ids, jobs.selectedId, action === 'next-job' ? 1 : -1);
        if (next) jobs.select(next);
        break;
      }
      case 'generate':
        if (jobs.selected && !busy()) void jobs.regenerate(jobs.selected.id, generation.jobSettings);
        break;
      case 'export':
        // A disabled button ignores click(): E opens the export dialog only for a finished job.
        document.querySelector<HTMLButtonElement>('[data-shortcut="export"]')?.click();
        break;
      case 'help':
        helpOpen.value = true;
        break;
    }
  }

  async function deleteConfirmed(): Promise<void> {
    const doomed = confirmDelete.value;
    confirmDelete.value = undefined;
    if (doomed) await jobs.remove(doomed.jobId);
  }

  onMounted(() => {
    window.addEventListener('dragover', onDragOver);
    window.addEventListener('dragleave', onDragLeave);
    window.addEventListener('drop', onDrop);
    window.addEventListener('paste', onPaste);
    window.addEventListener('keydown', onKeyDown);
    queue.follow();
  });
  onBeforeUnmount(() => {
    window.removeEventListener('dragover', onDragOver);
    window.removeEventListener('dragleave', onDragLeave);
    window.removeEventListener('drop', onDrop);
    window.removeEventListener('paste', onPaste);
    window.removeEventListener('keydown', onKeyDown);
  });

  return { helpOpen, confirmDelete, dragging, deleteConfirmed };
}
