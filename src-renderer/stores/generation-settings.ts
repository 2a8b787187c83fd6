/**
 * The side panel's generation settings: what new jobs start with (saved as the studio's defaults in
 * the window's storage) and what "Re-generate" applies to the selected job.
 */
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type { PackInfo } from '../../src-main/shared/protocol';
import { errorMessage, studio } from '../api';
import {
  diffusionPacks,
  jobSettingsOf,
  randomSeed,
  readSavedChoice,
  type GenerationChoice,
} from './generation-choice';

const STORAGE_KEY = 'gen3d.generation-defaults';

export const useGenerationSettingsStore = defineStore('generation-settings', () => {
  const choice = ref<GenerationChoice>(readSavedChoice(localStorage.getItem(STORAGE_KEY)));
  const packs = ref<PackInfo[]>([]);
  const problem = ref<string | undefined>();
  const packOptions = computed(() => diffusionPacks(packs.value));
  const jobSettings = computed(() => jobSettingsOf(choice.value));
  /** Diffusion chosen but no pack to run it: new jobs would fail, so the panel says so. */
  const missingPack = computed(
    () => choice.value.generator === 'diffusion' && packOptions.value.length === 0,
  );

  watch(choice, (c) => localStorage.setItem(STORAGE_KEY, JSON.stringify(c)), { deep: true });

  async function refreshPacks(): Promise<void> {
    try {
      packs.value = await studio().listPacks();
      problem.value = undefined;
    } catch (error) {
      problem.value = `could not list the packs: ${errorMessage(error)}`;
    }
  }

  function randomiseSeed(): void {
    choice.value = { ...choice.value, seed: randomSeed() };
  }

  return { choice, packs, packOptions, jobSettings, missingPack, problem, refreshPacks, randomiseSeed };
});
