/**
 * The Export dialog's state: the form (export-form.ts), where the export stands, and the files written.
 * Main does the work (exportJob: re-run the export stage, copy into the chosen folder); this store
 * only asks and shows.
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { ExportSettings, JobRecord } from '../../src-main/shared/protocol';
import { errorMessage, studio } from '../api';
import {
  applyPreset,
  editField,
  exportSettingsOf,
  initialForm,
  validateForm,
  type ExportForm,
} from './export-form';

/** The last folder exported to, where the folder chooser opens next time (across sessions). */
const FOLDER_KEY = 'gen3d.export-folder';

export type ExportPhase = 'editing' | 'exporting' | 'confirm-overwrite' | 'written' | 'failed';

export const useExportDialogStore = defineStore('export-dialog', () => {
  const isOpen = ref(false);
  const jobId = ref<string | undefined>();
  const base = ref<ExportSettings | undefined>();
  const form = ref<ExportForm | undefined>();
  const phase = ref<ExportPhase>('editing');
  /** Files that would have been replaced (phase confirm-overwrite). */
  const existing = ref<string[]>([]);
  const written = ref<string[]>([]);
  const failure = ref<string | undefined>();
  /** Shown only after the user tried to export, so an untouched form is not all red at once. */
  const triedExport = ref(false);
  /** This session's chosen folder: main accepts only folders chosen through its dialog this session. */
  const sessionFolder = ref<string | null>(null);

  const errors = computed(() => (form.value ? validateForm(form.value) : {}));
  /** Nothing wrong in the form (the Export button stays enabled: a click shows what is wrong). */
  const valid = computed(() => Object.keys(errors.value).length === 0);

  function openFor(job: JobRecord): void {
    jobId.value = job.id;
    base.value = job.settings.export;
    form.value = initialForm(job.settings.export, job.sourceName, sessionFolder.value);
    phase.value = 'editing';
    existing.value = [];
    written.value = [];
    failure.value = undefined;
    triedExport.value = false;
    isOpen.value = true;
  }

  /** Closing while the export runs is refused: Cancel stops it first. */
  function close(): void {
    if (phase.value !== 'exporting') isOpen.value = false;
  }

  function edit<K extends keyof ExportForm>(key: K, value: ExportForm[K]): void {
    if (form.value) form.value = editField(form.value, key, value);
    if (phase.value !== 'exporting') phase.value = 'editing';
  }

  function choosePreset(preset: ExportSettings['preset']): void {
    if (form.value) form.value = applyPreset(form.value, preset);
  }

  /** "Keep them": nothing replaced; the user may change the name or folder and export again. */
  function keepExisting(): void {
    existing.value = [];
    phase.value = 'editing';
  }

  async function chooseFolder(): Promise<void> {
    try {
      const start = sessionFolder.value ?? localStorage.getItem(FOLDER_KEY) ?? undefined;
      const folder = await studio().chooseExportFolder(start);
      if (!folder || !form.value) return;
      sessionFolder.value = folder;
      localStorage.setItem(FOLDER_KEY, folder);
      form.value = { ...form.value, destination: folder };
    } catch (error) {
      failure.value = errorMessage(error);
      phase.value = 'failed';
    }
  }

  async function exportNow(overwrite = false): Promise<void> {
    triedExport.value = true;
    if (!form.value || !base.value || !jobId.value || !valid.value || phase.value === 'exporting') return;
    phase.value = 'exporting';
    failure.value = undefined;
    try {
      const settings = exportSettingsOf(form.value, base.value);
      const result = await studio().exportJob(jobId.value, settings, form.value.destination!, overwrite);
      if (result.state === 'exists') {
        existing.value = result.existing;
        phase.value = 'confirm-overwrite';
      } else {
        written.value = result.written;
        phase.value = 'written';
      }
    } catch (error) {
      failure.value = errorMessage(error);
      phase.value = 'failed';
    }
  }

  async function cancelExport(): Promise<void> {
    if (jobId.value && phase.value === 'exporting') await studio().cancelJob(jobId.value);
  }

  async function reveal(path: string): Promise<void> {
    try {
      await studio().reveal(path);
    } catch (error) {
      failure.value = errorMessage(error);
    }
  }

  return {
    isOpen,
    jobId,
    form,
    phase,
    existing,
    written,
    failure,
    errors,
    triedExport,
    valid,
    openFor,
    close,
    edit,
    choosePreset,
    keepExisting,
    chooseFolder,
    exportNow,
    cancelExport,
    reveal,
  };
});
