/**
 * Times a stepped run as its reports arrive (the renderer's clock, for time-left.ts): watches a
 * step/total getter and answers the time-left text while the run goes on.
 */
import { computed, ref, watch, type ComputedRef } from 'vue';
import { addStepSample, timeLeftText, type StepSample } from './time-left';

export function useStepClock(
  current: () => { step?: number; total?: number; running: boolean },
): ComputedRef<string | undefined> {
  const samples = ref<StepSample[]>([]);
  watch(
    () => {
      const c = current();
      return [c.step, c.total, c.running] as const;
    },
    ([step, total, running]) => {
      if (!running || step === undefined || !total) {
        samples.value = [];
        return;
      }
      samples.value = addStepSample(samples.value, { step, total, at: performance.now() });
    },
    { immediate: true },
  );
  return computed(() => timeLeftText(samples.value));
}
