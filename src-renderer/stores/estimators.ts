/**
 * Which estimators this installation can run, as the engine reports them (packs can be added while
 * the studio runs, so the picker asks again when it is opened).
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { EstimatorAvailability, EstimatorId } from '../../src-main/shared/protocol';
import { errorMessage, studio } from '../api';
import { estimatorChoices } from './estimator-choices';

export const useEstimatorsStore = defineStore('estimators', () => {
  const listed = ref<EstimatorAvailability[]>([]);
  /** Why the list could not be read (the picker then offers only the built-in). */
  const problem = ref<string | undefined>();
  const choices = computed(() => estimatorChoices(listed.value));

  async function refresh(): Promise<void> {
    try {
      listed.value = await studio().listEstimators();
      problem.value = undefined;
    } catch (error) {
      problem.value = `could not check the estimator packs: ${errorMessage(error)}`;
    }
  }

  const choiceOf = (id: EstimatorId) => choices.value.find((c) => c.id === id);

  return { listed, problem, choices, refresh, choiceOf };
});
