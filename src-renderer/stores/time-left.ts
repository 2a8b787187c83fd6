/**
 * "About 12 s left" for a run that reports steps (the diffusion sampling): the pace of the steps seen
 * so far times the steps still to go. Pure, fed with when each step was first reported.
 */

/** A progress report: step `step` of `total` was reached at `at` (ms, any monotonic clock). */
export interface StepSample {
  step: number;
  total: number;
  at: number;
}

/**
 * The samples with a new one added: the first report of each step counts (later notes of the same
 * step do not move it), and a step going back or another total starts afresh (a new run).
 */
export function addStepSample(samples: readonly StepSample[], next: StepSample): StepSample[] {
  const last = samples.at(-1);
  if (!last || next.total !== last.total || next.step < last.step) return [next];
  if (next.step === last.step) return [...samples];
  return [...samples, next];
}

/**
 * Milliseconds left, or undefined until two finished steps (step ≥ 1) give a pace; 0 at the end.
 * Step 0 is left out: its reports come while the networks load, not while a step runs.
 */
export function timeLeftMs(samples: readonly StepSample[]): number | undefined {
  const steps = samples.filter((s) => s.step >= 1);
  const first = steps[0];
  const last = steps.at(-1);
  if (!first || !last || last.step === first.step) return undefined;
  const perStep = (last.at - first.at) / (last.step - first.step);
  return Math.max(0, (last.total - last.step) * perStep);
}

/** "about 40 s left", "about 2 min 5 s left", "finishing"; undefined while there is no estimate. */
export function timeLeftText(samples: readonly StepSample[]): string | undefined {
  const ms = timeLeftMs(samples);
  if (ms === undefined) return undefined;
  const seconds = Math.round(ms / 1000);
  if (seconds < 1) return 'finishing';
  if (seconds < 60) return `about ${seconds} s left`;
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  return `about ${minutes} min${rest ? ` ${rest} s` : ''} left`;
}
