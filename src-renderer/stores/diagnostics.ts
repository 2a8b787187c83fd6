/** The engine's diagnostics, asked once for the provider panel (and again on demand). */
import { defineStore } from 'pinia';
import { shallowRef } from 'vue';
import type { EngineDiagnostics } from '../../src-main/shared/diagnostics';
import { errorMessage, studio } from '../api';

export const useDiagnosticsStore = defineStore('diagnostics', () => {
  const diagnostics = shallowRef<EngineDiagnostics | undefined>();
  const problem = shallowRef<string | undefined>();
  const loading = shallowRef(false);

  async function refresh(): Promise<void> {
    loading.value = true;
    try {
      diagnostics.value = await studio().diagnostics();
      problem.value = undefined;
    } catch (error) {
      problem.value = `could not ask the engine for its providers: ${errorMessage(error)}`;
    } finally {
      loading.value = false;
    }
  }

  return { diagnostics, problem, loading, refresh };
});
